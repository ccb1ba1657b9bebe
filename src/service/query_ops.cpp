// Queries: query.run — records by credit code, ID number, name (an indexed substring search),
// kind, status, severity, authority and dates; each row masked as the caller may see it
// (domain/disclosure); every query registered with its purpose and result count (查询使用登记).
#include <fmt/format.h>

#include <algorithm>

#include "domain/disclosure.hpp"
#include "domain/identifiers.hpp"
#include "domain/text_clean.hpp"
#include "service/consents.hpp"
#include "service/import_support.hpp"
#include "service/modules.hpp"
#include "service/name_index.hpp"
#include "service/query_sql.hpp"
#include "service/reference.hpp"
#include "store/store.hpp"
#include "util/error.hpp"

namespace credit::service {

namespace {

constexpr size_t kMaxPurpose = 500;  // characters

// ---- the parameters ----

std::string option_name(const char* key) {
  std::string name = std::string("--") + key;
  for (char& c : name)
    if (c == '_') c = '-';
  return name;
}

std::optional<std::string> code_param(ActionContext& ctx, const char* key) {
  auto raw = ctx.optional_string(key);
  if (!raw) return std::nullopt;
  std::string code = domain::clean_value(*raw, true).value;
  for (char& c : code)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return code;
}

// Any 18-character code of the USCC alphabet: legitimate codes that fail the check exist
// (the policy's allow-list), and a typo simply finds nothing.
std::optional<std::string> uscc_param(ActionContext& ctx, const char* key) {
  auto code = code_param(ctx, key);
  if (code && (code->size() != 18 ||
               code->find_first_not_of("0123456789ABCDEFGHJKLMNPQRTUWXY") != std::string::npos))
    fail(ErrorCode::bad_input,
         fmt::format("{} '{}' is not a unified social credit code", option_name(key), *code),
         "give the 18-character code (统一社会信用代码), e.g. 91110000600037341L");
  return code;
}

std::optional<std::string> id_number_param(ActionContext& ctx) {
  auto id = code_param(ctx, "id_number");
  if (id && ((id->size() != 18 && id->size() != 15) ||
             id->find_first_not_of("0123456789X") != std::string::npos))
    fail(ErrorCode::bad_input, fmt::format("--id-number '{}' is not an ID number", *id),
         "give the 18-character resident ID number (or an old 15-digit one)");
  return id;
}

std::optional<domain::Date> date_param(ActionContext& ctx, const char* key) {
  auto text = ctx.optional_string(key);
  if (!text) return std::nullopt;
  auto date = domain::Date::parse_iso(*text);
  if (!date)
    fail(ErrorCode::bad_input, fmt::format("{} '{}' is not a date", option_name(key), *text),
         "write it as YYYY-MM-DD");
  return date;
}

template <typename Parse>
std::optional<std::string> choice_param(ActionContext& ctx, const char* key, Parse parse,
                                        const char* choices) {
  auto text = ctx.optional_string(key);
  if (!text) return std::nullopt;
  auto value = parse(*text);
  if (!value)
    fail(ErrorCode::bad_input, fmt::format("{} '{}' is not known", option_name(key), *text),
         fmt::format("choose one of: {}", choices));
  return std::string(*value);
}

std::optional<std::string_view> parse_status(std::string_view s) {
  for (std::string_view status : {"active", "published", "expired", "repaired", "revoked"})
    if (s == status) return status;
  return std::nullopt;
}

std::vector<domain::Disclosure> levels_param(ActionContext& ctx) {
  std::vector<domain::Disclosure> levels;
  for (const auto& text : ctx.string_list("levels")) {
    auto level = domain::parse_disclosure(text);
    if (!level)
      fail(ErrorCode::bad_input, fmt::format("--level '{}' is not a disclosure level", text),
           "choose public (社会公开), shared (政务共享) or authorised (授权查询)");
    levels.push_back(*level);
  }
  return levels;
}

QueryFilter read_filter(ActionContext& ctx) {
  QueryFilter f;
  f.uscc = uscc_param(ctx, "uscc");
  f.id_number = id_number_param(ctx);
  if (auto name = ctx.optional_string("name_contains")) f.name = normalise_name_query(*name);
  f.kind = choice_param(
      ctx, "kind",
      [](std::string_view s) {
        auto k = domain::parse_kind(s);
        return k ? std::optional(domain::to_string(*k)) : std::nullopt;
      },
      "license, penalty, dishonest, red");
  f.status =
      choice_param(ctx, "status", parse_status, "active, published, expired, repaired, revoked");
  f.severity = choice_param(
      ctx, "severity",
      [](std::string_view s) {
        auto v = domain::parse_severity(s);
        return v ? std::optional(domain::to_string(*v)) : std::nullopt;
      },
      "minor, general, severe");
  f.authority = uscc_param(ctx, "authority");
  f.decided_from = date_param(ctx, "decided_from");
  f.decided_to = date_param(ctx, "decided_to");
  if (f.decided_from && f.decided_to && *f.decided_to < *f.decided_from)
    fail(ErrorCode::bad_input, fmt::format("--decided-to {} is before --decided-from {}",
                                           f.decided_to->iso(), f.decided_from->iso()));
  f.in_publicity = ctx.flag("in_publicity");
  // Asking for a withdrawn status is asking for the archive.
  f.include_archived =
      ctx.flag("include_archived") || (f.status && domain::is_withdrawn(*f.status, false));
  f.count_only = ctx.flag("count_only");
  f.levels = levels_param(ctx);
  f.after = ctx.integer("after", 0);
  if (f.after < 0) fail(ErrorCode::bad_input, "--after must be a record number (0 or more)");
  f.limit = ctx.integer("limit", QueryFilter::kDefaultLimit);
  if (f.limit < 1 || f.limit > QueryFilter::kMaxLimit)
    fail(ErrorCode::bad_input, fmt::format("--limit {} is out of range", f.limit),
         fmt::format("give 1 to {}; page on with --after", QueryFilter::kMaxLimit));
  f.purpose = domain::clean_value(ctx.optional_string("purpose").value_or(""), false).value;
  if (domain::utf8_length(f.purpose) > kMaxPurpose)
    fail(ErrorCode::bad_input, fmt::format("--purpose is longer than {} characters", kMaxPurpose));
  return f;
}

// ---- who may ask what ----

void require_levels(const ActionContext& ctx, const domain::Audience& a,
                    const std::vector<domain::Disclosure>& levels) {
  for (auto level : levels)
    if (!a.grants(level))
      ctx.require_right(fmt::format("query.{}", domain::to_string(level)),
                        fmt::format("a query at the {} level", domain::to_string(level)));
}

// 查询使用登记: a query that can return more than the public sees states why.
void require_purpose(const domain::Audience& a, const QueryFilter& f) {
  if (!f.purpose.empty() || !domain::purpose_required(a, f.levels)) return;
  fail(ErrorCode::usage,
       "a purpose is required: this query can return records beyond the public level or "
       "personal data in clear, and every such use is registered (查询使用登记)",
       "add --purpose TEXT saying why, e.g. --purpose '招标投标资格审查 项目2026-017'; or "
       "restrict the query to public records with --level public");
}

// ---- the rows ----

// A row as the caller may see it; the policy's masking rules are read only when needed.
class RowMasker {
 public:
  RowMasker(store::Db& db, const domain::Audience& a) : db_(db), audience_(a) {}

