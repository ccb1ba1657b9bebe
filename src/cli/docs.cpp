#include "cli/docs.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <functional>
#include <sstream>

#include "cli/app.hpp"
#include "cli/command.hpp"
#include "util/error.hpp"

namespace credit::cli {

namespace {

// ---- a plain model of the command tree, read from CLI11 ----

struct OptionInfo {
  std::vector<std::string> longs, shorts;
  std::string positional;  // the name when positional
  std::string description, type;
  std::string env;
  bool flag = false, required = false, multiple = false;
  bool is_file() const { return type == kFileType || type == kDirType; }
  std::vector<std::string> choices() const {
    std::vector<std::string> out;
    if (type.find('|') == std::string::npos) return out;
    std::stringstream in(type);
    for (std::string item; std::getline(in, item, '|');)
      out.push_back(item);
    return out;
  }
  std::string spelled() const {  // "-q, --quiet"
    std::string out;
    for (const auto& s : shorts)
      out += (out.empty() ? "-" : ", -") + s;
    for (const auto& l : longs)
      out += (out.empty() ? "--" : ", --") + l;
    return out;
  }
};

struct CommandNode {
  std::vector<std::string> path;  // {"user", "add"}
  std::string summary;
  std::vector<OptionInfo> options;
  std::vector<CommandNode> children;
  std::string joined(char sep) const {
    std::string out;
    for (const auto& p : path)
      out += (out.empty() ? "" : std::string(1, sep)) + p;
    return out;
  }
};

OptionInfo read_option(const CLI::Option* opt) {
  OptionInfo info;
  info.longs = opt->get_lnames();
  info.shorts = opt->get_snames();
  if (info.longs.empty() && info.shorts.empty()) info.positional = opt->get_name(true, false);
  info.description = opt->get_description();
  info.type = opt->get_type_name();
  info.env = opt->get_envname();
  info.flag = opt->get_expected_max() == 0;
  info.required = opt->get_required();
  info.multiple = opt->get_expected_max() > 1;
  return info;
}

CommandNode read_tree(const CLI::App& app, std::vector<std::string> path) {
  CommandNode node;
  node.path = path;
  node.summary = app.get_description();
  for (const CLI::Option* opt : app.get_options()) {
    if (opt == app.get_help_ptr() || opt->get_group().empty() ||
        opt->get_lnames() == std::vector<std::string>{"help-all"})
      continue;
    node.options.push_back(read_option(opt));
  }
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_group().empty()) continue;  // hidden
    auto child_path = path;
    child_path.push_back(sub->get_name());
    node.children.push_back(read_tree(*sub, child_path));
  }
  return node;
}

const CommandDef* find_def(std::string_view name) {
  for (const CommandDef* def : command_table())
    if (def->name == name) return def;
  return nullptr;
}

// ---- roff ----

std::string roff(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else
      out += c;
    line_start = c == '\n';
  }
  return out;
}

std::string paragraphs(std::string_view text) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find("\n\n", start);
    std::string_view para =
        text.substr(start, end == std::string_view::npos ? text.npos : end - start);
    if (!para.empty()) out += ".PP\n" + roff(para) + "\n";
    if (end == std::string_view::npos) break;
    start = end + 2;
  }
  return out;
}

std::string synopsis(const CommandNode& node) {
  std::string out = "\\fBcredit " + roff(node.joined(' ')) + "\\fR";
  if (!node.children.empty()) return out + " \\fISUBCOMMAND\\fR [\\fIOPTIONS\\fR]";
  for (const auto& o : node.options)
    if (!o.positional.empty()) {
      std::string name = "\\fI" + roff(o.positional) + "\\fR" + (o.multiple ? "..." : "");
      out += " " + (o.required ? name : "[" + name + "]");
    }
  for (const auto& o : node.options)
    if (o.required && o.positional.empty())
      out += " \\fB\\-\\-" + roff(o.longs.front()) + "\\fR \\fI" + roff(o.type) + "\\fR";
  bool optional = std::any_of(node.options.begin(), node.options.end(), [](const OptionInfo& o) {
    return !o.required && o.positional.empty();
  });
  return optional ? out + " [\\fIOPTIONS\\fR]" : out;
}

std::string option_items(const std::vector<OptionInfo>& options) {
  std::string out;
  for (const auto& o : options) {
    out += ".TP\n";
    if (!o.positional.empty()) {
      out += "\\fI" + roff(o.positional) + "\\fR\n";
    } else {
      out += "\\fB" + roff(o.spelled()) + "\\fR";
      if (!o.flag) out += " \\fI" + roff(o.type.empty() ? "VALUE" : o.type) + "\\fR";
      out += "\n";
    }
    std::string desc = o.description;
    if (o.required && o.positional.empty()) desc += " (required)";
    if (!o.env.empty()) desc += " [env: " + o.env + "]";
    out += roff(desc) + "\n";
  }
  return out;
}

