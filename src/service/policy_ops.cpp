// Policy profiles: policy.show, policy.list, policy.set.
#include <fmt/format.h>

#include <map>
#include <mutex>

#include "io/byte_source.hpp"
#include "service/modules.hpp"
#include "service/reference.hpp"
#include "service/service.hpp"
#include "store/store.hpp"
#include "util/crypto.hpp"
#include "util/error.hpp"
#include "util/paths.hpp"

namespace credit::service {

namespace {

int64_t active_policy_id(store::Db& db) {
  auto stmt = db.prepare("SELECT value FROM settings WHERE key = 'policy.active'");
  if (!stmt.step())
    fail(ErrorCode::store_unavailable, "the store has no active policy profile",
         "an administrator sets one with `credit policy set national-2026`");
  return std::stoll(stmt.column_text(0));
}

Json profile_summary(const ActivePolicy& p) {
  const auto& prof = p.profile;
  Json periods = Json::array();
  for (auto s : {domain::Severity::minor, domain::Severity::general, domain::Severity::severe}) {
    const auto& pp = prof.penalty_periods(s);
    periods.push_back({{"kind", "penalty"},
                       {"severity", domain::to_string(s)},
                       {"published", pp.publish.value},
                       {"min_months", pp.min.months},
                       {"max_months", pp.max.months},
                       {"rule", pp.max.rule.id}});
  }
  Json rules = Json::array();
  for (const auto& r : prof.all_rules())
    rules.push_back({{"id", r.id}, {"cite", r.cite}});
  Json basis = Json::array();
  for (const auto& b : prof.legal_basis)
    basis.push_back({{"number", b.number}, {"title", b.title}});
  return {{"id", prof.id},        {"title", prof.title}, {"in_force", prof.in_force.iso()},
          {"legal_basis", basis}, {"sha256", p.sha256},  {"penalty_periods", periods},
          {"rules", rules}};
}

Json policy_show(ActionContext& ctx) {
  auto policy = active_policy(ctx.db());
  const ActivePolicy& p = *policy;
  ctx.audit.targets.push_back("policy:" + p.profile.id);
  Json result = profile_summary(p);
  auto stmt = ctx.db().prepare(
      "SELECT content, source, loaded_at, loaded_by FROM policy_profiles WHERE id = ?");
  stmt.bind(1, p.id);
  if (stmt.step()) {
    result["source"] = stmt.column_text(1);
    result["loaded_at"] = stmt.column_text(2);
    result["loaded_by"] = stmt.column_text(3);
    result["profile"] = Json::parse(stmt.column_text(0));
  }
  return result;
}

Json policy_list(ActionContext& ctx) {
  std::string active = active_policy(ctx.db())->profile.id;
  for (const auto& file : list_files(share_path("policy"), ".json")) {
    std::string name = file.substr(0, file.size() - 5);
    Json row = {{"name", name}, {"active", name == active}};
    try {
      auto prof = domain::parse_policy(read_text_file(share_path("policy/" + file)));
      row["title"] = prof.title;
      row["in_force"] = prof.in_force.iso();
    } catch (const std::exception& e) {
      row["title"] = fmt::format("(unusable: {})", e.what());
      row["in_force"] = nullptr;
    }
    ctx.emit_row(std::move(row));
  }
  return {{"profiles", std::move(ctx.collected)}};
}

Json policy_set(ActionContext& ctx) {
  std::string content, source;
  if (!ctx.call.inputs.empty()) {
    const auto& input = ctx.call.inputs.front();
    content = io::read_all(*input.source, 4 << 20);
    source = input.name;
  } else {
    std::string name = ctx.required_string("name");
    std::string path = share_path("policy/" + name + ".json");
    if (!file_exists(path))
      fail(ErrorCode::not_found, fmt::format("no policy profile named '{}'", name),
           "`credit policy list` shows the profiles; or give a profile file");
    content = read_text_file(path);
    source = "share/policy/" + name + ".json";
  }
  std::string before = active_policy(ctx.db())->profile.id;
  int64_t id =
      install_policy(ctx.db(), content, source, ctx.user.name, format_utc(ctx.clock.now()));
  auto now_policy = active_policy(ctx.db());
  const ActivePolicy& now = *now_policy;
  ctx.audit.targets.push_back("policy:" + now.profile.id);
  ctx.audit.params["sha256"] = now.sha256;
  ctx.audit.params["source"] = source;
  ctx.audit.reason = fmt::format("policy {} → {}", before, now.profile.id);
  return {
      {"policy", now.profile.id}, {"previous", before}, {"sha256", now.sha256}, {"version_id", id}};
}

}  // namespace

std::shared_ptr<const ActivePolicy> active_policy(store::Db& db) {
  // Parsed once per store and profile version; the server's threads share the cache.
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const ActivePolicy>> cache;  // by store path
  int64_t id = active_policy_id(db);
  {
    std::lock_guard lock(mutex);
    auto it = cache.find(db.path());
    if (it != cache.end() && it->second->id == id) return it->second;
  }
  auto stmt = db.prepare("SELECT content, sha256 FROM policy_profiles WHERE id = ?");
  stmt.bind(1, id);
  if (!stmt.step())
    fail(ErrorCode::store_unavailable, "the store's active policy profile is missing",
         "an administrator sets one with `credit policy set`");
  auto policy = std::make_shared<const ActivePolicy>(
      ActivePolicy{id, stmt.column_text(1), domain::parse_policy(stmt.column_text(0))});
  std::lock_guard lock(mutex);
  return cache[db.path()] = policy;
}

int64_t install_policy(store::Db& db, const std::string& content, const std::string& source,
                       const std::string& loaded_by, const std::string& now) {
  domain::PolicyProfile profile;
  try {
    profile = domain::parse_policy(content);
  } catch (const domain::PolicyError& e) {
    throw Error(ErrorCode::bad_input,
                fmt::format("{}: not a usable policy profile: {}", source, e.what()),
                "fix the file; share/policy/*.json are complete examples");
  }
  auto insert = db.prepare(
      "INSERT INTO policy_profiles (name, content, sha256, source, loaded_at, loaded_by) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  insert.bind(1, profile.id).bind(2, content).bind(3, crypto::sha256_hex(content)).bind(4, source);
  insert.bind(5, now).bind(6, loaded_by).run();
  int64_t id = db.last_insert_rowid();
  auto set = db.prepare(
      "INSERT INTO settings (key, value) VALUES ('policy.active', ?) "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  set.bind(1, std::to_string(id)).run();
  return id;
}

void install_default_policy(store::Db& db, const std::string& loaded_by, const std::string& now) {
  std::string relative = std::string("policy/") + kDefaultPolicy + ".json";
  install_policy(db, read_text_file(share_path(relative)), "share/" + relative, loaded_by, now);
}

bool has_active_policy(store::Db& db) {
  auto stmt = db.prepare("SELECT 1 FROM settings WHERE key = 'policy.active'");
  return stmt.step();
}

void register_policy_actions(ActionRegistry& r) {
  r.add({"policy.show", "", Access::read, policy_show, "show the active policy profile"});
  r.add({"policy.list", "", Access::read, policy_list, "list the profiles available"});
  r.add({"policy.set", "policy.manage", Access::write, policy_set, "choose the active profile"});
}

}  // namespace credit::service
