#include "domain/deadlines.hpp"

#include <algorithm>

namespace credit::domain {

std::string_view to_string(Timeliness t) {
  switch (t) {
    case Timeliness::on_time:
      return "on_time";
    case Timeliness::late:
      return "late";
    case Timeliness::overdue:
      return "overdue";
    case Timeliness::pending:
      return "pending";
  }
  return "pending";
}

PublicationCheck check_publication(const Calendar& calendar, Date decided,
                                   std::optional<Date> published, Date today, int working_days) {
  auto due = calendar.add_working_days(decided, working_days);
  PublicationCheck check;
  check.deadline = due.date;
  check.years_without_data = std::move(due.years_without_data);
  const Date until = published.value_or(today);
  if (until <= check.deadline) {
    check.timeliness = published ? Timeliness::on_time : Timeliness::pending;
    return check;
  }
  check.timeliness = published ? Timeliness::late : Timeliness::overdue;
  auto late = calendar.working_days_between(check.deadline, until);
  check.working_days_late = late.count;
  for (int y : late.years_without_data)
    if (std::find(check.years_without_data.begin(), check.years_without_data.end(), y) ==
        check.years_without_data.end())
      check.years_without_data.push_back(y);
  return check;
}

}  // namespace credit::domain