std::string examples_section(const std::vector<Example>& examples) {
  if (examples.empty()) return {};
  std::string out = ".SH EXAMPLES\n";
  for (const auto& ex : examples) {
    out +=
        ".PP\n" + roff(ex.explanation) + "\n.PP\n.RS 4\n.nf\n" + roff(ex.command) + "\n.fi\n.RE\n";
  }
  return out;
}

std::string header(std::string_view title, std::string_view name, std::string_view summary) {
  return fmt::format(
      ".\\\" Generated by `credit generate man` from the command definitions. Do not edit.\n"
      ".TH {} 1 \"\" \"credit {}\" \"credit manual\"\n.SH NAME\n{} \\- {}\n",
      title, CREDIT_VERSION, roff(name), roff(summary));
}

std::string command_page(const CommandNode& node, const CommandDef& def) {
  std::string name = "credit-" + node.joined('-');
  std::string upper = name;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  std::string out = header(upper, name, node.summary);
  out += ".SH SYNOPSIS\n" + synopsis(node) + "\n";
  out += ".SH DESCRIPTION\n" + paragraphs(def.description.empty() ? node.summary : def.description);
  std::vector<OptionInfo> own;
  for (const auto& o : node.options)
    own.push_back(o);
  if (!own.empty()) out += ".SH OPTIONS\n" + option_items(own);
  if (!node.children.empty()) {
    out += ".SH SUBCOMMANDS\n";
    std::function<void(const CommandNode&)> emit = [&](const CommandNode& child) {
      out += ".SS " + roff("credit " + child.joined(' ')) + "\n";
      out += roff(child.summary) + "\n.PP\n" + synopsis(child) + "\n";
      if (!child.options.empty()) out += option_items(child.options);
      for (const auto& grandchild : child.children)
        emit(grandchild);
    };
    for (const auto& child : node.children)
      emit(child);
  }
  out += examples_section(def.examples);
  out += ".SH SEE ALSO\n\\fBcredit\\fR(1)\n";
  return out;
}

std::string main_page(const CommandNode& root) {
  std::string out = header("CREDIT", "credit", std::string(kProgramSummary));
  out +=
      ".SH SYNOPSIS\n\\fBcredit\\fR [\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR]\n";
  out += ".SH DESCRIPTION\n" + paragraphs(kProgramDescription);
  out += ".SH COMMANDS\n";
  for (const auto& child : root.children) {
    out += ".TP\n\\fBcredit " + roff(child.joined(' ')) + "\\fR\n" + roff(child.summary) +
           " See \\fBcredit\\-" + roff(child.joined('-')) + "\\fR(1).\n";
  }
  out += ".SH GLOBAL OPTIONS\n" + option_items(root.options);
  out += R"(.SH ENVIRONMENT
.TP
.B CREDIT_STORE
The store, as for \fB\-\-store\fR.
.TP
.B CREDIT_TOKEN
The access token, as for \fB\-\-token\fR; used only when neither \fB\-\-token\fR nor \fB\-\-token\-file\fR is given (an explicit option always wins over the environment).
.TP
.B CREDIT_TOKEN_FILE
A file holding the access token, as for \fB\-\-token\-file\fR; used only when neither \fB\-\-token\fR, \fB\-\-token\-file\fR nor \fBCREDIT_TOKEN\fR is given.
.TP
.B CREDIT_WAIT
How long a command waits for another command's hold on the store, as for \fB\-\-wait\fR.
.TP
.B CREDIT_NOW
Simulated current time, an ISO 8601 timestamp (\fB2026\-05\-01T09:00:00+08:00\fR, or a date). Every date rule uses it; audit entries record both the real and the simulated time. For tests and back\-dated reports.
.TP
.B CREDIT_SHARE
The directory of the data files (policy profiles, calendar); by default the installed \fIshare/credit\fR.
.TP
.B NO_COLOR
When set and not empty, no colour is used. Colour is only ever used on a terminal.
.TP
.B CREDIT_SYSTEM_CONFIG
Replaces the path of the system configuration file \fI/etc/credit/credit.toml\fR.
.TP
.B XDG_CONFIG_HOME
The user's configuration file is \fI$XDG_CONFIG_HOME/credit/credit.toml\fR (by default \fI~/.config/credit/credit.toml\fR).
.PP
Precedence: command line, then the \fB\-\-config\fR files (the last first), then the user's and the system configuration file, then the environment.
.SH FILES
.TP
.I /etc/credit/credit.toml
The system configuration: TOML, keys are the long option names without dashes, a \fB[section]\fR holds one command's options (\fB[import]\fR). Read first, then \fI~/.config/credit/credit.toml\fR, then each \fB\-\-config\fR file. An unknown key or section is an error naming the closest valid one.
.TP
.I store.db
The SQLite store (with \fIstore.db\-wal\fR and \fIstore.db\-shm\fR beside it while in use, and \fIstore.db\-holder\fR naming the command that holds it for writing, for those waiting). It holds the audit signing key, the HMAC key and clear ID numbers: \fBcredit init\fR creates it mode 0600 (the WAL files take its mode), and a store, \-wal or \-shm that others may read, or that its group may write, is refused (exit 8) \- mode 0640 lets a group of the administrator's choice (e.g. a backup group) read it. A store in a directory that every user may write (without the sticky bit) is refused too. Back it up with \fBsqlite3 store.db ".backup copy.db"\fR and \fBchmod 600 copy.db\fR (sqlite3 creates it 0644).
.TP
.I share/credit/migrations/
The schema migrations, applied by \fBcredit init\fR and \fBcredit migrate\fR.
.TP
.I share/credit/policy/
Policy profiles: severity rules, publicity periods, repair rules, masking.
.TP
.I share/credit/calendar/
The working\-day calendar, one file a year.
.SH EXIT STATUS
)";
  out += ".TP\n.B 0\nsuccess.\n";
  for (const auto& doc : exit_code_docs())
    out += fmt::format(".TP\n.B {}\n{} ({}).\n", exit_code(doc.code), roff(doc.meaning),
                       roff(doc.name));
  out +=
      ".TP\n.B 141\nthe reader of standard output went away (\\fBcredit query ... | head\\fR): the "
      "command stops quietly, as git does; the status a shell reports for SIGPIPE. Any other "
      "failure to write standard output (a full disk, \\fB> /dev/full\\fR) is an error with a "
      "message (exit 1).\n";
  std::vector<Example> examples;
  for (const CommandDef* def : command_table())
    if (!def->hidden && !def->examples.empty()) examples.push_back(def->examples.front());
  out += examples_section(examples);
  out += ".SH SEE ALSO\n";
  std::string sep;
  for (const auto& child : root.children) {
    out += sep + "\\fBcredit\\-" + roff(child.joined('-')) + "\\fR(1)";
    sep = ", ";
  }
  out += "\n";
  return out;
}

