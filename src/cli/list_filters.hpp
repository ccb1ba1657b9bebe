#pragma once
// The filters of the repair and objection lists: --status, --dept, --overdue, --limit.
#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "util/json.hpp"

namespace credit::cli {

struct ListFilters {
  std::string status, dept;
  bool overdue = false;
  int64_t limit = 100;

  // The service parameters: empty filters are left out.
  Json params() const {
    Json p = {{"limit", limit}, {"overdue", overdue}};
    if (!status.empty()) p["status"] = status;
    if (!dept.empty()) p["dept"] = dept;
    return p;
  }
};

// Adds the filter options to a list subcommand; `statuses` are the states one may ask for.
inline std::shared_ptr<ListFilters> add_list_filters(CLI::App* app,
                                                     const std::vector<std::string>& statuses,
                                                     const std::string& what,
                                                     const std::string& dept_is,
                                                     const std::string& overdue_means) {
  auto f = std::make_shared<ListFilters>();
  std::string states;
  for (const auto& s : statuses)
    states += (states.empty() ? "" : "|") + s;
  app->add_option("--status", f->status, "only " + what + " in this state")
      ->check(CLI::IsMember(statuses).description(""))
      ->type_name(states);
  app->add_option("--dept", f->dept, "only this " + dept_is + " (USCC)");
  app->add_flag("--overdue", f->overdue, "only " + overdue_means);
  app->add_option("--limit", f->limit, "at most this many (default 100)");
  return f;
}

}  // namespace credit::cli
