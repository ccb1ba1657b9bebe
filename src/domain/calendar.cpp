#include "domain/calendar.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace credit::domain {

using nlohmann::json;

namespace {

// Working-day calendars outside this range are certainly a typo; the bounds also
// keep neighbouring years (±1) representable as dates.
constexpr int kMinYear = 1900, kMaxYear = 2999;

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw CalendarError(where.empty() ? what : where + ": " + what);
}

json parse_json(std::string_view text, const char* what) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw CalendarError(fmt::format("{} is not valid JSON: {}", what, e.what()));
  }
}

int get_year(const json& doc) {
  const auto it = doc.find("year");
  if (it == doc.end()) fail("year", "missing");
  if (!it->is_number_integer()) fail("year", "expected an integer");
  const auto y = it->get<int64_t>();
  if (y < kMinYear || y > kMaxYear) {
    fail("year", fmt::format("{} is out of range ({}–{})", y, kMinYear, kMaxYear));
  }
  return static_cast<int>(y);
}

Date get_date(const json& v, const std::string& where) {
  if (!v.is_string()) fail(where, "expected a date string \"YYYY-MM-DD\"");
  const auto d = Date::parse_iso(v.get_ref<const std::string&>());
  if (!d) fail(where, fmt::format("{} is not a valid YYYY-MM-DD date", v.dump()));
  return *d;
}

std::vector<std::string> get_strings(const json& doc, const char* key) {
  std::vector<std::string> out;
  const auto it = doc.find(key);
  if (it == doc.end()) return out;
  if (!it->is_array()) fail(key, "expected an array of strings");
  for (size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string()) fail(fmt::format("{}[{}]", key, i), "expected a string");
    out.push_back((*it)[i].get<std::string>());
  }
  return out;
}

// Rejects a day given twice or given as both off and work; `seen` maps day → off.
void record_day(std::map<int32_t, bool>& seen, Date d, bool off, const std::string& where) {
  const auto [it, inserted] = seen.emplace(d.days(), off);
  if (inserted) return;
  fail(where, it->second == off
                  ? fmt::format("{} is listed twice", d.iso())
                  : fmt::format("{} is listed both as a day off and as a working day", d.iso()));
}

// The State Council notices set 11 (13 since 2025) statutory holidays and move a few weekend
// days: 2007–2026 never had more than 23 weekdays off, nor more than 8 make-up days. A file over
// these bounds is a typo or an attack that would stretch every working-day deadline.
constexpr size_t kMaxWeekdaysOff = 30;
constexpr size_t kMaxMakeUpDays = 15;

void check_plausible(const CalendarYear& y, const char* key) {
  size_t weekdays_off = 0;
  for (const Date& d : y.off_days) {
    if (d.weekday() <= 5 && ++weekdays_off > kMaxWeekdaysOff)
      fail(key, fmt::format("declares more than {} weekdays off in {} (the {}th is {}); State "
                            "Council notices set at most 23",
                            kMaxWeekdaysOff, y.year, weekdays_off, d.iso()));
  }
  if (y.work_days.size() > kMaxMakeUpDays)
    fail(key, fmt::format("declares {} make-up working days in {}; at most {} are plausible "
                          "(State Council notices set at most 8)",
                          y.work_days.size(), y.year, kMaxMakeUpDays));
}

void finish(CalendarYear& y, const char* key) {
  std::sort(y.off_days.begin(), y.off_days.end());
  std::sort(y.work_days.begin(), y.work_days.end());
  check_plausible(y, key);
}

std::vector<Date> get_dates(const json& h, const char* key, const std::string& where, int year,
                            std::map<int32_t, bool>& seen) {
  std::vector<Date> out;
  const auto it = h.find(key);
  if (it == h.end()) return out;
  if (!it->is_array()) fail(where + "." + key, "expected an array of dates");
  for (size_t j = 0; j < it->size(); ++j) {
    const std::string at = fmt::format("{}.{}[{}]", where, key, j);
    const Date d = get_date((*it)[j], at);
    if (d.year() != year) fail(at, fmt::format("{} is not in year {}", d.iso(), year));
    record_day(seen, d, std::string_view(key) == "off", at);
    out.push_back(d);
  }
  return out;
}

