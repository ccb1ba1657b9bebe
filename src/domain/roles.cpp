#include "domain/roles.hpp"

#include <algorithm>

namespace credit::domain {

const std::vector<RightDef>& all_rights() {
  static const std::vector<RightDef> rights = {
      {"user.manage", "create, disable and re-enable accounts; issue tokens for others"},
      {"store.migrate", "upgrade a store's schema"},
      {"policy.manage", "choose and amend the active policy profile; load calendar data"},
      {"import.stage", "import records of one's own department into a staged batch"},
      {"import.approve", "approve or reject another user's staged batch of one's own department"},
      {"import.authorize", "grant and revoke standing import authorisations"},
      {"import.read", "list and inspect import batches"},
      {"record.amend", "correct or revoke records of one's own department"},
      {"record.read", "show a record with its history"},
      {"query.public", "query records at the public disclosure level"},
      {"query.shared", "query records at the government-sharing level"},
      {"query.authorised", "query records at the authorised-query level"},
      {"data.unmasked", "see personal data unmasked, for one's own department"},
      {"consent.record", "record and revoke subjects' authorisations for authorised queries"},
      {"consent.read", "list subjects' authorisations for authorised queries"},
      {"repair.submit", "record credit repair applications"},
      {"repair.decide", "approve or reject repairs for one's own department"},
      {"repair.read", "list and inspect repair applications (all departments for read-only roles)"},
      {"objection.file", "record objections to records"},
      {"objection.resolve", "resolve objections for one's own department"},
      {"objection.read", "list objections"},
      {"publish.run", "compute and deliver releases to the portal"},
      {"purge.run", "withdraw and archive expired records, finalise repairs"},
      {"audit.read", "export and verify the audit log, write checkpoints"},
      {"report.read", "statistics and compliance reports"},
      {"diag.run", "run transport diagnostics (hidden `credit diag`: uploads checked by digest)"},
  };
  return rights;
}

const std::vector<RoleDef>& all_roles() {
  static const std::vector<RoleDef> roles = {
      {"admin",
       "系统管理员",
       "accounts and configuration; no credit data",
       false,
       {"user.manage", "store.migrate", "policy.manage", "report.read", "diag.run"}},
      {"operator",
       "数据操作员",
       "imports, amends and revokes its department's records; records repairs and objections",
       true,
       {"import.stage", "import.read", "record.amend", "record.read", "query.public",
        "query.shared", "query.authorised", "data.unmasked", "repair.submit", "repair.read",
        "objection.file", "objection.read", "report.read", "consent.record", "consent.read"}},
      {"reviewer",
       "部门领导/审核人",
       "approves its department's imports and repairs, resolves objections; never its own work",
       true,
       {"import.approve", "import.authorize", "import.read", "record.read", "query.public",
        "query.shared", "query.authorised", "data.unmasked", "repair.decide", "repair.read",
        "objection.resolve", "objection.read", "report.read", "consent.read"}},
      {"publisher",
       "发布调度",
       "the scheduler: publish and purge-expired",
       false,
       {"publish.run", "purge.run"}},
      {"auditor",
       "审计员",
       "reads and verifies the audit log; read only",
       false,
       {"audit.read", "report.read", "repair.read", "objection.read", "consent.read"}},
      {"viewer",
       "查询用户",
       "queries and reports, masked",
       false,
       {"query.public", "query.shared", "record.read", "report.read"}},
  };
  return roles;
}

const RoleDef* find_role(std::string_view name) {
  const auto& roles = all_roles();
  auto it =
      std::find_if(roles.begin(), roles.end(), [&](const RoleDef& r) { return r.name == name; });
  return it == roles.end() ? nullptr : &*it;
}

bool role_has_right(std::string_view role, std::string_view right) {
  const RoleDef* def = find_role(role);
  return def && std::find(def->rights.begin(), def->rights.end(), right) != def->rights.end();
}

std::vector<std::string_view> roles_with_right(std::string_view right) {
  std::vector<std::string_view> out;
  for (const auto& role : all_roles())
    if (role_has_right(role.name, right)) out.push_back(role.name);
  return out;
}

}  // namespace credit::domain
