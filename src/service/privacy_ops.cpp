// privacy.scan: the records whose public or shared view would show personal data in free text
// before screening, with counts by kind of data and department — for the credit centre to ask
// the departments to correct their exports (东营市实施方案: 个人隐私 … 技术屏蔽或模糊处理). Lists
// fields and kinds of data, never the values.
#include <fmt/format.h>

#include <array>
#include <map>

#include "domain/disclosure.hpp"
#include "domain/privacy.hpp"
#include "domain/roles.hpp"
#include "domain/row_validation.hpp"
#include "io/kind_files.hpp"
#include "service/import_support.hpp"
#include "service/loading_batch.hpp"
#include "service/modules.hpp"
#include "service/reference.hpp"
#include "store/store.hpp"
#include "util/error.hpp"

namespace credit::service {

namespace {

constexpr int64_t kDefaultListed = 100, kMaxListed = 10000;

Json kinds_json(domain::DataKinds kinds) {
  Json out = Json::array();
  for (size_t i = 0; i < domain::kPersonalDataKinds; ++i)
    if (kinds & (domain::DataKinds{1} << i))
      out.push_back(domain::to_string(static_cast<domain::PersonalData>(i)));
  return out;
}

struct Tally {
  int64_t records = 0;
  std::array<int64_t, domain::kPersonalDataKinds> by_data{};  // records holding each kind

  void add(domain::DataKinds kinds) {
    ++records;
    for (size_t i = 0; i < by_data.size(); ++i)
      if (kinds & (domain::DataKinds{1} << i)) ++by_data[i];
  }
  Json by_data_json() const {
    Json out = Json::object();
    for (size_t i = 0; i < by_data.size(); ++i)
      if (by_data[i] > 0) out[domain::to_string(static_cast<domain::PersonalData>(i))] = by_data[i];
    return out;
  }
};

// The free-text fields of one record that hold personal data, with their kinds.
Json record_findings(const domain::KindSpec& spec, const domain::Screener& screener,
                     std::string_view data, bool natural, domain::DataKinds& all) {
  const auto values = domain::field_values_from_data(spec, data);
  const int name_field = spec.field(domain::Role::subject_name);
  const std::string_view name = natural && name_field >= 0
                                    ? std::string_view(values[static_cast<size_t>(name_field)])
                                    : std::string_view();
  Json fields = Json::array();
  for (size_t f = 0; f < spec.fields.size(); ++f) {
    if (!spec.fields[f].free_text || values[f].empty()) continue;
    const domain::DataKinds kinds = screener.detect(values[f], name);
    if (kinds == 0) continue;
    all |= kinds;
    fields.push_back({{"code", spec.fields[f].code},
                      {"name", spec.fields[f].name},
                      {"data", kinds_json(kinds)}});
  }
  return fields;
}

Json privacy_scan(ActionContext& ctx) {
  const int64_t limit = ctx.integer("limit", kDefaultListed);
  if (limit < 0 || limit > kMaxListed)
    fail(ErrorCode::bad_input, fmt::format("--limit {} is out of range", limit),
         fmt::format("give 0 to {} (0 lists no records, only the counts)", kMaxListed));
  auto policy = active_policy(ctx.db());
  const domain::Screener screener(policy->profile.privacy, policy->profile.masking);
  if (!screener.active())
    fail(ErrorCode::policy_refused,
         fmt::format("the active policy profile '{}' has no privacy rules to scan with",
                     policy->profile.id),
         "an administrator loads the current profile with `credit policy set`");
  // The public and shared views: every record below the authorised level, of the departments
  // the caller acts for (the credit centre: all).
  auto s = ctx.db().prepare(
      "SELECT id, kind, source_dept_uscc, document_number, subject_type, data FROM records "
      "WHERE disclosure IN ('public', 'shared') AND " +
      visible_record("id") + " ORDER BY id");
  Tally total;
  std::map<std::string, Tally> by_dept;
  Json listed = Json::array();
  int64_t scanned = 0;
  while (s.step()) {
    const std::string_view dept = s.column_view(2);
    if (!domain::department_covers(ctx.user.dept, dept)) continue;
    ++scanned;
    const auto& spec = io::shipped_kind_spec(require_kind(std::string(s.column_view(1))));
    domain::DataKinds kinds = 0;
    Json fields = record_findings(spec, screener, s.column_view(5),
                                  s.column_view(4) == "natural_person", kinds);
    if (kinds == 0) continue;
    total.add(kinds);
    by_dept[std::string(dept)].add(kinds);
    if (static_cast<int64_t>(listed.size()) < limit)
      listed.push_back({{"id", s.column_int64(0)},
                        {"kind", s.column_text(1)},
                        {"dept", std::string(dept)},
                        {"document_number", s.column_text(3)},
                        {"fields", std::move(fields)}});
  }
  Json departments = Json::array();
  for (const auto& [dept, t] : by_dept)
    departments.push_back({{"dept", dept}, {"records", t.records}, {"by_data", t.by_data_json()}});
  ctx.audit.params = {{"scanned", scanned}, {"records", total.records}, {"limit", limit}};
  const bool more = total.records > static_cast<int64_t>(listed.size());
  return {{"policy", policy->profile.id},
          {"scanned", scanned},
          {"records_with_personal_data", total.records},
          {"by_data", total.by_data_json()},
          {"by_department", std::move(departments)},
          {"records", std::move(listed)},
          {"more", more}};
}

}  // namespace

void register_privacy_actions(ActionRegistry& r) {
  r.add({"privacy.scan", "record.read", Access::read, privacy_scan,
         "records whose free text would show personal data before screening, with counts"});
}

}  // namespace credit::service