void check_keys(const json& obj, std::initializer_list<std::string_view> allowed,
                const std::string& where) {
  for (const auto& [key, value] : obj.items()) {
    if (key.starts_with("_") || key.starts_with("$")) continue;  // comments, $schema
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      fail(where.empty() ? key : where + "." + key, "unknown key");
    }
  }
}

}  // namespace

CalendarYear parse_calendar_year(std::string_view json_text) {
  const json doc = parse_json(json_text, "calendar file");
  if (!doc.is_object()) fail("", "calendar file must be a JSON object");
  check_keys(doc, {"year", "source", "papers", "holidays"}, "");
  CalendarYear y;
  y.year = get_year(doc);
  if (const auto it = doc.find("source"); it != doc.end()) {
    if (!it->is_string()) fail("source", "expected a string");
    y.source = it->get<std::string>();
  }
  y.papers = get_strings(doc, "papers");
  const auto hs = doc.find("holidays");
  if (hs == doc.end() || !hs->is_array()) fail("holidays", "expected an array");
  std::map<int32_t, bool> seen;
  for (size_t i = 0; i < hs->size(); ++i) {
    const std::string where = fmt::format("holidays[{}]", i);
    const json& h = (*hs)[i];
    if (!h.is_object()) fail(where, "expected an object");
    check_keys(h, {"name", "off", "work"}, where);
    HolidayPeriod p;
    const auto name = h.find("name");
    if (name == h.end() || !name->is_string() || name->get_ref<const std::string&>().empty()) {
      fail(where + ".name", "expected a non-empty string");
    }
    p.name = name->get<std::string>();
    p.off = get_dates(h, "off", where, y.year, seen);
    p.work = get_dates(h, "work", where, y.year, seen);
    y.off_days.insert(y.off_days.end(), p.off.begin(), p.off.end());
    y.work_days.insert(y.work_days.end(), p.work.begin(), p.work.end());
    y.holidays.push_back(std::move(p));
  }
  finish(y, "holidays");
  return y;
}

CalendarYear parse_holiday_cn_year(std::string_view json_text) {
  const json doc = parse_json(json_text, "holiday-cn file");
  if (!doc.is_object()) fail("", "holiday-cn file must be a JSON object");
  CalendarYear y;
  y.year = get_year(doc);
  y.source = "holiday-cn (github.com/NateScarlet/holiday-cn)";
  y.papers = get_strings(doc, "papers");
  const auto days = doc.find("days");
  if (days == doc.end() || !days->is_array()) fail("days", "expected an array");
  std::map<int32_t, bool> seen;
  for (size_t i = 0; i < days->size(); ++i) {
    const std::string where = fmt::format("days[{}]", i);
    const json& e = (*days)[i];
    if (!e.is_object()) fail(where, "expected an object");
    const auto name = e.find("name");
    const auto off = e.find("isOffDay");
    if (name == e.end() || !name->is_string()) fail(where + ".name", "expected a string");
    if (off == e.end() || !off->is_boolean()) fail(where + ".isOffDay", "expected true or false");
    const Date d = get_date(e.contains("date") ? e["date"] : json(), where + ".date");
    const bool is_off = off->get<bool>();
    // Notices set the last days of December for New Year; anything further away is a mistake.
    if (std::abs(d.year() - y.year) > 1)
      fail(where + ".date", fmt::format("{} is not near year {}", d.iso(), y.year));
    record_day(seen, d, is_off, where + ".date");
    const std::string& n = name->get_ref<const std::string&>();
    auto period = std::find_if(y.holidays.begin(), y.holidays.end(),
                               [&](const auto& p) { return p.name == n; });
    if (period == y.holidays.end())
      period = y.holidays.insert(y.holidays.end(), HolidayPeriod{n, {}, {}});
    (is_off ? period->off : period->work).push_back(d);
    if (d.year() != y.year) {
      y.adjacent_days.emplace_back(d, is_off);
    } else {
      (is_off ? y.off_days : y.work_days).push_back(d);
    }
  }
  finish(y, "days");
  return y;
}