// ---- completions ----

void collect(const CommandNode& node, std::vector<const CommandNode*>& all) {
  all.push_back(&node);
  for (const auto& child : node.children)
    collect(child, all);
}

std::string slash_path(const CommandNode& node) {
  std::string out;
  for (const auto& p : node.path)
    out += "/" + p;
  return out;
}

std::string words(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items)
    out += (out.empty() ? "" : " ") + i;
  return out;
}

std::vector<std::string> option_words(const std::vector<OptionInfo>& options) {
  std::vector<std::string> out;
  for (const auto& o : options) {
    for (const auto& l : o.longs)
      out.push_back("--" + l);
    for (const auto& s : o.shorts)
      out.push_back("-" + s);
  }
  return out;
}

std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string bash_completion(const CommandNode& root) {
  std::vector<const CommandNode*> all;
  collect(root, all);
  std::string paths, values, lists;
  for (const CommandNode* n : all) {
    if (!n->path.empty())
      paths += fmt::format("      \"{}\") path=\"$path/$w\" ;;\n", slash_path(*n));
    std::vector<std::string> subs;
    for (const auto& c : n->children)
      subs.push_back(c.path.back());
    lists += fmt::format("    \"{}\") subs=\"{}\"; opts=\"{}\" ;;\n", slash_path(*n), words(subs),
                         words(option_words(n->options)));
    for (const auto& o : n->options) {
      if (o.flag || o.positional.size()) continue;
      std::string pattern = n->path.empty() ? "*" : "\"" + slash_path(*n) + "\"";
      for (const auto& l : o.longs) {
        if (!o.choices().empty())
          values +=
              fmt::format("    {}:--{}) COMPREPLY=($(compgen -W \"{}\" -- \"$cur\")); return ;;\n",
                          pattern, l, words(o.choices()));
        else if (o.is_file())
          values += fmt::format("    {}:--{}) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n",
                                pattern, l);
        else
          values += fmt::format("    {}:--{}) return ;;\n", pattern, l);
      }
    }
  }
  return fmt::format(
      R"(# bash completion for credit. Generated by `credit generate completions`; do not edit.
_credit() {{
  local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="${{COMP_WORDS[COMP_CWORD-1]}}"
  local path="" w i subs opts
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="${{COMP_WORDS[i]}}"
    case "$path/$w" in
{}    esac
  done
  case "$path:$prev" in
{}  esac
  case "$path" in
{}  esac
  local globals="{}"
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts $globals" -- "$cur"))
  elif [[ -n "$subs" ]]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}}
complete -F _credit credit
)",
      paths, values, lists, words(option_words(root.options)));
}

