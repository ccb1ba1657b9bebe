#include "cli/app.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <sstream>

#include "cli/command.hpp"
#include "cli/config_files.hpp"
#include "cli/context.hpp"
#include "cli/suggest.hpp"
#include "cli/version.hpp"
#include "io/output.hpp"
#include "util/error.hpp"
#include "util/paths.hpp"
#include "util/private_file.hpp"

namespace credit::cli {

const std::string_view kProgramDescription =
    "credit runs a public credit information platform (公共信用信息平台): it imports government "
    "departments' administrative licensing and penalty decisions (双公示) and dishonest-entity "
    "lists, "
    "has reviewers approve imports and credit repairs, publishes records to the credit portal and "
    "withdraws them when their legal publicity period ends, and records every operation in a "
    "hash-chained audit log that an auditor can verify.\n\n"
    "Every command runs as a user with a role (admin, operator, reviewer, publisher, auditor, "
    "viewer) and, for operators and reviewers, a department; the store refuses what the role or "
    "department may not do, and audits the attempt either way. The store is an SQLite file "
    "(embedded) or a `credit serve` server reached over HTTPS.";

namespace {

void add_global_options(CLI::App& app, GlobalOptions& opts) {
  const char* group = "Global options";
  app.add_option("--store", opts.store,
                 "the store: an SQLite file, or https://host:port of `credit serve`")
      ->envname("CREDIT_STORE")
      ->type_name(kFileType)
      ->group(group);
  // No envname: an explicit --token or --token-file must win over CREDIT_TOKEN and
  // CREDIT_TOKEN_FILE, which Context::token() reads only when neither is given.
  app.add_option("--token", opts.token,
                 "your access token (warns: command lines are visible to other users; prefer "
                 "--token-file or CREDIT_TOKEN)")
      ->type_name("TOKEN")
      ->group(group);
  app.add_option("--token-file", opts.token_file,
                 "read the token from FILE, which must be readable only by you (chmod 600); "
                 "--token and --token-file win over CREDIT_TOKEN and CREDIT_TOKEN_FILE")
      ->type_name(kFileType)
      ->group(group);
  app.add_option("--cacert", opts.cacert,
                 "trust the CA certificate in this PEM FILE for an https:// store (a private CA or "
                 "a self-signed server certificate); the server's certificate is always verified")
      ->envname("CREDIT_CACERT")
      ->type_name(kFileType)
      ->group(group);
  app.add_option("-o,--format", opts.format,
                 "output format; json, ndjson and csv are stable interfaces; markdown and html "
                 "for `credit report`")
      ->check(CLI::IsMember({"table", "json", "ndjson", "csv", "markdown", "html"}).description(""))
      ->type_name("table|json|ndjson|csv|markdown|html")
      ->default_str("table")
      ->group(group);
  app.add_option("--wait", opts.wait,
                 "when another command holds the store (an import, an approval …), wait up to "
                 "DURATION for it (30s, 10m, 1h; 0: fail at once), saying on a terminal who holds "
                 "it; then fail with exit 8 naming the holder")
      ->envname("CREDIT_WAIT")
      ->type_name("DURATION")
      ->default_str("10m")
      ->group(group);
  app.add_flag("-q,--quiet", opts.quiet, "print nothing but errors and requested machine output")
      ->group(group);
  app.add_flag("-v,--verbose", opts.verbose, "explain what is being done on stderr")->group(group);
  app.set_config("--config", "",
                 "read options from a TOML FILE (repeatable; later files win, the command line "
                 "wins over all); /etc/credit/credit.toml and ~/.config/credit/credit.toml are "
                 "read first when they exist")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->type_name(kFileType)
      ->group(group);
}

}  // namespace

std::unique_ptr<CLI::App> build_app(Context& ctx, const CommandDef* only) {
  auto app = std::make_unique<CLI::App>(std::string(kProgramSummary), "credit");
  app->fallthrough();  // global options may follow the subcommand
  app->require_subcommand(1);
  app->set_help_all_flag("--help-all", "show help for every command");
  app->footer(
      "Run `credit COMMAND --help` for a command's options; `man credit` for exit codes, "
      "environment and examples.");
  add_global_options(*app, ctx.options);
  app->set_version_flag(
         "--version", [&ctx] { return version_text(ctx); },
         "show the version, the commit, SQLite and libsodium, and the store's schema and policy "
         "when --store is given")
      ->group("Global options");
  for (const CommandDef* def : command_table()) {
    CLI::App* sub = app->add_subcommand(std::string(def->name), std::string(def->summary));
    if (def->hidden) sub->group("");
    if (only == nullptr || only == def) def->setup(*sub, ctx);
  }
  return app;
}

namespace {

// The command a command line invokes: its first word that is not a global option or an
// option's value. nullptr when there is none or --help-all asks for every command.
const CommandDef* invoked_command(int argc, char** argv) {
  static const std::set<std::string_view> valued = {
      "--store", "--token", "--token-file", "--cacert", "--format", "-o", "--config", "--wait"};
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help-all") return nullptr;
    if (valued.count(arg)) {
      ++i;
      continue;
    }
    if (arg.empty() || arg[0] == '-') continue;
    for (const CommandDef* def : command_table())
      if (def->name == arg) return def;
    return nullptr;
  }
  return nullptr;
}

// A --config file that holds a token is a password file: refused, like a token file, when group
// or others may read it.
void check_config_file(int argc, char** argv) {
  std::string path;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--config" && i + 1 < argc) path = argv[i + 1];
    if (arg.rfind("--config=", 0) == 0) path = std::string(arg.substr(9));
  }
  if (path.empty() || !file_exists(path)) return;  // CLI11 reports a missing file
  std::istringstream lines(read_text_file(path));
  for (std::string line; std::getline(lines, line);) {
    auto key = line.find_first_not_of(" \t");
    if (key == std::string::npos || line.compare(key, 5, "token") != 0) continue;
    auto after = line.find_first_not_of(" \t", key + 5);
    if (after != std::string::npos && (line[after] == '=' || line[after] == ':'))
      require_private_file(path, "config file (it holds a token)", ErrorCode::unauthenticated,
                           Sharing::owner_only);
  }
}

}  // namespace

