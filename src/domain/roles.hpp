#pragma once
// Roles and the rights they carry (DESIGN §3: least privilege, separated duties).
// Every service action names the one right it needs; this table is the only place that grants them.
#include <string_view>
#include <vector>

namespace credit::domain {

struct RightDef {
  std::string_view name;  // "import.approve"
  std::string_view description;
};

struct RoleDef {
  std::string_view name;  // "reviewer"
  std::string_view title_zh;
  std::string_view summary;
  bool department_scoped;  // needs a department (its USCC) rather than defaulting to '*'
  std::vector<std::string_view> rights;
};

const std::vector<RightDef>& all_rights();
const std::vector<RoleDef>& all_roles();
const RoleDef* find_role(std::string_view name);
bool role_has_right(std::string_view role, std::string_view right);
// The roles that carry a right, for "ask for an account with one of: …" hints.
std::vector<std::string_view> roles_with_right(std::string_view right);

// '*' is the credit centre: it covers every department.
inline bool department_covers(std::string_view user_dept, std::string_view dept) {
  return user_dept == "*" || user_dept == dept;
}

}  // namespace credit::domain
