#pragma once
// Service actions: each names the right it needs and how it touches the store. The dispatcher
// (service.cpp) authenticates, authorises and audits; handlers hold only the operation's rules.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "service/call.hpp"
#include "service/principal.hpp"
#include "util/clock.hpp"
#include "util/json.hpp"

namespace credit::store {
class Store;
class Db;
class HeldLock;
}  // namespace credit::store

namespace credit::service {

enum class Access {
  write,        // one write transaction holds the change and its audit entry
  read,         // a read snapshot, then the audit entry (the result is released after it commits)
  audit_first,  // the audit entry commits first, then a read snapshot streams (exports)
};

// What the audit entry will say about a call; handlers add targets and may refine params.
struct AuditNote {
  std::vector<std::string> targets;
  Json params = Json::object();
  std::string reason;
};

class ActionContext {
 public:
  ActionContext(store::Store& store, const Principal& user, const Call& call, const Clock& clock)
      : store(store), user(user), call(call), clock(clock) {}

  store::Store& store;
  const Principal& user;
  const Call& call;
  const Clock& clock;
  AuditNote audit;

  store::Db& db();
  const Json& params() const { return call.params; }
  // Parameter access with clear bad_input errors naming the parameter.
  std::string required_string(const char* key) const;
  std::optional<std::string> optional_string(const char* key) const;
  bool flag(const char* key) const;
  int64_t integer(const char* key, int64_t fallback) const;
  std::vector<std::string> string_list(const char* key) const;

  // Throws permission_denied unless the caller's department covers `dept`.
  void require_department(const std::string& dept, const std::string& what) const;
  // Throws permission_denied unless the caller's role has `right`.
  void require_right(const std::string& right, const std::string& what) const;
  // Emits a result row to the call's sink, or collects it into `collected`.
  void emit_row(Json row);
  Json collected = Json::array();
  // Tells writers waiting for the store what this call holds it for ("import batch 12"; by
  // default the action's name). Access::write only.
  void holding_for(const std::string& what);
  store::HeldLock* held = nullptr;
  // Access::write only: commits the call's transaction so far and begins the next one (a large
  // batch in bounded transactions, loading_batch.hpp). The audit entry goes into the last.
  std::function<void()> commit_chunk;
  // Access::audit_first: the sequence number of the call's own audit entry, committed already.
  int64_t entry_seq = 0;
};

struct ActionDef {
  std::string name;   // "user.add"
  std::string right;  // empty: any authenticated user (the handler may check more)
  Access access = Access::write;
  std::function<Json(ActionContext&)> run;
  std::string summary;
  // Access::audit_first only: validates the parameters and fills ctx.audit before the entry
  // commits, so a call with bad parameters is recorded as failed, never as ok.
  std::function<void(ActionContext&)> prepare = {};
};

class ActionRegistry {
 public:
  void add(ActionDef def);
  const ActionDef* find(const std::string& name) const;
  std::vector<const ActionDef*> all() const;

 private:
  std::map<std::string, ActionDef> actions_;
};

// Every action of every module; modules add themselves in actions.cpp.
const ActionRegistry& action_registry();

}  // namespace credit::service
