#pragma once
// Authorised query (授权查询) on the store side: a record's subject as its authorisations are keyed
// (a USCC, or an ID number's HMAC — the store never keeps a consent's ID number in clear), and the
// check query and record show make before they disclose an authorised-level record of another
// department (docs/privacy.md). Used by consent_ops, query_ops and record_ops.
#include <optional>
#include <string>

#include "domain/consent.hpp"
#include "service/action.hpp"

namespace credit::service {

// "hmac:<32 hex>" with the store's audit key: the form the audit log gives personal values.
std::string personal_hmac(ActionContext& ctx, std::string_view value);

// How authorisations name a subject: the USCC, or the ID number's HMAC.
std::string consent_key(ActionContext& ctx, const domain::ConsentSubject& s);

// A record's subject as far as authorisations go; nullopt when it has neither code.
struct RecordSubject {
  std::string key;    // consent_key
  std::string shown;  // the USCC, or the ID number masked by the profile
};
std::optional<RecordSubject> record_subject(ActionContext& ctx, const domain::MaskingRules& masking,
                                            const std::optional<std::string>& uscc,
                                            const std::optional<std::string>& id_number);

// Throws policy_refused naming `<profile>/consent.required` unless a recorded, unrevoked
// authorisation of the subject covers reading a record of `kind` for `purpose` today. `what`
// says what was asked ("record 12", "this query").
void require_consent(ActionContext& ctx, const domain::PolicyProfile& p,
                     const std::optional<RecordSubject>& subject, domain::Kind kind,
                     const std::string& purpose, const std::string& what);

}  // namespace credit::service
