// The report module's actions: statistics, read only, for every role with report.read.
#include "service/report_ops.hpp"

#include "service/modules.hpp"

namespace credit::service {

void register_report_actions(ActionRegistry& r) {
  r.add({"report.summary", "report.read", Access::read, report_summary,
         "records of a period by kind, status, severity, authority, department; imports"});
  r.add({"report.compliance", "report.read", Access::read, report_compliance,
         "publication, repair and objection deadlines kept and missed"});
  r.add({"report.expiring", "report.read", Access::read, report_expiring,
         "records whose publicity ends soon"});
  r.add({"report.activity", "report.read", Access::read, report_activity,
         "operations by user and action from the audit log, refusals included"});
}

}  // namespace credit::service
