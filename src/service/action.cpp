#include "service/action.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "domain/roles.hpp"
#include "store/store.hpp"
#include "util/error.hpp"

namespace credit::service {

void ActionContext::holding_for(const std::string& what) {
  if (held) held->doing(what);
}

store::Db& ActionContext::db() {
  return store.db();
}

std::string ActionContext::required_string(const char* key) const {
  auto value = optional_string(key);
  if (!value || value->empty())
    fail(ErrorCode::bad_input, fmt::format("{}: the parameter '{}' is required", call.action, key));
  return *value;
}

std::optional<std::string> ActionContext::optional_string(const char* key) const {
  if (!call.params.contains(key) || call.params[key].is_null()) return std::nullopt;
  const auto& value = call.params[key];
  if (!value.is_string())
    fail(ErrorCode::bad_input,
         fmt::format("{}: the parameter '{}' must be a string", call.action, key));
  return value.get<std::string>();
}

bool ActionContext::flag(const char* key) const {
  if (!call.params.contains(key) || call.params[key].is_null()) return false;
  if (!call.params[key].is_boolean())
    fail(ErrorCode::bad_input,
         fmt::format("{}: the parameter '{}' must be true or false", call.action, key));
  return call.params[key].get<bool>();
}

int64_t ActionContext::integer(const char* key, int64_t fallback) const {
  if (!call.params.contains(key) || call.params[key].is_null()) return fallback;
  const auto& value = call.params[key];
  if (value.is_number_integer()) return value.get<int64_t>();
  // Remote clients send large integers as strings.
  if (value.is_string()) {
    try {
      size_t used = 0;
      int64_t n = std::stoll(value.get<std::string>(), &used);
      if (used == value.get<std::string>().size()) return n;
    } catch (const std::exception&) {
    }
  }
  fail(ErrorCode::bad_input,
       fmt::format("{}: the parameter '{}' must be an integer", call.action, key));
}

std::vector<std::string> ActionContext::string_list(const char* key) const {
  std::vector<std::string> out;
  if (!call.params.contains(key) || call.params[key].is_null()) return out;
  const auto& value = call.params[key];
  if (!value.is_array())
    fail(ErrorCode::bad_input,
         fmt::format("{}: the parameter '{}' must be a list", call.action, key));
  for (const auto& item : value) {
    if (!item.is_string())
      fail(ErrorCode::bad_input,
           fmt::format("{}: the parameter '{}' must be a list of strings", call.action, key));
    out.push_back(item.get<std::string>());
  }
  return out;
}

void ActionContext::require_department(const std::string& dept, const std::string& what) const {
  if (!domain::department_covers(user.dept, dept))
    throw Error(
        ErrorCode::permission_denied,
        fmt::format("permission denied: {} belongs to department {}, but user '{}' acts for "
                    "department {}",
                    what, dept, user.name, user.dept),
        "only a user of that department (or of the credit centre, '*') may do this");
}

void ActionContext::require_right(const std::string& right, const std::string& what) const {
  if (!domain::role_has_right(user.role, right))
    throw Error(ErrorCode::permission_denied,
                fmt::format("permission denied: {} needs the right '{}', which role '{}' of user "
                            "'{}' does not have",
                            what, right, user.role, user.name),
                fmt::format("ask an administrator; roles with '{}': {}", right,
                            fmt::join(domain::roles_with_right(right), ", ")));
}

void ActionContext::emit_row(Json row) {
  if (call.rows)
    call.rows(row);
  else
    collected.push_back(std::move(row));
}

void ActionRegistry::add(ActionDef def) {
  std::string name = def.name;
  if (!actions_.emplace(name, std::move(def)).second)
    fail(ErrorCode::internal, fmt::format("action '{}' registered twice", name));
}

const ActionDef* ActionRegistry::find(const std::string& name) const {
  auto it = actions_.find(name);
  return it == actions_.end() ? nullptr : &it->second;
}

std::vector<const ActionDef*> ActionRegistry::all() const {
  std::vector<const ActionDef*> out;
  for (const auto& [name, def] : actions_)
    out.push_back(&def);
  return out;
}

}  // namespace credit::service