std::string to_calendar_json(const CalendarYear& y) {
  nlohmann::ordered_json doc;
  doc["year"] = y.year;
  doc["source"] = y.source;
  doc["papers"] = y.papers;
  doc["holidays"] = nlohmann::ordered_json::array();
  for (const auto& h : y.holidays) {
    nlohmann::ordered_json p;
    p["name"] = h.name;
    p["off"] = nlohmann::ordered_json::array();
    p["work"] = nlohmann::ordered_json::array();
    for (Date d : h.off) {
      if (d.year() == y.year) p["off"].push_back(d.iso());
    }
    for (Date d : h.work) {
      if (d.year() == y.year) p["work"].push_back(d.iso());
    }
    if (!p["off"].empty() || !p["work"].empty()) doc["holidays"].push_back(std::move(p));
  }
  return doc.dump(2) + "\n";
}

// ---------------------------------------------------------------------------

namespace {

bool weekday_is_work(int32_t day) {
  return Date::from_days(day).weekday() <= 5;
}

// Mon–Fri days in [anchor, x) counted from a Monday anchor, for any x (negative too).
int64_t weekdays_before(int64_t x) {
  constexpr int64_t kMonday = -3;  // 1969-12-29
  const int64_t t = x - kMonday;
  const int64_t weeks = t >= 0 ? t / 7 : -((-t + 6) / 7);
  return 5 * weeks + std::min<int64_t>(t - weeks * 7, 5);
}

int32_t jan1(int year) {
  return Date::from_ymd(year, 1, 1)->days();
}

}  // namespace

namespace {

void check_in_year(const CalendarYear& y, Date d, int slack) {
  if (std::abs(d.year() - y.year) > slack) {
    throw CalendarError(fmt::format("calendar {}: {} is not in {}", y.year, d.iso(),
                                    slack ? "that year or a neighbouring one" : "that year"));
  }
}

// Per-day state over [start, start + span): 0 = no statement (weekend rule), 1 = off,
// 2 = work. Two sources that disagree about a day are an error, not a silent override.
std::vector<int8_t> day_states(const std::vector<CalendarYear>& years, int32_t start,
                               int32_t span) {
  std::vector<int8_t> state(static_cast<size_t>(span), 0);
  auto set = [&](const CalendarYear& y, Date d, bool off) {
    const auto i = static_cast<size_t>(d.days() - start);
    const int8_t v = off ? 1 : 2;
    if (state[i] != 0 && state[i] != v) {
      throw CalendarError(fmt::format(
          "calendar {}: {} is set both as a day off and as a working day", y.year, d.iso()));
    }
    state[i] = v;
  };
  for (const auto& y : years) {
    for (Date d : y.off_days)
      set(y, d, true);
    for (Date d : y.work_days)
      set(y, d, false);
    for (const auto& [d, off] : y.adjacent_days)
      set(y, d, off);
  }
  return state;
}

}  // namespace

Calendar::Calendar(const std::vector<CalendarYear>& years) : data_(years) {
  if (years.empty()) return;
  int lo = years.front().year, hi = lo;
  for (const auto& y : years) {
    if (y.year < kMinYear || y.year > kMaxYear) {
      throw CalendarError(
          fmt::format("calendar year {} is out of range ({}–{})", y.year, kMinYear, kMaxYear));
    }
    for (Date d : y.off_days)
      check_in_year(y, d, 0);
    for (Date d : y.work_days)
      check_in_year(y, d, 0);
    for (const auto& [d, off] : y.adjacent_days)
      check_in_year(y, d, 1);
    lo = std::min(lo, y.year - (y.adjacent_days.empty() ? 0 : 1));
    hi = std::max(hi, y.year + (y.adjacent_days.empty() ? 0 : 1));
  }
  first_year_ = lo;
  for (int y = lo; y <= hi + 1; ++y)
    year_start_.push_back(jan1(y));
  has_data_.assign(static_cast<size_t>(hi - lo + 1), false);
  for (const auto& y : years) {
    auto flag = has_data_[static_cast<size_t>(y.year - lo)];
    if (flag) throw CalendarError(fmt::format("calendar {} is given twice", y.year));
    flag = true;
  }
  const int32_t start = year_start_.front(), span = year_start_.back() - start;
  const auto state = day_states(years, start, span);
  bits_.assign(static_cast<size_t>(span + 63) / 64, 0);
  cumulative_.assign(static_cast<size_t>(span) + 1, 0);
  for (int32_t i = 0; i < span; ++i) {
    const auto u = static_cast<size_t>(i);
    const bool work = state[u] == 0 ? weekday_is_work(start + i) : state[u] == 2;
    if (work) bits_[u / 64] |= uint64_t{1} << (u % 64);
    cumulative_[u + 1] = cumulative_[u] + (work ? 1 : 0);
  }
}

