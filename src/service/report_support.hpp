#pragma once
// The report module's shared parts (report_*.cpp): what a report covers — a period of China dates
// and a department — and the document it returns. The document is plain JSON (docs/report.md), so
// a remote client gets the same data and src/io/report_render.cpp renders it in every format.
// Reports are statistics: counts by category, never a subject's name or number.
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "domain/date.hpp"
#include "service/action.hpp"
#include "store/sqlite.hpp"

namespace credit::service {

struct Period {
  domain::Date from, to;  // China dates, inclusive
  // The same days as stored timestamps (UTC, as format_utc writes them): [from, to + 1 day) at
  // 00:00 China time. Stored timestamps compare as text.
  std::string utc_from() const;
  std::string utc_until() const;
  int days() const { return to.days() - from.days() + 1; }
};

struct ReportScope {
  Period period;
  std::optional<std::string> dept;  // one department's USCC; nullopt: every department
  domain::Date today;               // China date of the call's clock (CREDIT_NOW when set)
};

// The calendar month holding `day`.
Period month_of(domain::Date day);
// The period from the "month" (YYYY-MM) or "from"/"to" (YYYY-MM-DD; "to" defaults to today)
// parameters; `fallback` when none is given.
Period read_period(const ActionContext& ctx, const Period& fallback);
// The department from the "dept" parameter. A user of one department sees only that department
// (its own is the default); the credit centre ('*') sees any one department or, by default, all.
std::optional<std::string> read_department(const ActionContext& ctx);
// Period, department and today together.
ReportScope read_scope(const ActionContext& ctx, const Period& fallback);

// Trend buckets over a period: its days when it is at most 62 days long, else its months.
struct Buckets {
  bool by_month = false;
  std::vector<std::string> keys;  // every bucket of the period, in order ("2025-10-01" / "2025-10")
  std::string key_of(std::string_view iso_date) const {
    return std::string(iso_date.substr(0, by_month ? 7 : 10));
  }
  std::string_view column() const { return by_month ? "month" : "date"; }
  std::string_view title() const { return by_month ? "Month" : "Date"; }
};
Buckets trend_buckets(const Period& period);

// ---- the document -------------------------------------------------------------------------

// Column types tell renderers how to show a value: text, count (integer), ratio (0..1, shown as
// a percentage; null when there is nothing to divide), date (YYYY-MM-DD).
struct ColumnDef {
  std::string_view key, title, type = "count";
};
// A chart series: a numeric column and how to colour it (primary, good, warn, bad, neutral).
struct SeriesDef {
  std::string_view key, title, tone = "primary";
};

// The document's header: report name and title, period (and what it is counted by), department,
// generation time (real, and simulated when CREDIT_NOW is set), today and the policy profile.
Json report_document(ActionContext& ctx, std::string_view report, std::string_view title,
                     const ReportScope& scope, std::string_view basis);
// A section with its columns and no rows yet.
Json new_section(std::string_view id, std::string_view title, std::string_view description,
                 std::initializer_list<ColumnDef> columns);
// Charts: "bar" (one series), "stacked_bar" (parts of a whole), "line" (a trend over `label`),
// "figures" (each row a key figure: label and value).
void set_chart(Json& section, std::string_view type, std::string_view label,
               std::initializer_list<SeriesDef> series);
// A section that cannot be computed on this store, with the reason.
Json unavailable_section(std::string_view id, std::string_view title, std::string_view description,
                         std::string_view reason);
// A key-figures section: rows {metric, name, value}.
Json figures_section(std::string_view id, std::string_view title, std::string_view description);
void add_figure(Json& section, std::string_view metric, std::string_view name, const Json& value);

// part / whole, rounded to four places; null when whole is 0.
Json ratio(int64_t part, int64_t whole);

// ---- counting -----------------------------------------------------------------------------

using Counts = std::map<std::string, int64_t>;
// The label of the row that sums what a top-N list leaves out.
inline constexpr std::string_view kOtherName = "其他 (other)";
// The `top` largest counts in descending order (ties by key), the rest summed under `other_key`
// when any remain.
std::vector<std::pair<std::string, int64_t>> top_counts(const Counts& counts, size_t top,
                                                        const std::string& other_key);
int64_t count_of(const Counts& counts, const std::string& key);  // 0 when absent
// The "top" parameter (how many authorities, users … a section lists before "other").
size_t read_top(const ActionContext& ctx);

// Display names from the records: a department's (数据来源单位) and an authority's (处罚/许可机关),
// empty when no record names it.
std::string department_name(store::Db& db, const std::string& uscc);
std::string authority_name(store::Db& db, const std::string& uscc);

// Chinese names of stored values (kind, status, severity, disclosure); the value itself when
// unknown.
std::string kind_name(const std::string& kind);
std::string status_name(std::string_view status);
std::string severity_name(std::string_view severity);
std::string disclosure_name(std::string_view disclosure);

// Records by one stored value (kind, status …) with its Chinese name and share of `total`,
// largest first, as a bar chart.
Json value_section(std::string_view id, std::string_view title, std::string_view description,
                   std::string_view column, std::string_view column_title, const Counts& counts,
                   int64_t total, const std::function<std::string(const std::string&)>& name_of);
// Records by authority (USCC → count): the `top` largest with their names, the rest as
// "other", with shares of `total`, as a bar chart.
Json authority_section(store::Db& db, std::string_view id, std::string_view title,
                       std::string_view description, const Counts& counts, int64_t total,
                       size_t top);

// The SQL condition (" AND column = :dept", or nothing) and its binding for the scope's
// department.
std::string dept_condition(const ReportScope& scope, std::string_view column);
void bind_dept(store::Stmt& stmt, const ReportScope& scope);

}  // namespace credit::service
