#include "domain/public_fields.hpp"

namespace credit::domain {

std::optional<std::string> public_field_value(const FieldSpec& field, std::string_view value,
                                              SubjectType subject, const MaskingRules& rules) {
  if (value.empty()) return std::nullopt;
  switch (field.role) {
    case Role::legal_rep_id:
    case Role::legal_rep_id_type:  // the type of a number that is never shown says nothing
      if (!rules.show_legal_rep_id) return std::nullopt;
      return field.role == Role::legal_rep_id ? mask_id_number(value, rules) : std::string(value);
    case Role::id_number:
      return mask_id_number(value, rules);
    case Role::subject_name:
      if (subject == SubjectType::natural_person) return mask_person_name(value);
      return std::string(value);
    default:
      break;
  }
  if (field.role_name == "note") return std::nullopt;
  if (field.personal) return mask_id_number(value, rules);  // any other personal field
  return std::string(value);
}

}  // namespace credit::domain