bool Calendar::has_year(int year) const {
  const int i = year - first_year_;
  return !has_data_.empty() && i >= 0 && i < static_cast<int>(has_data_.size()) &&
         has_data_[static_cast<size_t>(i)];
}

std::vector<int> Calendar::years() const {
  std::vector<int> out;
  for (size_t i = 0; i < has_data_.size(); ++i) {
    if (has_data_[i]) out.push_back(first_year_ + static_cast<int>(i));
  }
  return out;
}

bool Calendar::bit(int32_t day) const {
  if (year_start_.empty() || day < year_start_.front() || day >= year_start_.back())
    return weekday_is_work(day);
  const auto i = static_cast<size_t>(day - year_start_.front());
  return (bits_[i / 64] >> (i % 64)) & 1;
}

bool Calendar::is_working_day(Date d) const {
  return bit(d.days());
}

std::string Calendar::holiday_name(Date d) const {
  for (const auto& y : data_) {
    if (std::abs(y.year - d.year()) > 1) continue;
    for (const auto& h : y.holidays) {
      if (std::find(h.off.begin(), h.off.end(), d) != h.off.end() ||
          std::find(h.work.begin(), h.work.end(), d) != h.work.end()) {
        return h.name;
      }
    }
  }
  return {};
}

std::vector<int> Calendar::missing_years(Date a, Date b) const {
  std::vector<int> out;
  for (int y = a.year(); y <= b.year(); ++y) {
    if (!has_year(y)) out.push_back(y);
  }
  return out;
}

Calendar::WorkdayResult Calendar::add_working_days(Date from, int n) const {
  // Bounded so that a corrupt input cannot loop for minutes; ±100k working days is ~400 years.
  if (n > 100'000 || n < -100'000)
    throw std::out_of_range("add_working_days: n is out of range (±100000)");
  if (n == 0) return {from, {}};
  const int step = n > 0 ? 1 : -1;
  int32_t day = from.days();
  for (int left = n > 0 ? n : -n; left > 0;) {
    day += step;
    if (bit(day)) --left;
  }
  const Date to = Date::from_days(day);
  return {to, n > 0 ? missing_years(from.add_days(1), to) : missing_years(to, from.add_days(-1))};
}

Calendar::WorkdayCount Calendar::working_days_between(Date from, Date to) const {
  if (to < from) {
    auto r = working_days_between(to, from);
    r.count = -r.count;
    return r;
  }
  if (to == from) return {};
  // Working days in [-∞, x) relative to a fixed anchor; the difference is what we want.
  auto before = [this](int64_t x) -> int64_t {
    if (year_start_.empty()) return weekdays_before(x);
    const int64_t lo = year_start_.front(), hi = year_start_.back();
    if (x <= lo) return weekdays_before(x);
    if (x <= hi) return weekdays_before(lo) + cumulative_[static_cast<size_t>(x - lo)];
    return weekdays_before(lo) + cumulative_.back() + weekdays_before(x) - weekdays_before(hi);
  };
  const int64_t count = before(int64_t{to.days()} + 1) - before(int64_t{from.days()} + 1);
  return {static_cast<int>(count), missing_years(from.add_days(1), to)};
}

}  // namespace credit::domain
