// The compliance checks of the two workflows with deadlines: credit repairs decided within the
// policy's working days, objections verified within theirs (report_compliance.cpp lists them).
// Both tables keep the last day allowed (`decision_deadline`, `deadline`, computed on the
// working-day calendar when the item was filed) and the China date it was met, so a check is
// one grouped count over the items filed in the period.
#include <fmt/format.h>

#include "service/report_ops.hpp"
#include "service/report_support.hpp"

namespace credit::service {

namespace {

// Where a workflow keeps its dates. Every name is a column (or expression) of `table`.
struct DeadlineTable {
  std::string_view id, title, description;
  std::string_view table, filed_on, deadline, done_on, state;
  std::string_view done_name;  // "Decided", "Verified"
  std::string_view only = "";  // a further condition (SQL, starting with AND)
};

struct DeadlineTally {
  int64_t filed = 0, on_time = 0, late = 0, overdue = 0, pending = 0;
  Counts by_state;
};

DeadlineTally tally(store::Db& db, const DeadlineTable& t, const ReportScope& scope) {
  auto q = db.prepare(fmt::format(
      "SELECT {state}, count(*),"
      " sum({done} IS NOT NULL AND {done} <= {deadline}),"
      " sum({done} IS NOT NULL AND {done} > {deadline}),"
      " sum({done} IS NULL AND {deadline} < :today),"
      " sum({done} IS NULL AND {deadline} >= :today)"
      " FROM {table} WHERE {filed} BETWEEN :from AND :to{only}{dept} GROUP BY 1",
      fmt::arg("state", t.state), fmt::arg("done", t.done_on), fmt::arg("deadline", t.deadline),
      fmt::arg("table", t.table), fmt::arg("filed", t.filed_on), fmt::arg("only", t.only),
      fmt::arg("dept", dept_condition(scope, "dept"))));
  q.bind(q.parameter_index(":today"), scope.today.iso());
  q.bind(q.parameter_index(":from"), scope.period.from.iso());
  q.bind(q.parameter_index(":to"), scope.period.to.iso());
  bind_dept(q, scope);
  DeadlineTally r;
  while (q.step()) {
    r.by_state[q.column_text(0)] += q.column_int64(1);
    r.filed += q.column_int64(1);
    r.on_time += q.column_int64(2);
    r.late += q.column_int64(3);
    r.overdue += q.column_int64(4);
    r.pending += q.column_int64(5);
  }
  return r;
}

void run_deadline_check(ActionContext& ctx, const ReportScope& scope, Json& doc,
                        const DeadlineTable& t) {
  const DeadlineTally n = tally(ctx.db(), t, scope);
  const std::string basis = fmt::format(
      "{} filed in the period, against the last day the policy allows (working days, fixed when "
      "each was filed); open ones counted as of {}.",
      t.title, scope.today.iso());
  Json figures = figures_section(t.id, t.title, basis);
  add_figure(figures, "filed", "Filed in the period", n.filed);
  add_figure(figures, "on_time", fmt::format("{} on time", t.done_name), n.on_time);
  add_figure(figures, "late", fmt::format("{} late", t.done_name), n.late);
  add_figure(figures, "overdue", "Open past the deadline", n.overdue);
  add_figure(figures, "pending", "Open, not yet due", n.pending);
  figures["rows"].push_back({{"metric", "on_time_rate"},
                             {"name", "On-time rate (of those due)"},
                             {"value", ratio(n.on_time, n.on_time + n.late + n.overdue)},
                             {"type", "ratio"}});
  doc["sections"].push_back(std::move(figures));
  doc["sections"].push_back(value_section(
      fmt::format("{}_by_status", t.id), fmt::format("{} by status", t.title), basis, "status",
      "Status", n.by_state, n.filed, [](const std::string& s) { return s; }));
}

}  // namespace

void compliance_repairs(ActionContext& ctx, const ReportScope& scope, Json& doc) {
  run_deadline_check(ctx, scope, doc,
                     {"repairs", "Credit repairs", "", "repair_applications", "submitted_on",
                      "decision_deadline", "decided_on", "status", "Decided"});
}

// Dandong Art. 12(7): the repaired record withdrawn within repair.withdrawal working days of the
// decision; repairs completed in the period, where the profile set the time.
void compliance_repair_processing(ActionContext& ctx, const ReportScope& scope, Json& doc) {
  run_deadline_check(ctx, scope, doc,
                     {"repair_processing", "Withdrawal after repair decisions", "",
                      "repair_applications", "completed_on", "processing_deadline", "processed_on",
                      "status", "Withdrawn", " AND processing_deadline IS NOT NULL"});
}

void compliance_objections(ActionContext& ctx, const ReportScope& scope, Json& doc) {
  run_deadline_check(ctx, scope, doc,
                     {"objections", "Objections", "", "objections", "filed_on", "deadline",
                      "resolved_on", "status", "Verified"});
}

}  // namespace credit::service
