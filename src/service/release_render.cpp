#include "service/release_render.hpp"

#include <fmt/format.h>

#include "domain/disclosure.hpp"
#include "domain/row_validation.hpp"
#include "io/kind_files.hpp"
#include "service/reference.hpp"
#include "service/release_notices.hpp"
#include "store/sqlite.hpp"
#include "util/crypto.hpp"
#include "util/error.hpp"

namespace credit::service {

namespace {

// The item's version: the record's current columns, or the snapshot in record_versions when the
// record has changed since the release was cut. The last column says whether it was found.
const std::string& upsert_rows_sql() {
  static const std::string sql = [] {
    std::string columns;
    for (const char* c : {"subject_type", "severity", "publicity_start", "publicity_until",
                          "under_repair", "disputed"})
      columns += fmt::format(
          ", CASE WHEN r.version = i.version THEN r.{0} ELSE json_extract(v.derived, '$.{0}') END",
          c);
    return fmt::format(
        "SELECT i.record_id, i.version, i.reason, r.kind, "
        "CASE WHEN r.version = i.version THEN r.data ELSE v.data END{}, "
        "r.version = i.version OR v.record_id IS NOT NULL "
        "FROM release_items i JOIN records r ON r.id = i.record_id "
        "LEFT JOIN record_versions v ON r.version <> i.version AND v.record_id = i.record_id "
        "AND v.version = i.version "
        "WHERE i.sequence = ? AND i.op = 'upsert' ORDER BY i.record_id",
        columns);
  }();
  return sql;
}

constexpr const char* kWithdrawRows =
    "SELECT i.record_id, i.version, i.reason, r.kind FROM release_items i "
    "JOIN records r ON r.id = i.record_id WHERE i.sequence = ? AND i.op = 'withdraw' "
    "ORDER BY i.record_id";

constexpr const char* kNoticeRows =
    "SELECT application_id, record_id, op, reason, subject_name, uscc, notice_start, notice_end, "
    "rule FROM release_notices WHERE sequence = ? ORDER BY application_id";

// 拟信用修复公示: who, from when to when, under which rule; or its withdrawal and why.
Json notice_line(const store::Stmt& s) {
  auto text = [&](int c) { return s.column_is_null(c) ? Json() : Json(s.column_text(c)); };
  Json line = {{"op", s.column_view(2) == "notice" ? "notice" : "withdraw_notice"},
               {"application", std::to_string(s.column_int64(0))},
               {"record", std::to_string(s.column_int64(1))},
               {"reason", s.column_text(3)}};
  if (s.column_view(2) != "notice") return line;
  line["title"] = "拟信用修复公示";
  line["subject_name"] = text(4);
  line["uscc"] = text(5);
  line["notice_start"] = text(6);
  line["notice_end"] = text(7);
  line["rule"] = text(8);
  return line;
}

std::string line_text(const Json& line) {
  return line.dump(-1, ' ', false, Json::error_handler_t::replace);
}

class FileHasher {
 public:
  FileHasher(std::string name, const LineSink& sink) : sink_(sink) { file_.name = std::move(name); }
  void add(const std::string& line) {
    sink_(file_.name, line);
    sha_.update(line);
    sha_.update("\n");
    file_.bytes += static_cast<int64_t>(line.size()) + 1;
    ++file_.lines;
  }
  ReleaseFile finish() {
    file_.sha256 = sha_.hex_digest();
    return file_;
  }