std::string zsh_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ':') out += '\\';
    if (c == '\'') {
      out += "'\\''";
      continue;
    }
    out += c;
  }
  return out;
}

std::string zsh_completion(const CommandNode& root) {
  std::vector<const CommandNode*> all;
  collect(root, all);
  std::string paths, values, lists;
  for (const CommandNode* n : all) {
    if (!n->path.empty()) paths += fmt::format("      \"{}\") p=\"$p/$w\" ;;\n", slash_path(*n));
    std::string subs, opts;
    for (const auto& c : n->children)
      subs += fmt::format(" '{}:{}'", c.path.back(), zsh_escape(c.summary));
    for (const auto& o : n->options)
      for (const auto& w : option_words({o}))
        opts += fmt::format(" '{}:{}'", w, zsh_escape(o.description));
    lists += fmt::format("    \"{}\") subs=({}); opts=({}) ;;\n", slash_path(*n), subs, opts);
    for (const auto& o : n->options) {
      if (o.flag || o.positional.size()) continue;
      std::string pattern = n->path.empty() ? "*" : "\"" + slash_path(*n) + "\"";
      for (const auto& l : o.longs) {
        if (!o.choices().empty())
          values += fmt::format("    {}:--{}) compadd -- {}; return ;;\n", pattern, l,
                                words(o.choices()));
        else if (o.is_file())
          values += fmt::format("    {}:--{}) _files; return ;;\n", pattern, l);
        else
          values += fmt::format("    {}:--{}) return ;;\n", pattern, l);
      }
    }
  }
  std::string globals;
  for (const auto& o : root.options)
    for (const auto& w : option_words({o}))
      globals += fmt::format(" '{}:{}'", w, zsh_escape(o.description));
  return fmt::format(R"(#compdef credit
# zsh completion for credit. Generated by `credit generate completions`; do not edit.
_credit() {{
  local p="" w i
  local -a subs opts globals
  for ((i = 2; i < CURRENT; i++)); do
    w="${{words[i]}}"
    case "$p/$w" in
{}    esac
  done
  case "$p:${{words[CURRENT-1]}}" in
{}  esac
  case "$p" in
{}  esac
  globals=({})
  if [[ "$PREFIX" == -* ]]; then
    _describe -t options 'option' opts -- globals
  elif (( ${{#subs}} )); then
    _describe -t commands 'command' subs
  else
    _files
  fi
}}
_credit "$@"
)",
                     paths, values, lists, globals);
}

std::string fish_completion(const CommandNode& root) {
  std::vector<const CommandNode*> all;
  collect(root, all);
  std::string cases, lines;
  for (const CommandNode* n : all) {
    if (!n->path.empty()) cases += " \"" + slash_path(*n) + "\"";
    std::string cond = fmt::format("test (__credit_path) = '{}'", slash_path(*n));
    for (const auto& c : n->children)
      lines += fmt::format("complete -c credit -n \"{}\" -a {} -d {}\n", cond, c.path.back(),
                           shell_quote(c.summary));
    for (const auto& o : n->options) {
      if (!o.positional.empty()) continue;
      std::string spec = n->path.empty() ? "complete -c credit"
                                         : fmt::format("complete -c credit -n \"{}\"", cond);
      for (const auto& l : o.longs)
        spec += " -l " + l;
      for (const auto& s : o.shorts)
        spec += " -s " + s;
      if (!o.flag) {
        if (!o.choices().empty())
          spec += " -x -a " + shell_quote(words(o.choices()));
        else if (o.is_file())
          spec += " -r -F";
        else
          spec += " -x";
      }
      lines += spec + " -d " + shell_quote(o.description) + "\n";
    }
  }
  return fmt::format(
      R"(# fish completion for credit. Generated by `credit generate completions`; do not edit.
function __credit_path
    set -l path ""
    for t in (commandline -opc)[2..-1]
        if contains -- "$path/$t"{}
            set path "$path/$t"
        end
    end
    echo $path
end
complete -c credit -f
{})",
      cases, lines);
}

}  // namespace

std::map<std::string, std::string> generate_man_pages(const CLI::App& app) {
  CommandNode root = read_tree(app, {});
  std::map<std::string, std::string> pages;
  pages["credit.1"] = main_page(root);
  for (const auto& child : root.children) {
    const CommandDef* def = find_def(child.path.front());
    if (def) pages["credit-" + child.joined('-') + ".1"] = command_page(child, *def);
  }
  return pages;
}

std::map<std::string, std::string> generate_completions(const CLI::App& app) {
  CommandNode root = read_tree(app, {});
  return {{"credit.bash", bash_completion(root)},
          {"_credit", zsh_completion(root)},
          {"credit.fish", fish_completion(root)}};
}

}  // namespace credit::cli
