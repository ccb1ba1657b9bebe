// report.compliance: deadlines kept and missed. Each check is one entry of compliance_checks()
// that names the tables it reads; a check whose tables this store does not have yet is shown as
// "not available", so a new module (repairs, objections) adds its check here and nothing else.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <set>

#include "domain/deadlines.hpp"
#include "service/calendar_data.hpp"
#include "service/import_support.hpp"
#include "service/loading_batch.hpp"
#include "service/reference.hpp"
#include "service/report_ops.hpp"
#include "service/report_support.hpp"
#include "store/store.hpp"

namespace credit::service {

namespace {

struct ComplianceInput {
  ActionContext& ctx;
  const ReportScope& scope;
  size_t top;
  Json& doc;
};

struct ComplianceCheck {
  std::string_view id, title, description;
  std::vector<std::string_view> needs;  // tables the check reads
  // Appends the check's sections to doc["sections"]; empty while the check is not written yet.
  void (*run)(ComplianceInput& in) = nullptr;
};

// ---- publication within the policy's working days ----

struct Tally {
  int64_t on_time = 0, late = 0, overdue = 0, pending = 0, not_required = 0;
  int max_overdue = 0;  // working days the oldest overdue record is past its deadline
  int64_t due() const { return on_time + late + overdue + pending; }
  void add(domain::Timeliness t, int64_t n, int working_days_late) {
    switch (t) {
      case domain::Timeliness::on_time:
        on_time += n;
        break;
      case domain::Timeliness::late:
        late += n;
        break;
      case domain::Timeliness::overdue:
        overdue += n;
        max_overdue = std::max(max_overdue, working_days_late);
        break;
      case domain::Timeliness::pending:
        pending += n;
        break;
    }
  }
  void merge(const Tally& o) {
    on_time += o.on_time, late += o.late, overdue += o.overdue, pending += o.pending;
    not_required += o.not_required;
    max_overdue = std::max(max_overdue, o.max_overdue);
  }
  // On time among the records whose deadline has passed or that were published.
  Json on_time_rate() const { return ratio(on_time, on_time + late + overdue); }
};

struct PublicationTallies {
  Tally total;
  std::map<std::string, Tally> kind, dept, authority;
  std::set<int> years_without_data;
};

// published_on is a China date (YYYY-MM-DD); a full timestamp is read as its China date.
std::optional<domain::Date> published_date(std::string_view text) {
  if (text.size() == 10) return domain::Date::parse_iso(text);
  if (auto t = parse_timestamp(text)) return domain::Date::from_days(china_day_number(*t));
  return std::nullopt;
}

PublicationTallies tally_publication(ComplianceInput& in, int working_days) {
  auto& db = in.ctx.db();
  auto calendar = working_calendar(db);
  // Grouped in the order of the records_report index (0007_report.sql): the groups stream from
  // the index without a sort, and no record row is read.
  auto s = db.prepare(
      "SELECT decided_on, source_dept_uscc, kind, authority_uscc, status, publish, published_on, "
      "count(*), disclosure FROM records WHERE decided_on BETWEEN :from AND :to AND " +
      visible_record("id") + dept_condition(in.scope, "source_dept_uscc") +
      " GROUP BY decided_on, source_dept_uscc, kind, status, severity, disclosure, "
      "authority_uscc, publish, published_on");
  s.bind(s.parameter_index(":from"), in.scope.period.from.iso());
  s.bind(s.parameter_index(":to"), in.scope.period.to.iso());
  bind_dept(s, in.scope);
  PublicationTallies t;
  while (s.step()) {
    const int64_t n = s.column_int64(7);
    auto& kind = t.kind[s.column_text(2)];
    auto& dept = t.dept[s.column_text(1)];
    auto& authority = t.authority[s.column_text(3)];
    // Only what goes to the portal has a publication deadline: records the policy publishes at
    // the public level (shared and authorised ones never reach it; docs/publication.md), unless
    // revoked before they were published.
    const bool revoked_unpublished = s.column_view(4) == "revoked" && s.column_is_null(6);
    if (s.column_int64(5) == 0 || s.column_view(8) != "public" || revoked_unpublished) {
      for (Tally* tally : {&t.total, &kind, &dept, &authority})
        tally->not_required += n;
      continue;
    }
    auto decided = domain::Date::parse_iso(s.column_view(0));
    if (!decided) continue;  // the import validated every date; nothing to count otherwise
    std::optional<domain::Date> published;
    if (!s.column_is_null(6)) published = published_date(s.column_view(6));
    auto check =
        domain::check_publication(*calendar, *decided, published, in.scope.today, working_days);
    t.years_without_data.insert(check.years_without_data.begin(), check.years_without_data.end());
    for (Tally* tally : {&t.total, &kind, &dept, &authority})
      tally->add(check.timeliness, n, check.working_days_late);
  }
  return t;
}

// The columns every publication table shares, after its own label columns.
Json publication_section(std::string_view id, std::string_view title, std::string_view description,
                         std::initializer_list<ColumnDef> labels, std::string_view chart_label) {
  Json s = new_section(id, title, description, labels);
  for (ColumnDef c : std::initializer_list<ColumnDef>{{"due", "Subject to the deadline"},
                                                      {"on_time", "On time"},
                                                      {"late", "Published late"},
                                                      {"overdue", "Overdue, unpublished"},
                                                      {"pending", "Not yet due"},
                                                      {"not_required", "Not for the portal"},
                                                      {"on_time_rate", "On-time rate", "ratio"}})
    s["columns"].push_back({{"key", c.key}, {"title", c.title}, {"type", c.type}});
  set_chart(s, "stacked_bar", chart_label,
            {{"on_time", "On time", "good"},
             {"late", "Published late", "warn"},
             {"overdue", "Overdue, unpublished", "bad"},
             {"pending", "Not yet due", "neutral"}});
  return s;
}

void fill_tally(Json& row, const Tally& t) {
  row["due"] = t.due();
  row["on_time"] = t.on_time;
  row["late"] = t.late;
  row["overdue"] = t.overdue;
  row["pending"] = t.pending;
  row["not_required"] = t.not_required;
  row["on_time_rate"] = t.on_time_rate();
}

Counts tally_order(const std::map<std::string, Tally>& tallies) {
  Counts order;
  for (const auto& [key, t] : tallies)
    order[key] = t.due() + t.not_required;
  return order;
}

void run_publication(ComplianceInput& in) {
  auto& db = in.ctx.db();
  const auto policy = active_policy(db);
  const auto& rule = policy->profile.publication_deadline;
  const PublicationTallies t = tally_publication(in, rule.working_days);
  const Json rule_json = {{"id", rule.rule.id}, {"cite", rule.rule.cite}};
  const std::string basis = fmt::format(
      "Records decided in the period that the policy publishes at the public level must be on "
      "the portal within {} working days of the "
      "decision date (rule {}); counted with the working-day calendar, as of {}.",
      rule.working_days, rule.rule.id, in.scope.today.iso());
  auto& sections = in.doc["sections"];

  Json overview = figures_section("publication", "Publication within the deadline", basis);
  overview["rule"] = rule_json;
  add_figure(overview, "records", "Records decided in the period",
             t.total.due() + t.total.not_required);
  add_figure(overview, "due", "Subject to the publication deadline", t.total.due());
  add_figure(overview, "on_time", "Published on time", t.total.on_time);
  add_figure(overview, "late", "Published late", t.total.late);
  add_figure(overview, "overdue", "Overdue, still unpublished", t.total.overdue);
  add_figure(overview, "pending", "Unpublished, not yet due", t.total.pending);
  add_figure(overview, "not_required", "Not for the portal (not public, or revoked unpublished)",
             t.total.not_required);
  overview["rows"].push_back({{"metric", "on_time_rate"},
                              {"name", "On-time rate (of those due)"},
                              {"value", t.total.on_time_rate()},
                              {"type", "ratio"}});
  sections.push_back(std::move(overview));

  Json by_kind = publication_section("publication_by_kind", "Publication by kind", basis,
                                     {{"kind", "Kind", "text"}, {"name", "名称", "text"}}, "name");
  for (const auto& [kind, n] : top_counts(tally_order(t.kind), t.kind.size(), "")) {
    Json row = {{"kind", kind}, {"name", kind_name(kind)}};
    fill_tally(row, t.kind.at(kind));
    by_kind["rows"].push_back(std::move(row));
  }
  sections.push_back(std::move(by_kind));

  Json by_dept = publication_section(
      "publication_by_department", "Publication by department", basis,
      {{"dept", "Department code", "text"}, {"department", "Department", "text"}}, "department");
  for (const auto& [dept, n] : top_counts(tally_order(t.dept), t.dept.size(), "")) {
    Json row = {{"dept", dept}, {"department", department_name(db, dept)}};
    fill_tally(row, t.dept.at(dept));
    by_dept["rows"].push_back(std::move(row));
  }
  sections.push_back(std::move(by_dept));

  Json by_authority = new_section(
      "publication_late_by_authority", "Late and overdue by authority",
      fmt::format("The {} authorities with the most records published late or still overdue.",
                  in.top),
      {{"authority_uscc", "Authority code", "text"},
       {"authority", "Authority", "text"},
       {"due", "Subject to the deadline"},
       {"late", "Published late"},
       {"overdue", "Overdue, unpublished"},
       {"max_overdue_days", "Oldest overdue (working days past)"},
       {"on_time_rate", "On-time rate", "ratio"}});
  set_chart(by_authority, "stacked_bar", "authority",
            {{"late", "Published late", "warn"}, {"overdue", "Overdue, unpublished", "bad"}});
  Counts missed;
  for (const auto& [uscc, tally] : t.authority)
    if (tally.late + tally.overdue > 0) missed[uscc] = tally.late + tally.overdue;
  const auto top = top_counts(missed, in.top, "");
  std::set<std::string> listed;
  for (const auto& [uscc, n] : top)
    listed.insert(uscc);
  for (const auto& [uscc, n] : top) {
    const bool other = uscc.empty();
    Json row = {{"authority_uscc", other ? Json() : Json(uscc)},
                {"authority", other ? std::string(kOtherName) : authority_name(db, uscc)}};
    Tally tally = other ? Tally() : t.authority.at(uscc);
    if (other)  // the authorities not listed, summed
      for (const auto& [rest, n_rest] : missed)
        if (!listed.count(rest)) tally.merge(t.authority.at(rest));
    row["due"] = tally.due();
    row["late"] = tally.late;
    row["overdue"] = tally.overdue;
    row["max_overdue_days"] = tally.max_overdue;
    row["on_time_rate"] = tally.on_time_rate();
    by_authority["rows"].push_back(std::move(row));
  }
  sections.push_back(std::move(by_authority));

  for (int year : t.years_without_data)
    in.doc["notes"].push_back(fmt::format(
        "Deadlines in {} were counted on weekends alone: the store has no working-day calendar "
        "for that year (an administrator loads it with `credit calendar load`).",
        year));
}

// The checks, in report order; the workflows' checks are in report_workflows.cpp.
const std::vector<ComplianceCheck>& compliance_checks() {
  static const std::vector<ComplianceCheck> checks = {
      {"publication",
       "Publication within the deadline",
       "Decisions published within the policy's working days (双公示 7个工作日).",
       {"records"},
       run_publication},
      {"repairs",
       "Credit repairs against their deadlines",
       "Repair applications decided within the policy's working days (信用修复).",
       {"repair_applications"},
       [](ComplianceInput& in) { compliance_repairs(in.ctx, in.scope, in.doc); }},
      {"repair_processing",
       "Repaired records withdrawn in time",
       "Repaired records withdrawn from publication within the policy's working days after the "
       "decision (失信信息处理).",
       {"repair_applications"},
       [](ComplianceInput& in) { compliance_repair_processing(in.ctx, in.scope, in.doc); }},
      {"objections",
       "Objections against their deadlines",
       "Objections verified within the policy's working days (异议).",
       {"objections"},
       [](ComplianceInput& in) { compliance_objections(in.ctx, in.scope, in.doc); }},
  };
  return checks;
}

bool has_table(store::Db& db, std::string_view name) {
  auto s = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  s.bind(1, name);
  return s.step();
}

}  // namespace

Json report_compliance(ActionContext& ctx) {
  const ReportScope scope = read_scope(ctx, month_of(today(ctx)));
  const size_t top = read_top(ctx);
  Json doc =
      report_document(ctx, "compliance", "Compliance 合规情况", scope, "decision date (决定日期)");
  ComplianceInput input{ctx, scope, top, doc};
  for (const auto& check : compliance_checks()) {
    std::vector<std::string_view> missing;
    for (auto table : check.needs)
      if (!has_table(ctx.db(), table)) missing.push_back(table);
    if (!missing.empty())
      doc["sections"].push_back(
          unavailable_section(check.id, check.title, check.description,
                              fmt::format("Not available in this store yet: it has no {} table.",
                                          fmt::join(missing, ", "))));
    else if (!check.run)
      doc["sections"].push_back(
          unavailable_section(check.id, check.title, check.description,
                              "Not available yet: this version of credit has no check for it."));
    else
      check.run(input);
  }
  return doc;
}

}  // namespace credit::service
