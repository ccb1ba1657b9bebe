#include "cli/suggest.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <numeric>

namespace credit::cli {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rows of the dynamic-programming table are enough for the adjacent-swap rule.
  std::vector<std::size_t> before(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  std::iota(prev.begin(), prev.end(), 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], before[j - 2] + 1);
    }
    before.swap(prev);
    prev.swap(cur);
  }
  return prev[b.size()];
}

std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates) {
  // A third of the word may be wrong (at least one letter): "imprt" finds "import", "x" finds
  // nothing.
  const std::size_t limit = std::max<std::size_t>(1, word.size() / 3);
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const std::string& candidate : candidates) {
    std::size_t d = edit_distance(word, candidate);
    // A prefix of a long name ("--form" for "--format") is as good as a typo.
    if (word.size() >= 3 && candidate.starts_with(word)) d = std::min<std::size_t>(d, 1);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

std::vector<std::string> visible_subcommands(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub :
       app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); }))
    names.push_back(sub->get_name());
  return names;
}

const CLI::App* find_subcommand(const CLI::App& app, std::string_view name) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    if (sub->check_name(std::string(name))) return sub;
  return nullptr;
}

namespace {

// The option `name` as `app` or one of its parents understands it (global options fall through).
const CLI::Option* find_option(const CLI::App& app, const std::string& name) {
  for (const CLI::App* a = &app; a != nullptr; a = a->get_parent())
    if (const CLI::Option* opt = a->get_option_no_throw(name)) return opt;
  return nullptr;
}

std::vector<std::string> option_names(const CLI::App& app, bool long_names) {
  std::vector<std::string> names;
  for (const CLI::App* a = &app; a != nullptr; a = a->get_parent())
    for (const CLI::Option* opt : a->get_options()) {
      if (long_names)
        for (const std::string& n : opt->get_lnames())
          names.push_back("--" + n);
      else
        for (const std::string& n : opt->get_snames())
          names.push_back("-" + n);
    }
  return names;
}

// "user add": the command path below the program name.
std::string command_path(const CLI::App& app) {
  std::string path;
  for (const CLI::App* a = &app; a->get_parent() != nullptr; a = a->get_parent())
    path = path.empty() ? a->get_name() : a->get_name() + " " + path;
  return path;
}

std::string with_path(const CLI::App& app, std::string_view word) {
  const std::string path = command_path(app);
  return path.empty() ? std::string(word) : fmt::format("{} {}", path, word);
}

std::optional<std::string> unknown_option(const CLI::App& app, const std::string& name) {
  const bool is_long = name.starts_with("--");
  std::string message = fmt::format("unknown option '{}'", name);
  if (auto guess = closest(name, option_names(app, is_long)))
    message += fmt::format(" — did you mean '{}'?", *guess);
  return message;
}

std::optional<std::string> unknown_command(const CLI::App& app, std::string_view word) {
  std::string message = fmt::format("unknown command '{}'", with_path(app, word));
  if (auto guess = closest(word, visible_subcommands(app)))
    message += fmt::format(" — did you mean '{}'?", with_path(app, *guess));
  return message;
}

bool takes_value(const CLI::Option& opt) {
  return opt.get_type_size_max() > 0;
}

}  // namespace

std::optional<std::string> explain_unknown_word(const CLI::App& root, int argc, char** argv) {
  const CLI::App* current = &root;
  bool options_ended = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") {
      options_ended = true;
      continue;
    }
    if (!options_ended && arg.size() > 1 && arg[0] == '-') {
      const std::string name = arg.substr(0, arg.find('='));
      // "-ojson": a short option with its value attached.
      const std::string lookup = name.starts_with("--") ? name : name.substr(0, 2);
      const CLI::Option* opt = find_option(*current, lookup);
      if (opt == nullptr) return unknown_option(*current, lookup);
      if (takes_value(*opt) && name == arg && lookup == arg) ++i;  // the value is the next word
      continue;
    }
    const CLI::App* sub = find_subcommand(*current, arg);
    if (sub != nullptr) {
      current = sub;
      continue;
    }
    // A word that is not a command is an argument, unless this level only has commands.
    if (!visible_subcommands(*current).empty() &&
        current->get_options([](const CLI::Option* o) { return o->get_positional(); }).empty())
      return unknown_command(*current, arg);
  }
  const std::vector<std::string> names = visible_subcommands(*current);
  if (current->get_require_subcommand_min() > 0 && !names.empty()) {
    const std::string path = command_path(*current);
    return fmt::format("`credit{}{}` needs a command: {}", path.empty() ? "" : " ", path,
                       fmt::join(names, ", "));
  }
  return std::nullopt;
}

}  // namespace credit::cli
