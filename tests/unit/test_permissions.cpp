// The role × action matrix: every action the service has, called by every role. The expected
// table is written out here, independently of src/domain/roles.cpp, so a change to either shows.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <map>
#include <set>

#include "service/action.hpp"
#include "store/sqlite.hpp"
#include "support.hpp"
#include "util/error.hpp"

using namespace credit;

namespace {
const std::vector<std::string> kRoles = {"admin",     "operator", "reviewer",
                                         "publisher", "auditor",  "viewer"};
const std::set<std::string> kEveryone(kRoles.begin(), kRoles.end());

// action → roles allowed past the permission check (DESIGN §3).
const std::map<std::string, std::set<std::string>>& expected_matrix() {
  static const std::map<std::string, std::set<std::string>> m = {
      {"user.add", {"admin"}},
      {"user.list", {"admin"}},
      {"user.disable", {"admin"}},
      {"user.enable", {"admin"}},
      {"user.token", kEveryone},  // one's own token; another's needs
                                  // admin (tested below)
      {"whoami", kEveryone},
      {"store.migrate", {"admin"}},
      {"store.info", kEveryone},
      {"audit.verify", {"auditor"}},
      {"audit.export", {"auditor"}},
      {"audit.checkpoint", {"auditor"}},
      {"audit.key", {"auditor"}},
      {"policy.show", kEveryone},
      {"policy.list", kEveryone},
      {"policy.set", {"admin"}},
      {"calendar.show", kEveryone},
      {"calendar.load", {"admin"}},
      {"diag.upload", {"admin"}},
      // Imports (DESIGN §3): operators stage, reviewers decide and grant standing authorisations;
      // separation of duties and departments are checked by the actions (test_import_service).
      {"import.run", {"operator"}},
      {"import.approve", {"reviewer"}},
      {"import.reject", {"reviewer"}},
      {"import.list", {"operator", "reviewer"}},
      {"import.show", {"operator", "reviewer"}},
      {"import.authorize", {"reviewer"}},
      {"import.authorize.revoke", {"reviewer"}},
      {"import.authorizations", {"operator", "reviewer"}},
      {"record.show", {"operator", "reviewer", "viewer"}},
      {"record.amend", {"operator"}},
      {"record.revoke", {"operator"}},
      // Publication (DESIGN §3): the scheduler's account only.
      {"publish.plan", {"publisher"}},
      {"publish.prepare", {"publisher"}},
      {"publish.confirm", {"publisher"}},
      {"purge.expired", {"publisher"}},
      // Reports (DESIGN §3: query and report): statistics only; every role but the scheduler.
      {"report.summary", {"admin", "operator", "reviewer", "auditor", "viewer"}},
      {"report.compliance", {"admin", "operator", "reviewer", "auditor", "viewer"}},
      {"report.expiring", {"admin", "operator", "reviewer", "auditor", "viewer"}},
      {"report.activity", {"admin", "operator", "reviewer", "auditor", "viewer"}},
      {"query.run", {"operator", "reviewer", "viewer"}},
      {"privacy.scan", {"operator", "reviewer", "viewer"}},
      {"consent.add", {"operator"}},
      {"consent.revoke", {"operator"}},
      {"consent.list", {"operator", "reviewer", "auditor"}},
      // Repairs and objections (DESIGN §3): operators record applications, objections to a
      // notice and objections to records; reviewers decide; the auditor reads. Departments and
      // "never own work" are checked by the actions (test_repair_service.cpp).
      {"repair.submit", {"operator"}},
      {"repair.approve", {"reviewer"}},
      {"repair.reject", {"reviewer"}},
      {"repair.object", {"operator"}},
      {"repair.annul", {"reviewer"}},
      {"repair.list", {"operator", "reviewer", "auditor"}},
      {"repair.show", {"operator", "reviewer", "auditor"}},
      {"objection.file", {"operator"}},
      {"objection.resolve", {"reviewer"}},
      {"objection.list", {"operator", "reviewer", "auditor"}},
  };
  return m;
}

std::string last_outcome(store::Store& s) {
  auto stmt = s.db().prepare("SELECT outcome FROM audit_log ORDER BY seq DESC LIMIT 1");
  stmt.step();
  return stmt.column_text(0);
}
}  // namespace

