#include "service/consents.hpp"

#include <fmt/format.h>

#include "service/import_support.hpp"
#include "store/store.hpp"
#include "util/crypto.hpp"
#include "util/error.hpp"

namespace credit::service {

std::string personal_hmac(ActionContext& ctx, std::string_view value) {
  const auto key = ctx.store.setting("audit.hmac_key");
  if (!key) fail(ErrorCode::store_unavailable, "the store has no audit key", "re-create the store");
  return "hmac:" + crypto::hmac_sha256_hex(*key, value).substr(0, 32);
}

std::string consent_key(ActionContext& ctx, const domain::ConsentSubject& s) {
  return s.type == domain::ConsentSubject::Type::uscc ? s.code : personal_hmac(ctx, s.code);
}

std::optional<RecordSubject> record_subject(ActionContext& ctx, const domain::MaskingRules& masking,
                                            const std::optional<std::string>& uscc,
                                            const std::optional<std::string>& id_number) {
  if (uscc && !uscc->empty()) return RecordSubject{*uscc, *uscc};
  if (id_number && !id_number->empty())
    return RecordSubject{personal_hmac(ctx, *id_number),
                         domain::mask_id_number(*id_number, masking)};
  return std::nullopt;
}

namespace {

// Why each authorisation of the subject does not cover the read (at most a few, by number).
std::string gaps(ActionContext& ctx, const RecordSubject& subject, domain::Kind kind,
                 const std::string& purpose, bool& covered) {
  auto s = ctx.db().prepare(
      "SELECT id, purpose, kinds, valid_from, valid_until, revoked_at IS NOT NULL FROM consents "
      "WHERE subject_key = ? ORDER BY id DESC");
  s.bind(1, subject.key);
  const domain::Date on = today(ctx);
  std::string out;
  int listed = 0;
  while (s.step()) {
    domain::ConsentTerms c;
    c.purpose = s.column_text(1);
    for (const auto& k : Json::parse(s.column_text(2)))
      c.kinds.push_back(require_kind(k.get<std::string>()));
    c.valid_from = domain::Date::parse_iso(s.column_text(3)).value_or(domain::Date{});
    c.valid_until = domain::Date::parse_iso(s.column_text(4)).value_or(domain::Date{});
    c.revoked = s.column_int64(5) != 0;
    const std::string gap = domain::consent_gap(c, kind, purpose, on);
    if (gap.empty()) {
      covered = true;
      return {};
    }
    if (listed++ < 3) out += fmt::format("; authorisation {}: {}", s.column_int64(0), gap);
  }
  return out.empty() ? "; none is recorded" : out;
}

}  // namespace

void require_consent(ActionContext& ctx, const domain::PolicyProfile& p,
                     const std::optional<RecordSubject>& subject, domain::Kind kind,
                     const std::string& purpose, const std::string& what) {
  const std::string rule = p.id + "/consent.required";
  if (!p.consent.present)
    fail(ErrorCode::policy_refused,
         fmt::format("{} reads another department's records at the authorised level (授权查询), "
                     "but the active policy profile '{}' has no consent rules to check the "
                     "subject's authorisation with ({})",
                     what, p.id, rule),
         "an administrator loads the current profile with `credit policy set`");
  bool covered = false;
  const std::string why =
      subject ? gaps(ctx, *subject, kind, purpose, covered) : "; the record names no subject code";
  if (covered) return;
  fail(ErrorCode::policy_refused,
       fmt::format("{} reads a {} record of {} at the authorised level (授权查询), and no "
                   "authorisation of the subject covers the purpose '{}' on {}{} ({}: {})",
                   what, domain::to_string(kind), subject ? subject->shown : "an unknown subject",
                   purpose, today(ctx).iso(), why, rule, p.consent.required.cite),
       "record the subject's authorisation with `credit consent add --subject CODE --purpose "
       "TEXT --scope KINDS --until DATE --evidence FILE` and give that purpose; or leave the "
       "authorised level out with --level public --level shared");
}

}  // namespace credit::service
