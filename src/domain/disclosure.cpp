#include "domain/disclosure.hpp"

#include <algorithm>

#include "domain/roles.hpp"

namespace credit::domain {

namespace {
constexpr std::array<Disclosure, 3> kLevels = {Disclosure::open, Disclosure::shared,
                                               Disclosure::authorised};
constexpr std::array<std::string_view, 3> kLevelRights = {"query.public", "query.shared",
                                                          "query.authorised"};

bool wanted_level(const std::vector<Disclosure>& wanted, Disclosure d) {
  return wanted.empty() || std::find(wanted.begin(), wanted.end(), d) != wanted.end();
}
}  // namespace

Audience audience_of(std::string_view role, std::string_view dept) {
  Audience a;
  for (size_t i = 0; i < kLevels.size(); ++i)
    a.levels[i] = role_has_right(role, kLevelRights[i]);
  a.unmasked_right = role_has_right(role, "data.unmasked");
  a.dept = std::string(dept);
  return a;
}

Audience public_audience() {
  Audience a;
  a.levels[static_cast<size_t>(Disclosure::open)] = true;
  return a;
}

bool is_withdrawn(std::string_view status, bool archived) {
  return archived || std::find(kWithdrawnStatuses.begin(), kWithdrawnStatuses.end(), status) !=
                         kWithdrawnStatuses.end();
}

Disclosure effective_level(Disclosure stored, std::string_view status, bool archived) {
  const bool public_now = status == "published" && !archived;
  return stored == Disclosure::open && !public_now ? Disclosure::shared : stored;
}

bool may_see(const Audience& a, Disclosure effective, std::string_view record_dept) {
  if (!a.grants(effective)) return false;
  return effective != Disclosure::authorised || department_covers(a.dept, record_dept);
}

bool sees_clear(const Audience& a, std::string_view record_dept) {
  return a.unmasked_right && department_covers(a.dept, record_dept);
}

RecordView view_of(const Audience& a, Disclosure stored, std::string_view status, bool archived,
                   std::string_view record_dept) {
  RecordView v;
  v.effective = effective_level(stored, status, archived);
  v.visible = may_see(a, v.effective, record_dept) &&
              (!is_withdrawn(status, archived) || department_covers(a.dept, record_dept));
  v.clear = v.visible && sees_clear(a, record_dept);
  return v;
}

LevelScope level_scope(const Audience& a, const std::vector<Disclosure>& wanted) {
  LevelScope scope;
  for (Disclosure d : kLevels) {
    if (!a.grants(d) || !wanted_level(wanted, d)) continue;
    if (d == Disclosure::authorised && a.dept != "*")
      scope.own_department.push_back(d);
    else
      scope.everywhere.push_back(d);
  }
  return scope;
}

bool purpose_required(const Audience& a, const std::vector<Disclosure>& wanted) {
  if (a.unmasked_right) return true;
  for (Disclosure d : {Disclosure::shared, Disclosure::authorised})
    if (a.grants(d) && wanted_level(wanted, d)) return true;
  return false;
}

bool purpose_required(Disclosure effective, bool clear) {
  return clear || effective != Disclosure::open;
}

Personal personal_kind(const FieldSpec& f, bool natural_person) {
  if (f.role == Role::legal_rep_id) return Personal::legal_rep_id;
  if (f.personal) return Personal::id_number;
  if (f.role == Role::subject_name && natural_person) return Personal::person_name;
  return Personal::none;
}

std::string disclose(Personal kind, std::string_view value, bool clear, const MaskingRules& rules) {
  if (!needs_masking(kind, value, clear)) return std::string(value);
  switch (kind) {
    case Personal::person_name:
      return mask_person_name(value);
    case Personal::id_number:
      return mask_id_number(value, rules);
    case Personal::legal_rep_id:
      // Never shown (the profile may not allow it: policy.cpp); the length of an ID number
      // tells nothing.
      return std::string(value.size(), rules.mask_char);
    case Personal::none:
      break;
  }
  return std::string(value);
}

namespace {
const RuleRef& masking_rule(Personal kind, const MaskingRules& rules) {
  return kind == Personal::person_name ? rules.name_rule
         : kind == Personal::id_number ? rules.id_rule
                                       : rules.legal_rep_rule;
}
}  // namespace

FieldDisclosure::FieldDisclosure(const MaskingRules& masking, const Screener& screener, bool clear,
                                 bool natural_person, std::string subject_name)
    : masking_(masking),
      screener_(screener),
      clear_(clear),
      natural_person_(natural_person),
      subject_name_(natural_person ? std::move(subject_name) : std::string()) {}

std::string FieldDisclosure::value(const FieldSpec& f, std::string_view v,
                                   std::vector<std::string>* rules) const {
  if (clear_ || v.empty()) return std::string(v);
  if (f.free_text) {
    if (!screener_.active()) return std::string(kUnscreenedText);
    Screened s = screener_.screen(v, subject_name_);
    if (rules) rules->insert(rules->end(), s.rules.begin(), s.rules.end());
    return std::move(s.text);
  }
  const Personal kind = personal_kind(f, natural_person_);
  if (kind == Personal::none) return std::string(v);
  if (rules) rules->push_back(masking_rule(kind, masking_).id);
  return disclose(kind, v, false, masking_);
}

std::optional<std::string> public_field_value(const FieldSpec& field, std::string_view value,
                                              SubjectType subject, std::string_view subject_name,
                                              const MaskingRules& rules, const Screener& screener) {
  if (value.empty() || field.role_name == "note") return std::nullopt;
  if (field.role == Role::legal_rep_id || field.role == Role::legal_rep_id_type)
    return std::nullopt;
  const bool natural = subject == SubjectType::natural_person;
  if (field.free_text && screener.active())
    return screener.screen(value, natural ? subject_name : std::string_view()).text;
  return disclose(personal_kind(field, natural), value, /*clear=*/false, rules);
}

}  // namespace credit::domain