  Json row(const store::Stmt& s) {
    using C = QuerySql::Column;
    const std::string_view dept = s.column_view(C::source_dept_uscc);
    const auto stored = domain::parse_disclosure(s.column_view(C::disclosure));
    const auto view =
        domain::view_of(audience_, stored.value_or(domain::Disclosure::authorised),
                        s.column_view(C::status), s.column_int64(C::archived) != 0, dept);
    // The statement selects only visible records (test_query.cpp); should the two ever
    // disagree, nothing is released.
    if (!view.visible)
      fail(ErrorCode::internal,
           fmt::format("record {} was selected but may not be shown", s.column_int64(C::id)));
    const bool clear = view.clear;
    const bool natural = s.column_view(C::subject_type) == "natural_person";
    auto text = [&](C col) { return s.column_is_null(col) ? Json() : Json(s.column_text(col)); };
    auto flag = [&](C col) { return s.column_int64(col) != 0; };
    auto personal = [&](C col, domain::Personal kind) {
      if (s.column_is_null(col)) return Json();
      const std::string_view value = s.column_view(col);
      if (!domain::needs_masking(kind, value, clear)) return Json(std::string(value));
      return Json(domain::disclose(kind, value, clear, rules()));
    };
    const auto name_kind = natural ? domain::Personal::person_name : domain::Personal::none;
    return {{"id", s.column_int64(C::id)},
            {"kind", text(C::kind)},
            {"status", text(C::status)},
            {"severity", text(C::severity)},
            {"subject_name", personal(C::subject_name, name_kind)},
            {"subject_type", text(C::subject_type)},
            {"uscc", text(C::uscc)},
            {"id_number", personal(C::id_number, domain::Personal::id_number)},
            {"document_number", text(C::document_number)},
            {"authority", text(C::authority)},
            {"authority_uscc", text(C::authority_uscc)},
            {"source_dept_uscc", std::string(dept)},
            {"decided_on", text(C::decided_on)},
            {"publicity_start", text(C::publicity_start)},
            {"publicity_until", text(C::publicity_until)},
            {"disclosure", std::string(domain::to_string(view.effective))},
            {"under_repair", flag(C::under_repair)},
            {"disputed", flag(C::disputed)},
            {"archived", flag(C::archived)},
            {"masked", !clear}};
  }

