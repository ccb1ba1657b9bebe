// Store administration: store.migrate; store.info (what `credit --version` shows of a store).
#include <fmt/format.h>

#include "service/modules.hpp"
#include "service/reference.hpp"
#include "service/service.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"
#include "util/error.hpp"

namespace credit::service {

namespace {
Json store_migrate(ActionContext& ctx) {
  auto& db = ctx.db();
  int from = store::schema_version(db);
  int to = store::latest_schema_version();
  ctx.audit.targets.push_back("store");
  Json pending = Json::array();
  for (const auto& m : store::embedded_migrations())
    if (m.version() > from) pending.push_back(m.name);
  if (from > to)
    fail(ErrorCode::store_unavailable,
         fmt::format("the store has schema version {}, newer than this credit ({})", from, to),
         "use a newer credit with this store");
  bool dry_run = ctx.flag("dry_run");
  if (!dry_run) {
    store::apply_migrations(db, to);
    if (!has_active_policy(db)) {
      install_default_policy(db, ctx.user.name, format_utc(ctx.clock.now()));
      ctx.audit.params["policy"] = kDefaultPolicy;
    }
  }
  ctx.audit.reason = dry_run ? "dry run" : fmt::format("schema {} → {}", from, to);
  return {{"from", from},
          {"to", dry_run ? from : to},
          {"applied", dry_run ? Json::array() : pending},
          {"pending", dry_run ? pending : Json::array()}};
}

// The audit chain's hashes and signatures, the token MACs: fixed by this version of credit.
constexpr const char* kCryptoSuite =
    "SHA-256 audit chain, Ed25519 checkpoints, HMAC-SHA-256 tokens";

Json store_info(ActionContext& ctx) {
  auto& db = ctx.db();
  auto policy = active_policy(db);
  ctx.audit.targets.push_back("store");
  return {{"schema", store::schema_version(db)},
          {"engine", fmt::format("SQLite {}", store::sqlite_library_version())},
          {"policy", policy->profile.id},
          {"policy_sha256", policy->sha256},
          {"crypto", kCryptoSuite},
          {"created_by_version", ctx.store.setting("store.created_by_version").value_or("")}};
}
}  // namespace

void register_store_actions(ActionRegistry& r) {
  r.add({"store.migrate", "store.migrate", Access::write, store_migrate,
         "upgrade the store's schema"});
  r.add({"store.info", "", Access::read, store_info,
         "show the store's schema, engine, policy and crypto suite"});
}

}  // namespace credit::service
