// Accounts: user.add, user.list, user.disable, user.enable, user.token, whoami; and the first
// admin.
#include <fmt/format.h>

#include <regex>

#include "domain/identifiers.hpp"
#include "domain/roles.hpp"
#include "service/modules.hpp"
#include "service/reference.hpp"
#include "service/service.hpp"
#include "service/tokens.hpp"
#include "store/migrations.hpp"
#include "store/store.hpp"
#include "util/crypto.hpp"
#include "util/error.hpp"
#include "util/paths.hpp"

namespace credit::service {

namespace {

void validate_user_name(const std::string& name) {
  static const std::regex pattern("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
  if (!std::regex_match(name, pattern))
    fail(ErrorCode::bad_input, fmt::format("'{}' is not a valid user name", name),
         "use 1–64 characters: letters, digits, '.', '_', '@', '-', starting with a letter or "
         "digit");
}

std::string validate_department(const domain::RoleDef& role,
                                const std::optional<std::string>& dept) {
  if (!dept) {
    if (role.department_scoped)
      fail(ErrorCode::bad_input,
           fmt::format("role '{}' acts for one department: --dept is required", role.name),
           "give the department's unified social credit code, or '*' for the credit centre");
    return "*";
  }
  if (*dept == "*") return *dept;
  auto check = domain::check_uscc(*dept);
  if (!check.valid)
    fail(ErrorCode::bad_input,
         fmt::format("department '{}' is not a valid unified social credit code: {}", *dept,
                     check.error),
         "give the department's 18-character USCC, or '*' for the credit centre");
  return *dept;
}

struct UserRow {
  int64_t id;
  std::string name, role, dept;
  bool disabled;
};

UserRow find_user(store::Db& db, const std::string& name) {
  auto stmt = db.prepare("SELECT id, name, role, dept, disabled FROM users WHERE name = ?");
  stmt.bind(1, name);
  if (!stmt.step())
    fail(ErrorCode::not_found, fmt::format("no user named '{}'", name),
         "`credit user list` shows the accounts");
  return {stmt.column_int64(0), stmt.column_text(1), stmt.column_text(2), stmt.column_text(3),
          stmt.column_int64(4) != 0};
}

// Inserts a user with a fresh token; returns {"user", "token"}.
Json insert_user(store::Db& db, const std::string& name, const std::string& role,
                 const std::string& dept, const std::string& created_by, const std::string& now) {
  auto exists = db.prepare("SELECT 1 FROM users WHERE name = ?");
  exists.bind(1, name);
  if (exists.step())
    fail(ErrorCode::conflict, fmt::format("a user named '{}' exists already", name),
         "choose another name, or rotate that user's token with `credit user token`");
  // Insert first to learn the id the token embeds, then store the token's hash.
  auto insert = db.prepare(
      "INSERT INTO users (name, role, dept, token_hash, created_at, created_by, token_issued_at) "
      "VALUES (?, ?, ?, '', ?, ?, ?)");
  insert.bind(1, name).bind(2, role).bind(3, dept).bind(4, now).bind(5, created_by).bind(6, now);
  insert.run();
  int64_t id = db.last_insert_rowid();
  IssuedToken token = issue_token(id);
  auto set = db.prepare("UPDATE users SET token_hash = ? WHERE id = ?");
  set.bind(1, token.secret_hash).bind(2, id).run();
  return {{"user", name}, {"token", token.token}};
}

Json user_add(ActionContext& ctx) {
  std::string name = ctx.required_string("name");
  std::string role_name = ctx.required_string("role");
  validate_user_name(name);
  const domain::RoleDef* role = domain::find_role(role_name);
  if (role == nullptr)
    fail(ErrorCode::bad_input, fmt::format("'{}' is not a role", role_name),
         "roles: admin, operator, reviewer, publisher, auditor, viewer");
  std::string dept = validate_department(*role, ctx.optional_string("dept"));
  ctx.audit.targets.push_back("user:" + name);
  return insert_user(ctx.db(), name, role_name, dept, ctx.user.name, format_utc(ctx.clock.now()));
}

Json user_list(ActionContext& ctx) {
  auto stmt = ctx.db().prepare(
      "SELECT name, role, dept, disabled, created_at, created_by, token_issued_at, disabled_at, id "
      "FROM users ORDER BY name");
  while (stmt.step()) {
    Json row = {{"name", stmt.column_text(0)},
                {"role", stmt.column_text(1)},
                {"dept", stmt.column_text(2)},
                {"status", stmt.column_int64(3) ? "disabled" : "active"},
                {"created_at", stmt.column_text(4)},
                {"created_by", stmt.column_text(5)},
                {"token_issued_at", stmt.column_text(6)}};
    row["disabled_at"] = stmt.column_is_null(7) ? Json() : Json(stmt.column_text(7));
    const auto by = ctx.store.setting(token_issuer_setting(stmt.column_int64(8)));
    row["token_issued_by"] = by && !by->empty() ? Json(*by) : Json();
    ctx.emit_row(std::move(row));
  }
  return {{"users", std::move(ctx.collected)}};
}

int64_t count_active_admins(store::Db& db) {
  auto stmt = db.prepare("SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0");
  stmt.step();
  return stmt.column_int64(0);
}

Json set_disabled(ActionContext& ctx, bool disable) {
  std::string name = ctx.required_string("name");
  ctx.audit.targets.push_back("user:" + name);
  UserRow user = find_user(ctx.db(), name);
  if (user.disabled == disable)
    return {{"user", name}, {"status", disable ? "disabled" : "active"}, {"changed", false}};
  if (disable && user.role == "admin" && count_active_admins(ctx.db()) <= 1)
    fail(ErrorCode::conflict, fmt::format("'{}' is the last active administrator", name),
         "create another admin first, so that the store stays manageable");
  auto stmt = ctx.db().prepare("UPDATE users SET disabled = ?, disabled_at = ? WHERE id = ?");
  stmt.bind(1, int64_t{disable ? 1 : 0});
  if (disable)
    stmt.bind(2, format_utc(ctx.clock.now()));
  else
    stmt.bind_null(2);
  stmt.bind(3, user.id).run();
  return {{"user", name}, {"status", disable ? "disabled" : "active"}, {"changed", true}};
}

Json user_token(ActionContext& ctx) {
  std::string name = ctx.optional_string("name").value_or(ctx.user.name);
  // Anyone may rotate their own token; rotating another's needs user.manage.
  if (name != ctx.user.name) ctx.require_right("user.manage", "issuing a token for another user");
  ctx.audit.targets.push_back("user:" + name);
  UserRow user = find_user(ctx.db(), name);
  if (user.disabled)
    fail(ErrorCode::conflict, fmt::format("user '{}' is disabled", name),
         "re-enable it first with `credit user enable`");
  IssuedToken token = issue_token(user.id);
  auto stmt = ctx.db().prepare("UPDATE users SET token_hash = ?, token_issued_at = ? WHERE id = ?");
  stmt.bind(1, token.secret_hash).bind(2, format_utc(ctx.clock.now())).bind(3, user.id).run();
  // A token issued for someone else is known to its issuer: marked until the owner rotates it.
  const bool for_other = name != ctx.user.name;
  ctx.store.set_setting(token_issuer_setting(user.id), for_other ? ctx.user.name : "");
  if (for_other) ctx.audit.params["token_issued_for_other"] = true;
  return {{"user", name}, {"token", token.token}};
}

Json whoami(ActionContext& ctx) {
  const domain::RoleDef* role = domain::find_role(ctx.user.role);
  Json rights = Json::array();
  if (role)
    for (auto right : role->rights)
      rights.push_back(right);
  return {{"user", ctx.user.name},
          {"role", ctx.user.role},
          {"dept", ctx.user.dept},
          {"rights", rights}};
}

}  // namespace

void register_account_actions(ActionRegistry& r) {
  r.add({"user.add", "user.manage", Access::write, user_add, "create an account and its token"});
  r.add({"user.list", "user.manage", Access::read, user_list, "list accounts"});
  r.add({"user.disable", "user.manage", Access::write,
         [](ActionContext& ctx) { return set_disabled(ctx, true); }, "disable an account"});
  r.add({"user.enable", "user.manage", Access::write,
         [](ActionContext& ctx) { return set_disabled(ctx, false); }, "re-enable an account"});
  r.add({"user.token", "", Access::write, user_token, "issue a new token (rotate)"});
  r.add({"whoami", "", Access::read, whoami, "show the caller's account and rights"});
}

Json Service::bootstrap(const std::string& admin_name) {
  validate_user_name(admin_name);
  auto& db = store_.db();
  store::Transaction tx(db, store::Transaction::Kind::immediate);
  std::string now = format_utc(clock_.now());
  store_.set_setting("audit.hmac_key", crypto::hex_encode(crypto::random_bytes(32)));
  store_.set_setting("store.created_at", now);
  store_.set_setting("store.created_by_version", CREDIT_VERSION);
  // A store deliberately created at schema 1 (tests of `credit migrate`) has no policy tables yet.
  if (store::schema_version(db) >= 2) install_default_policy(db, "credit init", now);
  Json result = insert_user(db, admin_name, "admin", "*", "credit init", now);
  Principal admin{db.last_insert_rowid(), admin_name, "admin", "*", ""};
  AuditNote note;
  note.targets = {"store", "user:" + admin_name};
  note.params = {{"admin", admin_name}};
  note.params["policy"] = kDefaultPolicy;
  append_entry(admin, "store.init", note, "ok", "store created");
  tx.commit();
  return result;
}

}  // namespace credit::service
