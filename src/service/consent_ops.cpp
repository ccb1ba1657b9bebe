// consent.add / consent.revoke / consent.list: the subjects' authorisations for authorised queries
// (授权查询, docs/privacy.md). Each has a purpose, the kinds of record it covers and a last day
// within the profile's maximum validity (甘信用办发〔2021〕5号（十四）: no lifetime authorisation);
// its evidence is kept by SHA-256 digest only, and a natural person's ID number only as an HMAC.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "domain/consent.hpp"
#include "domain/text_clean.hpp"
#include "io/byte_source.hpp"
#include "service/consents.hpp"
#include "service/import_support.hpp"
#include "service/modules.hpp"
#include "service/reference.hpp"
#include "store/store.hpp"
#include "util/crypto.hpp"
#include "util/error.hpp"

namespace credit::service {

namespace {

constexpr size_t kMaxPurpose = 500;                  // characters, as for query
constexpr size_t kEvidenceLimit = size_t{32} << 20;  // as for repair evidence

domain::ConsentSubject subject_param(ActionContext& ctx) {
  const auto parsed = domain::parse_consent_subject(ctx.required_string("subject"));
  if (!parsed.subject)
    fail(ErrorCode::bad_input, "--subject " + parsed.error,
         "give the organisation's 统一社会信用代码 or the person's 18-character ID number");
  return *parsed.subject;
}

std::vector<domain::Kind> scope_param(ActionContext& ctx) {
  std::vector<domain::Kind> kinds;
  for (const auto& name : ctx.string_list("kinds")) {
    const domain::Kind k = require_kind(name);
    if (std::find(kinds.begin(), kinds.end(), k) == kinds.end()) kinds.push_back(k);
  }
  if (kinds.empty())
    fail(ErrorCode::usage, "--scope is required: the kinds of record the authorisation covers",
         "e.g. --scope penalty,license");
  return kinds;
}

// The evidence's digest and size; the file itself is not kept.
std::pair<std::string, int64_t> evidence_digest(ActionContext& ctx) {
  if (ctx.call.inputs.size() != 1)
    fail(ErrorCode::usage, "--evidence FILE is required: the subject's signed authorisation",
         "give the scanned or electronic authorisation; only its SHA-256 digest is kept");
  const auto& input = ctx.call.inputs.front();
  const std::string content = io::read_all(*input.source, kEvidenceLimit);
  if (content.empty())
    fail(ErrorCode::bad_input, fmt::format("evidence file {} is empty", input.name),
         "give the subject's signed authorisation");
  return {crypto::sha256_hex(content), static_cast<int64_t>(content.size())};
}

Json consent_add(ActionContext& ctx) {
  auto policy = active_policy(ctx.db());
  const auto& p = policy->profile;
  if (!p.consent.present)
    fail(ErrorCode::policy_refused,
         fmt::format("the active policy profile '{}' has no consent rules (no maximum validity "
                     "for an authorisation)",
                     p.id),
         "an administrator loads the current profile with `credit policy set`");
  const domain::ConsentSubject subject = subject_param(ctx);
  const std::string purpose =
      domain::clean_value(ctx.optional_string("purpose").value_or(""), false).value;
  if (purpose.empty())
    fail(ErrorCode::usage, "--purpose is required: what the subject authorised the query for",
         "e.g. --purpose 贷款审批");
  if (domain::utf8_length(purpose) > kMaxPurpose)
    fail(ErrorCode::bad_input, fmt::format("--purpose is longer than {} characters", kMaxPurpose));
  const auto kinds = scope_param(ctx);
  const std::string until_text = ctx.required_string("until");
  const auto until = domain::Date::parse_iso(until_text);
  if (!until)
    fail(ErrorCode::bad_input, fmt::format("--until '{}' is not a date", until_text),
         "write it as YYYY-MM-DD (the last day the authorisation covers)");
  const domain::Date on = today(ctx);
  if (auto error = domain::consent_validity_error(p.consent, on, *until); !error.empty())
    fail(ErrorCode::policy_refused, error,
         fmt::format("ask the subject for an authorisation that ends by {}",
                     on.add_months(p.consent.max_validity.months).iso()));
  const auto [sha256, bytes] = evidence_digest(ctx);
  const std::string shown = subject.type == domain::ConsentSubject::Type::uscc
                                ? subject.code
                                : domain::mask_id_number(subject.code, p.masking);
  std::vector<std::string> kind_names;
  for (auto k : kinds)
    kind_names.emplace_back(domain::to_string(k));
  auto s = ctx.db().prepare(
      "INSERT INTO consents (subject_type, subject_key, subject_shown, purpose, kinds, valid_from, "
      "valid_until, evidence_sha256, evidence_bytes, dept, max_rule, recorded_by, recorded_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, std::string(domain::to_string(subject.type))).bind(2, consent_key(ctx, subject));
  s.bind(3, shown).bind(4, purpose).bind(5, Json(kind_names).dump()).bind(6, on.iso());
  s.bind(7, until->iso()).bind(8, sha256).bind(9, bytes).bind(10, ctx.user.dept);
  s.bind(11, p.consent.max_validity.rule.id).bind(12, ctx.user.name);
  s.bind(13, format_utc(ctx.clock.now())).run();
  const int64_t id = ctx.db().last_insert_rowid();
  ctx.audit.targets.push_back(fmt::format("consent:{}", id));
  ctx.audit.params["evidence_sha256"] = sha256;
  ctx.audit.reason = fmt::format("authorised query of {} for '{}', {} records, {} to {} ({})",
                                 shown, purpose, fmt::join(kind_names, "/"), on.iso(), until->iso(),
                                 p.consent.max_validity.rule.id);
  return {{"consent", id},
          {"subject", shown},
          {"subject_type", std::string(domain::to_string(subject.type))},
          {"purpose", purpose},
          {"kinds", kind_names},
          {"valid_from", on.iso()},
          {"valid_until", until->iso()},
          {"evidence_sha256", sha256},
          {"evidence_bytes", bytes},
          {"rule", p.consent.max_validity.rule.id}};
}

Json consent_revoke(ActionContext& ctx) {
  const int64_t id = ctx.integer("consent", 0);
  ctx.audit.targets.push_back(fmt::format("consent:{}", id));
  auto s = ctx.db().prepare("SELECT dept, revoked_at FROM consents WHERE id = ?");
  s.bind(1, id);
  if (!s.step())
    fail(ErrorCode::not_found, fmt::format("no authorisation {}", id),
         "`credit consent list` lists them");
  ctx.require_department(s.column_text(0), fmt::format("authorisation {}", id));
  if (!s.column_is_null(1))
    fail(ErrorCode::conflict, fmt::format("authorisation {} was revoked already", id));
  const std::string reason = ctx.optional_string("reason").value_or("");
  auto u = ctx.db().prepare(
      "UPDATE consents SET revoked_by = ?, revoked_at = ?, revoke_reason = ? WHERE id = ?");
  u.bind(1, ctx.user.name).bind(2, format_utc(ctx.clock.now())).bind(3, reason).bind(4, id);
  u.run();
  ctx.audit.reason = reason.empty() ? "revoked" : reason;
  return {{"consent", id}, {"status", "revoked"}};
}

std::string consent_status(const store::Stmt& s, const std::string& today_iso) {
  if (!s.column_is_null(11)) return "revoked";
  if (s.column_text(7) < today_iso) return "expired";
  return s.column_text(6) > today_iso ? "pending" : "valid";
}

Json consent_list(ActionContext& ctx) {
  std::optional<std::string> key;
  if (ctx.optional_string("subject")) key = consent_key(ctx, subject_param(ctx));
  // The credit centre (and auditors acting for it) sees all; a department its own.
  auto s = ctx.db().prepare(
      "SELECT id, subject_type, subject_shown, purpose, kinds, dept, valid_from, valid_until, "
      "evidence_sha256, recorded_by, recorded_at, revoked_at, revoked_by FROM consents "
      "WHERE (?1 = '*' OR dept = ?1) AND (?2 IS NULL OR subject_key = ?2) ORDER BY id");
  s.bind(1, ctx.user.dept);
  if (key)
    s.bind(2, *key);
  else
    s.bind_null(2);
  const std::string today_iso = today(ctx).iso();
  while (s.step()) {
    Json row = {{"consent", s.column_int64(0)},
                {"subject_type", s.column_text(1)},
                {"subject", s.column_text(2)},
                {"purpose", s.column_text(3)},
                {"kinds", Json::parse(s.column_text(4))},
                {"dept", s.column_text(5)},
                {"valid_from", s.column_text(6)},
                {"valid_until", s.column_text(7)},
                {"status", consent_status(s, today_iso)},
                {"evidence_sha256", s.column_text(8)},
                {"recorded_by", s.column_text(9)},
                {"recorded_at", s.column_text(10)}};
    row["revoked_at"] = s.column_is_null(11) ? Json() : Json(s.column_text(11));
    row["revoked_by"] = s.column_is_null(12) ? Json() : Json(s.column_text(12));
    ctx.emit_row(std::move(row));
  }
  ctx.audit.params["count"] = ctx.collected.size();
  return {{"consents", std::move(ctx.collected)}};
}

}  // namespace

void register_consent_actions(ActionRegistry& r) {
  r.add({"consent.add", "consent.record", Access::write, consent_add,
         "record a subject's authorisation for authorised queries (purpose, kinds, last day)"});
  r.add({"consent.revoke", "consent.record", Access::write, consent_revoke,
         "revoke a subject's authorisation"});
  r.add({"consent.list", "consent.read", Access::read, consent_list,
         "list authorisations and their state"});
}

}  // namespace credit::service