TEST_CASE("every action is in the expected matrix") {
  for (const auto* def : service::action_registry().all())
    CHECK_MESSAGE(expected_matrix().count(def->name), "add '" << def->name << "' to the matrix");
}

TEST_CASE("role × action: allowed roles pass, others are refused and audited") {
  test::TestStore ts;
  int n = 0;
  for (const auto* def : service::action_registry().all()) {
    auto expected = expected_matrix().find(def->name);
    if (expected == expected_matrix().end()) continue;
    for (const auto& role : kRoles) {
      std::string dept = (role == "operator" || role == "reviewer") ? "91110000600037341L" : "";
      std::string token = ts.add_user(fmt::format("u{}", ++n), role, dept);
      std::optional<ErrorCode> code;
      try {
        ts.call(def->name, Json::object(), token);
      } catch (const Error& e) {
        code = e.code();
      }
      bool allowed = expected->second.count(role) > 0;
      INFO(def->name << " as " << role);
      if (allowed) {
        CHECK(code != ErrorCode::permission_denied);
      } else {
        CHECK(code == ErrorCode::permission_denied);
        CHECK(last_outcome(*ts.store) == "denied");
      }
    }
  }
}

TEST_CASE("another user's token needs user.manage") {
  test::TestStore ts;
  std::string viewer = ts.add_user("v", "viewer");
  ts.add_user("w", "viewer");
  CHECK_THROWS_AS(ts.call("user.token", {{"name", "w"}}, viewer), Error);
  CHECK(last_outcome(*ts.store) == "denied");
  CHECK_NOTHROW(ts.call("user.token", {{"name", "w"}}, ts.admin_token));
}

TEST_CASE("authentication: missing, wrong, rotated and disabled tokens") {
  test::TestStore ts;
  std::string token = ts.add_user("v", "viewer");
  auto code = [&](const std::optional<std::string>& t) -> std::optional<ErrorCode> {
    service::Call call{"whoami", Json::object(), t, {}, {}};
    try {
      ts.service().call(call);
    } catch (const Error& e) {
      return e.code();
    }
    return std::nullopt;
  };
  CHECK(code(token) == std::nullopt);
  CHECK(code(std::nullopt) == ErrorCode::unauthenticated);
  CHECK(last_outcome(*ts.store) == "unauthenticated");
  std::string altered = token;
  altered.back() = altered.back() == 'A' ? 'B' : 'A';  // one character off
  CHECK(code(altered) == ErrorCode::unauthenticated);
  CHECK(code(fmt::format("credit_999_{}", token.substr(token.size() - 43))) ==
        ErrorCode::unauthenticated);
  std::string rotated = ts.call("user.token", Json::object(), token)["token"].get<std::string>();
  CHECK(code(token) == ErrorCode::unauthenticated);
  CHECK(code(rotated) == std::nullopt);
  ts.call("user.disable", {{"name", "v"}}, ts.admin_token);
  CHECK(code(rotated) == ErrorCode::unauthenticated);
  ts.call("user.enable", {{"name", "v"}}, ts.admin_token);
  CHECK(code(rotated) == std::nullopt);
}

TEST_CASE("the last administrator cannot be disabled") {
  test::TestStore ts;
  CHECK_THROWS_AS(ts.call("user.disable", {{"name", "admin"}}, ts.admin_token), Error);
}

TEST_CASE("audit parameters never hold tokens or personal values") {
  test::TestStore ts;
  Json params = {
      {"token", "credit_1_secret"}, {"id_number", "11010519491231002X"}, {"kind", "penalty"}};
  Json clean = service::sanitise_audit_params(params, "key");
  CHECK_FALSE(clean.contains("token"));
  CHECK(clean["id_number"].get<std::string>().rfind("hmac:", 0) == 0);
  CHECK(clean.dump().find("11010519491231002X") == std::string::npos);
  CHECK(clean["kind"] == "penalty");
}