 private:
  const LineSink& sink_;
  ReleaseFile file_;
  crypto::Sha256 sha_;
};

Json upsert_line(const store::Stmt& s, const domain::MaskingRules& masking,
                 const domain::Screener& screener) {
  const auto kind = domain::parse_kind(s.column_view(3));
  if (!kind)
    fail(ErrorCode::integrity, fmt::format("record {} has an unknown kind", s.column_int64(0)));
  const domain::KindSpec& spec = io::shipped_kind_spec(*kind);
  const auto subject = domain::parse_subject_type(s.column_view(5));
  if (!subject)
    fail(ErrorCode::integrity, fmt::format("record {} version {} has no subject type",
                                           s.column_int64(0), s.column_int64(1)));
  const auto values = domain::field_values_from_data(spec, s.column_view(4));
  const int name_field = spec.field(domain::Role::subject_name);
  const std::string_view name = name_field >= 0
                                    ? std::string_view(values[static_cast<size_t>(name_field)])
                                    : std::string_view();
  Json fields = Json::object();
  for (size_t f = 0; f < spec.fields.size(); ++f)
    if (auto shown = domain::public_field_value(spec.fields[f], values[f], *subject, name, masking,
                                                screener))
      fields[spec.fields[f].code] = std::move(*shown);
  const int decided = spec.field(domain::Role::decided_on);
  return {{"op", "upsert"},
          {"id", std::to_string(s.column_int64(0))},
          {"version", s.column_int64(1)},
          {"reason", s.column_text(2)},
          {"kind", s.column_text(3)},
          {"subject_type", s.column_text(5)},
          {"severity", s.column_text(6)},
          {"decided_on", decided >= 0 ? values[static_cast<size_t>(decided)] : std::string()},
          {"publicity_start", s.column_text(7)},
          {"publicity_until", s.column_text(8)},
          {"under_repair", s.column_int64(9) != 0},
          {"disputed", s.column_int64(10) != 0},
          {"fields", std::move(fields)}};
}

}  // namespace

Json files_json(const std::vector<ReleaseFile>& files) {
  Json out = Json::array();
  for (const auto& f : files)
    out.push_back({{"name", f.name}, {"lines", f.lines}, {"bytes", f.bytes}, {"sha256", f.sha256}});
  return out;
}

std::vector<ReleaseFile> files_from_json(const Json& files) {
  std::vector<ReleaseFile> out;
  for (const auto& f : files)
    out.push_back({f.at("name").get<std::string>(), f.at("lines").get<int64_t>(),
                   f.at("bytes").get<int64_t>(), f.at("sha256").get<std::string>()});
  return out;
}

ReleaseHeader load_release_header(store::Db& db, int64_t sequence) {
  auto s = db.prepare(
      "SELECT type, status, as_of, created_at, policy_id, upserts, withdrawals FROM releases "
      "WHERE sequence = ?");
  s.bind(1, sequence);
  if (!s.step())
    fail(ErrorCode::not_found, fmt::format("no release {}", sequence),
         "the store's releases are numbered from 1 without gaps");
  return {sequence,         s.column_text(0),  s.column_text(1),  s.column_text(2),
          s.column_text(3), s.column_int64(4), s.column_int64(5), s.column_int64(6)};
}

std::shared_ptr<const domain::PolicyProfile> release_policy(store::Db& db, int64_t policy_id) {
  auto active = active_policy(db);
  if (active->id == policy_id)
    return std::shared_ptr<const domain::PolicyProfile>(active, &active->profile);
  auto s = db.prepare("SELECT content FROM policy_profiles WHERE id = ?");
  s.bind(1, policy_id);
  if (!s.step())
    fail(ErrorCode::integrity,
         fmt::format("the policy version {} of a release is missing", policy_id));
  return std::make_shared<const domain::PolicyProfile>(domain::parse_policy(s.column_view(0)));
}

std::vector<ReleaseFile> render_release(store::Db& db, int64_t sequence,
                                        const domain::PolicyProfile& policy, const LineSink& line) {
  const domain::Screener screener(policy.privacy, policy.masking);
  const domain::MaskingRules& masking = policy.masking;
  std::vector<ReleaseFile> files;
  {
    FileHasher upserts(kUpsertFile, line);
    auto s = db.prepare(upsert_rows_sql());
    s.bind(1, sequence);
    while (s.step()) {
      if (s.column_int64(11) == 0)
        fail(ErrorCode::integrity,
             fmt::format("release {}: version {} of record {} is missing from its history",
                         sequence, s.column_int64(1), s.column_int64(0)),
             "the record's history was altered; keep the store for investigation");
      upserts.add(line_text(upsert_line(s, masking, screener)));
    }
    files.push_back(upserts.finish());
  }
  FileHasher withdrawals(kWithdrawFile, line);
  auto s = db.prepare(kWithdrawRows);
  s.bind(1, sequence);
  while (s.step())
    withdrawals.add(line_text({{"op", "withdraw"},
                               {"id", std::to_string(s.column_int64(0))},
                               {"version", s.column_int64(1)},
                               {"reason", s.column_text(2)},
                               {"kind", s.column_text(3)}}));
  files.push_back(withdrawals.finish());
  auto n = db.prepare(kNoticeRows);
  n.bind(1, sequence);
  if (n.step()) {
    FileHasher notices(kNoticeFile, line);
    do
      notices.add(line_text(notice_line(n)));
    while (n.step());
    files.push_back(notices.finish());
  }
  return files;
}

std::string manifest_text(store::Db& db, const ReleaseHeader& h,
                          const std::vector<ReleaseFile>& files) {
  auto s = db.prepare("SELECT name, sha256 FROM policy_profiles WHERE id = ?");
  s.bind(1, h.policy_id);
  if (!s.step())
    fail(ErrorCode::integrity,
         fmt::format("the policy version {} of a release is missing", h.policy_id));
  Json manifest = {
      {"format", kReleaseFormat},
      {"sequence", h.sequence},
      {"previous_sequence", h.sequence > 1 ? Json(h.sequence - 1) : Json()},
      {"type", h.type},
      {"as_of", h.as_of},
      {"created_at", h.created_at},
      {"policy", {{"id", s.column_text(0)}, {"sha256", s.column_text(1)}}},
      {"counts", {{"upsert", h.upserts}, {"withdraw", h.withdrawals}}},
      {"files", files_json(files)},
  };
  const NoticeCounts notices = notice_counts(db, h.sequence);
  if (notices.published + notices.withdrawn > 0) {
    manifest["counts"]["notice"] = notices.published;
    manifest["counts"]["withdraw_notice"] = notices.withdrawn;
  }
  return manifest.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace credit::service
