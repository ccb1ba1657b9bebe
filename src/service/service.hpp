#pragma once
// The service layer: the only place that authenticates, checks rights and writes the audit log.
// Used in-process by the local client and by `credit serve` for remote clients.
#include <memory>
#include <string>

#include "service/action.hpp"
#include "service/call.hpp"
#include "util/clock.hpp"

namespace credit::store {
class Store;
class ReadLog;
struct AuditEntry;
}  // namespace credit::store

namespace credit::service {

class Service {
 public:
  Service(store::Store& store, Clock clock);
  ~Service();

  // Runs one call: authenticate → authorise → handler + audit entry in one transaction.
  // Refusals and failures are audited too, then rethrown.
  Json call(const Call& call);

  // For `credit init`: seeds settings and the first admin in a brand-new store; returns
  // {"user", "token"} and writes audit entry 1.
  Json bootstrap(const std::string& admin_name);

 private:
  Principal authenticate(const Call& call);
  void forget_failed_load();
  void record_refusal(const Principal& who, const Call& call, const AuditNote& note,
                      const std::string& outcome, const std::string& reason, bool read);
  store::AuditEntry make_entry(const Principal& who, const std::string& action,
                               const AuditNote& note, const std::string& outcome,
                               const std::string& reason) const;
  int64_t append_entry(const Principal& who, const std::string& action, const AuditNote& note,
                       const std::string& outcome, const std::string& reason);
  // A read's entry: in the main log when its write lock is free now, else in the side log of
  // reads (store/read_log.hpp). Durable when this returns; throws when it cannot be recorded.
  void record_read(const Principal& who, const std::string& action, const AuditNote& note,
                   const std::string& outcome, const std::string& reason);
  // Inside a main write transaction: folds the side log's entries in (0 when none), and after
  // the commit deletes them from the side file.
  int64_t fold_reads();
  void forget_folded(int64_t through);
  Json run_action(const ActionDef& def, ActionContext& ctx, const Principal& who);

  store::Store& store_;
  Clock clock_;
  std::unique_ptr<store::ReadLog> reads_;  // opened on first use
};

// Audit parameters never hold personal values or secrets: personal values become
// "hmac:<hex>" (HMAC-SHA256 with the store's key, so an auditor can match a known value), and
// tokens are dropped.
Json sanitise_audit_params(const Json& params, const std::string& hmac_key);

}  // namespace credit::service