namespace {

// The command line with the default configuration files in front, as if given with --config
// first: an explicit --config and the command line itself come later and win.
std::vector<std::string> with_default_config(int argc, char** argv) {
  std::vector<std::string> args{argv[0]};
  for (const std::string& file : default_config_files()) {
    args.emplace_back("--config");
    args.push_back(file);
  }
  args.insert(args.end(), argv + 1, argv + argc);
  return args;
}

// Every configuration file this run reads is checked against the whole command tree before any
// command runs: an unknown key is an error, not a silently ignored line.
void validate_config_files(Context& ctx, int argc, char** argv) {
  std::vector<std::string> files = default_config_files();
  for (std::string& f : explicit_config_files(argc, argv))
    files.push_back(std::move(f));
  if (files.empty()) return;
  const std::unique_ptr<CLI::App> full = build_app(ctx);
  for (const std::string& f : files)
    validate_config_file(*full, f);
}

int usage_error(Context& ctx, int argc, char** argv, const CLI::ParseError& e) {
  std::optional<std::string> explained;
  try {
    explained = explain_unknown_word(*build_app(ctx), argc, argv);
  } catch (const std::exception&) {
    // the plain message below still says what is wrong
  }
  Error usage(ErrorCode::usage, explained.value_or(e.what()),
              "run `credit --help` or `credit COMMAND --help`");
  ctx.out().error(usage);
  return exit_code(ErrorCode::usage);
}

}  // namespace

namespace {

constexpr int kClosedPipeStatus = 141;

// Standard output is buffered: a full disk (`> /dev/full`) or a reader that went away shows only
// when it is flushed, after the command "succeeded". A reader that went away (`| head`) is not an
// error worth a message: like git, exit quietly with 141, the status a shell reports for SIGPIPE
// (which ends the process the same way when it is not ignored). Any other failure is one.
int check_standard_output(Context& ctx, int rc) {
  errno = 0;
  const bool flushed = std::fflush(stdout) == 0 && std::ferror(stdout) == 0;
  if (flushed) return rc;
  const int err = errno ? errno : io::output_error();
  if (err == EPIPE) return kClosedPipeStatus;
  ctx.out().error(Error(
      ErrorCode::internal,
      fmt::format("writing standard output failed: {}", err ? std::strerror(err) : "write error"),
      "check the free space of the disk the output goes to"));
  return rc ? rc : exit_code(ErrorCode::internal);
}

int run_command(Context& ctx, int argc_in, char** argv_in) {
  std::unique_ptr<CLI::App> app;
  // argv as the user typed it (for messages) and with the default configuration files in front.
  std::vector<std::string> storage = with_default_config(argc_in, argv_in);
  std::vector<char*> args;
  for (std::string& a : storage)
    args.push_back(a.data());
  const int argc = static_cast<int>(args.size());
  char** argv = args.data();
  try {
    validate_config_files(ctx, argc_in, argv_in);
    // Only the invoked command's options are built (a tenth of a short command's start-up);
    // anything that needs the others (--help-all, an unknown or mistyped command) gets the
    // whole tree. Callbacks run only after a successful parse, so a retry runs nothing twice, and
    // it parses the same arguments into the same global options.
    check_config_file(argc, argv);
    for (int i = 1; i < argc; ++i)
      if (std::string_view(argv[i]) == "--token" ||
          std::string_view(argv[i]).rfind("--token=", 0) == 0)
        ctx.options.token_on_command_line = true;
    const CommandDef* only = invoked_command(argc, argv);
    app = build_app(ctx, only);
    try {
      app->parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      if (only == nullptr || e.get_exit_code() == 0) throw;  // help and version are not errors
      app = build_app(ctx);
      app->parse(argc, argv);
    }
    return 0;
  } catch (const CLI::CallForHelp& e) {
    return app->exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app->exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app->exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error(ctx, argc_in, argv_in, e);
  } catch (const Error& e) {
    ctx.out().error(e);
    return exit_code(e.code());
  } catch (const std::exception& e) {
    ctx.out().error(Error(ErrorCode::internal, fmt::format("internal error: {}", e.what()),
                          "this is a bug; please report it with the command that caused it"));
    return exit_code(ErrorCode::internal);
  }
}

}  // namespace

int run(int argc_in, char** argv_in) {
  Context ctx;
  return check_standard_output(ctx, run_command(ctx, argc_in, argv_in));
}

}  // namespace credit::cli
