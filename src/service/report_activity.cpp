// report.activity: the operations of a period from the audit log, by user and action, refusals
// included. Times are business times: the simulated time where CREDIT_NOW was set (ts_sim),
// else the real one, as every other date of the store.
#include <fmt/format.h>

#include <iterator>
#include <set>
#include <unordered_map>
#include <utility>

#include "service/import_support.hpp"
#include "service/report_ops.hpp"
#include "service/report_support.hpp"
#include "store/store.hpp"

namespace credit::service {

namespace {

constexpr const char* kOutcomes[] = {"ok", "denied", "unauthenticated", "failed"};

struct OutcomeCounts {
  std::map<std::string, int64_t> by_outcome;
  std::set<std::string> roles, depts;
  int64_t total() const {
    int64_t n = 0;
    for (const auto& [o, c] : by_outcome)
      n += c;
    return n;
  }
  int64_t refused() const {
    return count_of(by_outcome, "denied") + count_of(by_outcome, "unauthenticated");
  }
};

struct ActivityCounts {
  OutcomeCounts total;
  std::map<std::string, OutcomeCounts> user, action, day;
  std::map<std::pair<std::string, std::string>, OutcomeCounts> refusals;  // (actor, action)
};

// China date of an hour of a stored UTC timestamp ("2025-09-30T16" → 2025-10-01).
std::string china_date_of_hour(std::string_view hour) {
  auto t = parse_timestamp(std::string(hour) + ":00Z");
  return t ? domain::Date::from_days(china_day_number(*t)).iso() : std::string(hour.substr(0, 10));
}

size_t outcome_index(std::string_view outcome) {
  for (size_t i = 0; i < std::size(kOutcomes); ++i)
    if (outcome == kOutcomes[i]) return i;
  return 0;  // the table's CHECK admits no other value
}

// The log is read through two covering indexes (0007_report.sql) — entries written under
// CREDIT_NOW by ts_sim, the others by ts_utc — and counted here: grouping a million entries in
// SQL sorts them all, several times slower than one hash lookup per entry.
ActivityCounts count_activity(store::Db& db, const ReportScope& scope) {
  const std::string dept = dept_condition(scope, "dept");
  auto s = db.prepare(
      "SELECT substr(ts_utc, 1, 13), actor, role, dept, action, outcome FROM audit_log WHERE "
      "ts_utc >= :from AND ts_utc < :until AND ts_sim IS NULL" +
      dept +
      " UNION ALL SELECT substr(ts_sim, 1, 13), actor, role, dept, action, outcome FROM audit_log "
      "WHERE ts_sim >= :from AND ts_sim < :until" +
      dept);
  s.bind(s.parameter_index(":from"), scope.period.utc_from());
  s.bind(s.parameter_index(":until"), scope.period.utc_until());
  bind_dept(s, scope);
  ActivityCounts c;
  std::unordered_map<std::string, int64_t> entries;  // actor, role, dept, action, outcome → n
  std::string hour, key;
  int64_t per_hour[std::size(kOutcomes)] = {};
  auto flush_hour = [&] {
    if (hour.empty()) return;
    auto& day = c.day[china_date_of_hour(hour)];
    for (size_t i = 0; i < std::size(kOutcomes); ++i)
      if (per_hour[i]) day.by_outcome[kOutcomes[i]] += std::exchange(per_hour[i], 0);
  };
  while (s.step()) {
    if (s.column_view(0) != hour) {  // rows come in time order within each half of the union
      flush_hour();
      hour = s.column_view(0);
    }
    ++per_hour[outcome_index(s.column_view(5))];
    key.clear();
    for (int col = 1; col <= 5; ++col)
      key.append(s.column_view(col)).push_back('\x1f');
    ++entries[key];
  }
  flush_hour();
  for (const auto& [joined_key, n] : entries) {
    std::string_view fields[5];
    size_t at = 0;
    for (auto& f : fields) {
      const size_t end = joined_key.find('\x1f', at);
      f = std::string_view(joined_key).substr(at, end - at);
      at = end + 1;
    }
    const std::string actor(fields[0]), action(fields[3]), outcome(fields[4]);
    auto& user = c.user[actor];
    user.roles.emplace(fields[1]);
    user.depts.emplace(fields[2]);
    for (OutcomeCounts* counts : {&c.total, &user, &c.action[action]})
      counts->by_outcome[outcome] += n;
    if (outcome != "ok") c.refusals[{actor, action}].by_outcome[outcome] += n;
  }
  return c;
}

std::string joined(const std::set<std::string>& values) {
  return fmt::format("{}", fmt::join(values, ", "));
}

Json outcome_section(std::string_view id, std::string_view title, std::string_view description,
                     std::initializer_list<ColumnDef> labels, std::string_view chart_label) {
  Json s = new_section(id, title, description, labels);
  for (ColumnDef c : std::initializer_list<ColumnDef>{{"operations", "Operations"},
                                                      {"ok", "Allowed, done"},
                                                      {"denied", "Denied"},
                                                      {"unauthenticated", "Unauthenticated"},
                                                      {"failed", "Failed"}})
    s["columns"].push_back({{"key", c.key}, {"title", c.title}, {"type", c.type}});
  set_chart(s, "stacked_bar", chart_label,
            {{"ok", "Allowed, done", "good"},
             {"denied", "Denied", "bad"},
             {"unauthenticated", "Unauthenticated", "neutral"},
             {"failed", "Failed", "warn"}});
  return s;
}

void fill_outcomes(Json& row, const OutcomeCounts& c) {
  row["operations"] = c.total();
  for (const char* outcome : kOutcomes)
    row[outcome] = count_of(c.by_outcome, outcome);
}

// The `top` entries of `map` with the most operations (ties by key), and the rest summed.
template <class Key>
std::vector<std::pair<Key, const OutcomeCounts*>> top_entries(
    const std::map<Key, OutcomeCounts>& map, size_t top, OutcomeCounts& rest,
    int64_t (OutcomeCounts::*measure)() const) {
  std::vector<std::pair<Key, const OutcomeCounts*>> sorted;
  for (const auto& [key, counts] : map)
    sorted.emplace_back(key, &counts);
  std::stable_sort(sorted.begin(), sorted.end(), [&](const auto& a, const auto& b) {
    return (a.second->*measure)() > (b.second->*measure)();
  });
  for (size_t i = top; i < sorted.size(); ++i)
    for (const auto& [outcome, n] : sorted[i].second->by_outcome)
      rest.by_outcome[outcome] += n;
  if (sorted.size() > top) sorted.resize(top);
  return sorted;
}

// Operations done with a token an administrator issued for the account (audit params
// token_issued_by): what they did may be the administrator's, so the report shows them apart.
Json admin_issued_section(store::Db& db, const ReportScope& scope) {
  Json s = new_section(
      "admin_issued_tokens", "Operations with a token issued by an administrator",
      "Operations of accounts whose token another account (an administrator) issued and the owner "
      "has not rotated since: the issuer knows that token.",
      {{"actor", "User", "text"},
       {"issued_by", "Token issued by", "text"},
       {"operations", "Operations"}});
  const std::string dept = dept_condition(scope, "dept");
  auto q = db.prepare(
      "SELECT actor, json_extract(params, '$.token_issued_by') AS issuer, count(*) FROM audit_log "
      "WHERE COALESCE(ts_sim, ts_utc) >= :from AND COALESCE(ts_sim, ts_utc) < :until AND "
      "json_valid(params) AND issuer IS NOT NULL" +
      dept + " GROUP BY actor, issuer ORDER BY actor, issuer");
  q.bind(q.parameter_index(":from"), scope.period.utc_from());
  q.bind(q.parameter_index(":until"), scope.period.utc_until());
  bind_dept(q, scope);
  while (q.step())
    s["rows"].push_back({{"actor", q.column_text(0)},
                         {"issued_by", q.column_text(1)},
                         {"operations", q.column_int64(2)}});
  return s;
}

}  // namespace

Json report_activity(ActionContext& ctx) {
  const ReportScope scope = read_scope(ctx, month_of(today(ctx)));
  const size_t top = read_top(ctx);
  Json doc = report_document(ctx, "activity", "Activity 操作统计", scope,
                             "time of the operation (China time)");
  const ActivityCounts c = count_activity(ctx.db(), scope);
  auto& sections = doc["sections"];

  Json overview = figures_section(
      "overview", "Key figures",
      "Operations recorded in the audit log in the period, allowed or refused (department: the "
      "acting user's).");
  add_figure(overview, "operations", "Operations", c.total.total());
  add_figure(overview, "ok", "Allowed and done", count_of(c.total.by_outcome, "ok"));
  add_figure(overview, "refused", "Refused (denied or unauthenticated)", c.total.refused());
  add_figure(overview, "failed", "Failed", count_of(c.total.by_outcome, "failed"));
  add_figure(overview, "users", "Users", static_cast<int64_t>(c.user.size()));
  add_figure(overview, "actions", "Kinds of operation", static_cast<int64_t>(c.action.size()));
  sections.push_back(std::move(overview));

  OutcomeCounts rest;
  Json by_user = outcome_section(
      "by_user", "Operations by user",
      fmt::format("The {} users with the most operations; '-' is a caller without a valid token.",
                  top),
      {{"actor", "User", "text"}, {"role", "Role", "text"}, {"dept", "Department", "text"}},
      "actor");
  for (const auto& [actor, counts] : top_entries(c.user, top, rest, &OutcomeCounts::total)) {
    Json row = {{"actor", actor}, {"role", joined(counts->roles)}, {"dept", joined(counts->depts)}};
    fill_outcomes(row, *counts);
    by_user["rows"].push_back(std::move(row));
  }
  if (rest.total() > 0) {
    Json row = {{"actor", kOtherName}, {"role", nullptr}, {"dept", nullptr}};
    fill_outcomes(row, rest);
    by_user["rows"].push_back(std::move(row));
  }
  sections.push_back(std::move(by_user));

  rest = {};
  Json by_action = outcome_section("by_action", "Operations by action",
                                   fmt::format("The {} most frequent actions.", top),
                                   {{"action", "Action", "text"}}, "action");
  for (const auto& [action, counts] : top_entries(c.action, top, rest, &OutcomeCounts::total)) {
    Json row = {{"action", action}};
    fill_outcomes(row, *counts);
    by_action["rows"].push_back(std::move(row));
  }
  if (rest.total() > 0) {
    Json row = {{"action", kOtherName}};
    fill_outcomes(row, rest);
    by_action["rows"].push_back(std::move(row));
  }
  sections.push_back(std::move(by_action));

  rest = {};
  Json refusals = new_section(
      "refusals", "Refused and failed operations",
      fmt::format("The {} user and action pairs with the most operations that were not done.", top),
      {{"actor", "User", "text"},
       {"action", "Action", "text"},
       {"denied", "Denied"},
       {"unauthenticated", "Unauthenticated"},
       {"failed", "Failed"}});
  set_chart(refusals, "stacked_bar", "operation",
            {{"denied", "Denied", "bad"},
             {"unauthenticated", "Unauthenticated", "neutral"},
             {"failed", "Failed", "warn"}});
  for (const auto& [key, counts] : top_entries(c.refusals, top, rest, &OutcomeCounts::total)) {
    Json row = {{"actor", key.first},
                {"action", key.second},
                {"operation", key.first + " · " + key.second}};
    for (const char* outcome : {"denied", "unauthenticated", "failed"})
      row[outcome] = count_of(counts->by_outcome, outcome);
    refusals["rows"].push_back(std::move(row));
  }
  if (rest.total() > 0) {
    Json row = {{"actor", kOtherName}, {"action", nullptr}, {"operation", kOtherName}};
    for (const char* outcome : {"denied", "unauthenticated", "failed"})
      row[outcome] = count_of(rest.by_outcome, outcome);
    refusals["rows"].push_back(std::move(row));
  }
  sections.push_back(std::move(refusals));
  sections.push_back(admin_issued_section(ctx.db(), scope));

  const Buckets buckets = trend_buckets(scope.period);
  std::map<std::string, OutcomeCounts> per_bucket;
  for (const auto& [day, counts] : c.day)
    for (const auto& [outcome, n] : counts.by_outcome)
      per_bucket[buckets.key_of(day)].by_outcome[outcome] += n;
  Json trend = new_section("trend", buckets.by_month ? "Operations by month" : "Operations by day",
                           "Operations over the period (China dates).",
                           {{buckets.column(), buckets.title(), "text"},
                            {"operations", "Operations"},
                            {"refused", "Refused"},
                            {"failed", "Failed"}});
  set_chart(
      trend, "line", buckets.column(),
      {{"operations", "Operations"}, {"refused", "Refused", "bad"}, {"failed", "Failed", "warn"}});
  const OutcomeCounts none;
  for (const auto& key : buckets.keys) {
    auto it = per_bucket.find(key);
    const OutcomeCounts& counts = it == per_bucket.end() ? none : it->second;
    trend["rows"].push_back({{buckets.column(), key},
                             {"operations", counts.total()},
                             {"refused", counts.refused()},
                             {"failed", count_of(counts.by_outcome, "failed")}});
  }
  sections.push_back(std::move(trend));
  return doc;
}

}  // namespace credit::service
