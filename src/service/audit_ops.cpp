// The auditor's tools on the store: audit.verify.
#include <fmt/format.h>

#include "service/modules.hpp"
#include "service/service.hpp"
#include "store/audit_chain.hpp"
#include "store/store.hpp"

namespace credit::service {

namespace {
Json audit_verify(ActionContext& ctx) {
  auto report = store::verify_audit_log(ctx.db());
  ctx.audit.targets.push_back("audit_log");
  ctx.audit.reason = report.broken_seq
                         ? fmt::format("chain broken at entry {}", *report.broken_seq)
                         : fmt::format("{}/{} entries valid", report.valid, report.total);
  Json result = {{"valid", !report.broken_seq.has_value()},
                 {"entries", report.total},
                 {"valid_entries", report.valid},
                 {"head_seq", report.head_seq},
                 {"head_hash", report.head_hash}};
  result["broken_seq"] = report.broken_seq ? Json(*report.broken_seq) : Json();
  result["problem"] = report.problem.empty() ? Json() : Json(report.problem);
  return result;
}
}  // namespace

void register_audit_actions(ActionRegistry& r) {
  r.add({"audit.verify", "audit.read", Access::read, audit_verify,
         "verify the audit log's hash chain"});
}

}  // namespace credit::service
