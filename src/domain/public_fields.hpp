// What the public data set (the portal's releases) may show of a record's field: the masking and
// visibility rules of DESIGN §2 for the public disclosure level, in one pure function.
// Natural persons' names keep the surname, ID numbers keep the characters the policy's masking
// rules say, a legal representative's ID number never appears, nor does the free-text note (备注:
// where addresses and phone numbers would hide).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/kind_spec.hpp"

namespace credit::domain {

// The field's value as published, or nullopt when the field never appears in public. Empty values
// are not published either.
std::optional<std::string> public_field_value(const FieldSpec& field, std::string_view value,
                                              SubjectType subject, const MaskingRules& rules);

}  // namespace credit::domain
