// report.expiring: records whose publicity ends soon (by end date, kind, severity, authority and
// department), and those already past their end but not yet withdrawn (purge-expired is due).
#include <fmt/format.h>

#include "service/import_support.hpp"
#include "service/loading_batch.hpp"
#include "service/report_ops.hpp"
#include "service/report_support.hpp"
#include "store/store.hpp"
#include "util/error.hpp"

namespace credit::service {

namespace {

struct ExpiringCounts {
  int64_t total = 0;
  Counts day, kind, severity, authority, status;
  std::map<std::string, Counts> dept_status;
};

// Open records (committed or published) that the policy publishes, ending in the window; found
// through the records_status_until index.
ExpiringCounts count_expiring(store::Db& db, const ReportScope& scope) {
  auto s = db.prepare(
      "SELECT publicity_until, source_dept_uscc, kind, severity, authority_uscc, status, count(*) "
      "FROM records WHERE status IN ('active', 'published') AND publicity_until BETWEEN :from AND "
      ":to AND publish = 1 AND " +
      visible_record("id") + dept_condition(scope, "source_dept_uscc") +
      " GROUP BY publicity_until, source_dept_uscc, kind, severity, authority_uscc, status");
  s.bind(s.parameter_index(":from"), scope.period.from.iso());
  s.bind(s.parameter_index(":to"), scope.period.to.iso());
  bind_dept(s, scope);
  ExpiringCounts c;
  while (s.step()) {
    const int64_t n = s.column_int64(6);
    const std::string status = s.column_text(5);
    c.total += n;
    c.day[s.column_text(0)] += n;
    c.dept_status[s.column_text(1)][status] += n;
    c.kind[s.column_text(2)] += n;
    c.severity[s.column_text(3)] += n;
    c.authority[s.column_text(4)] += n;
    c.status[status] += n;
  }
  return c;
}

// Still open although their publicity ended before today: withdrawal is due.
int64_t count_past_end(store::Db& db, const ReportScope& scope) {
  auto s = db.prepare(
      "SELECT count(*) FROM records WHERE status IN ('active', 'published') AND publicity_until < "
      ":today AND publish = 1 AND " +
      visible_record("id") + dept_condition(scope, "source_dept_uscc"));
  s.bind(s.parameter_index(":today"), scope.today.iso());
  bind_dept(s, scope);
  s.step();
  return s.column_int64(0);
}

Period expiring_window(const ActionContext& ctx) {
  const auto days = ctx.integer("days", 30);
  if (days < 1 || days > 3660)
    fail(ErrorCode::bad_input, fmt::format("--days {} is out of range", days),
         "give a number of days from 1 to 3660");
  const bool period =
      ctx.optional_string("month") || ctx.optional_string("from") || ctx.optional_string("to");
  if (period && ctx.call.params.contains("days") && !ctx.call.params["days"].is_null())
    fail(ErrorCode::usage, "give either --days or a period (--month, --from/--to), not both");
  const auto first = today(ctx);
  return {first, first.add_days(static_cast<int>(days) - 1)};
}

}  // namespace

Json report_expiring(ActionContext& ctx) {
  const ReportScope scope = read_scope(ctx, expiring_window(ctx));
  const size_t top = read_top(ctx);
  auto& db = ctx.db();
  Json doc = report_document(ctx, "expiring", "Expiring publicity 公示期届满", scope,
                             "end of publicity (公示截止期)");
  const ExpiringCounts c = count_expiring(db, scope);
  auto& sections = doc["sections"];

  Json overview = figures_section(
      "overview", "Key figures",
      "Open records the policy publishes, whose publicity ends in the window (last day "
      "published, inclusive); `credit purge-expired` withdraws them after that day.");
  add_figure(overview, "records", "Publicity ends in the window", c.total);
  add_figure(overview, "published", "Of which published now (公示中)",
             count_of(c.status, "published"));
  add_figure(overview, "active", "Of which not yet published (待公示)",
             count_of(c.status, "active"));
  add_figure(overview, "past_end", "Already past their end, not withdrawn",
             count_past_end(db, scope));
  sections.push_back(std::move(overview));

  const Buckets buckets = trend_buckets(scope.period);
  Json by_date =
      new_section("by_date", "Publicity ends by date", "Records by their last day of publicity.",
                  {{buckets.column(), buckets.title(), "text"}, {"records", "Records"}});
  set_chart(by_date, "line", buckets.column(), {{"records", "Records"}});
  Counts per_bucket;
  for (const auto& [day, n] : c.day)
    per_bucket[buckets.key_of(day)] += n;
  for (const auto& key : buckets.keys)
    by_date["rows"].push_back({{buckets.column(), key}, {"records", count_of(per_bucket, key)}});
  sections.push_back(std::move(by_date));

  const std::string_view ending = "Records whose publicity ends in the window.";
  sections.push_back(value_section("by_kind", "Expiring by kind", ending, "kind", "Kind", c.kind,
                                   c.total, kind_name));
  sections.push_back(value_section("by_severity", "Expiring by severity", ending, "severity",
                                   "Severity", c.severity, c.total, severity_name));
  sections.push_back(authority_section(
      db, "by_authority", "Expiring by authority",
      fmt::format("The {} authorities with the most records ending in the window.", top),
      c.authority, c.total, top));

  Json by_dept = new_section("by_department", "Expiring by department",
                             "Records ending in the window by the department that supplied them.",
                             {{"dept", "Department code", "text"},
                              {"department", "Department", "text"},
                              {"records", "Records"},
                              {"published", "公示中 published"},
                              {"active", "待公示 active"}});
  set_chart(by_dept, "stacked_bar", "department",
            {{"published", "公示中 published", "good"}, {"active", "待公示 active", "neutral"}});
  Counts totals;
  for (const auto& [dept, statuses] : c.dept_status)
    totals[dept] = count_of(statuses, "published") + count_of(statuses, "active");
  for (const auto& [dept, n] : top_counts(totals, totals.size(), ""))
    by_dept["rows"].push_back({{"dept", dept},
                               {"department", department_name(db, dept)},
                               {"records", n},
                               {"published", count_of(c.dept_status.at(dept), "published")},
                               {"active", count_of(c.dept_status.at(dept), "active")}});
  sections.push_back(std::move(by_dept));
  return doc;
}

}  // namespace credit::service