 private:
  const domain::MaskingRules& rules() {
    if (!policy_) policy_ = active_policy(db_);
    return policy_->profile.masking;
  }

  store::Db& db_;
  const domain::Audience& audience_;
  std::shared_ptr<const ActivePolicy> policy_;
};

// 授权查询: every authorised-level record of another department the query matches (not only the
// page: the count and the next pages disclose them too) needs its subject's authorisation.
void require_consents(ActionContext& ctx, const QueryFilter& f, const domain::Audience& a,
                      const QuerySql& sql) {
  const auto scope = domain::level_scope(a, f.levels);
  if (std::find(scope.everywhere.begin(), scope.everywhere.end(), domain::Disclosure::authorised) ==
      scope.everywhere.end())
    return;  // the caller sees its own department's authorised records only
  auto stmt = ctx.db().prepare(sql.authorised_subjects_sql(a.dept));
  sql.bind(stmt);
  std::shared_ptr<const ActivePolicy> policy;
  while (stmt.step()) {
    if (!policy) policy = active_policy(ctx.db());
    auto code = [&](int col) {
      return stmt.column_is_null(col) ? std::nullopt : std::optional(stmt.column_text(col));
    };
    require_consent(ctx, policy->profile,
                    record_subject(ctx, policy->profile.masking, code(1), code(2)),
                    require_kind(stmt.column_text(0)), f.purpose, "this query");
  }
}

Json run_query(ActionContext& ctx, const QueryFilter& f, const domain::Audience& a) {
  std::optional<std::string> match;
  if (f.name) {
    match = name_match_expression(ctx.db(), *f.name);
    if (!match)  // no indexed name has these two characters
      return f.count_only ? Json{{"count", 0}}
                          : Json{{"records", Json::array()}, {"more", false}, {"count", 0}};
  }
  QuerySql sql(f, a, match, today(ctx).iso());
  require_consents(ctx, f, a, sql);
  if (f.count_only) {
    auto stmt = ctx.db().prepare(sql.count_sql());
    sql.bind(stmt);
    stmt.step();
    return {{"count", stmt.column_int64(0)}};
  }
  auto stmt = ctx.db().prepare(sql.page_sql());
  sql.bind(stmt);
  RowMasker masker(ctx.db(), a);
  Json records = Json::array();
  bool more = false;
  while (stmt.step()) {
    if (static_cast<int64_t>(records.size()) == f.limit) {
      more = true;
      break;
    }
    records.push_back(masker.row(stmt));
  }
  Json result = {{"records", std::move(records)}, {"more", more}};
  result["count"] = result["records"].size();
  if (more) result["next_after"] = result["records"].back()["id"];
  return result;
}

Json query_run(ActionContext& ctx) {
  const auto audience = domain::audience_of(ctx.user.role, ctx.user.dept);
  QueryFilter f = read_filter(ctx);
  require_levels(ctx, audience, f.levels);
  require_purpose(audience, f);
  Json result = run_query(ctx, f, audience);
  // The registration: who (the entry's actor), the filter as given (personal values as HMACs,
  // service.cpp), the purpose and how many records — never the records themselves.
  ctx.audit.params["count"] = result["count"];
  if (result.contains("more")) ctx.audit.params["more"] = result["more"];
  ctx.audit.reason = f.purpose;
  return result;
}

}  // namespace

void register_query_actions(ActionRegistry& r) {
  r.add({"query.run", "query.public", Access::read, query_run,
         "find records by code, ID number, name and more; masked per role, purpose registered"});
}

}  // namespace credit::service
