#pragma once
// The reports (report_*.cpp), registered in report_ops.cpp: statistics for administrators and
// leaders, each for a period and a department (docs/report.md).
#include "service/action.hpp"

namespace credit::service {

Json report_summary(ActionContext& ctx);     // report_summary.cpp
Json report_compliance(ActionContext& ctx);  // report_compliance.cpp
Json report_expiring(ActionContext& ctx);    // report_expiring.cpp
Json report_activity(ActionContext& ctx);    // report_activity.cpp

struct ReportScope;
// The compliance sections of the repair and objection workflows (report_workflows.cpp).
void compliance_repairs(ActionContext& ctx, const ReportScope& scope, Json& doc);
void compliance_repair_processing(ActionContext& ctx, const ReportScope& scope, Json& doc);
void compliance_objections(ActionContext& ctx, const ReportScope& scope, Json& doc);

}  // namespace credit::service
