#include "cli/context.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "domain/text_clean.hpp"
#include "io/output_guard.hpp"
#include "io/progress.hpp"
#include "util/error.hpp"
#include "util/private_file.hpp"

namespace credit::cli {

io::Output& Context::out() {
  if (!out_) {
    out_ =
        std::make_unique<io::Output>(io::parse_format(options.format).value_or(io::Format::table),
                                     options.quiet, options.verbose);
    // Checked once, when the command first writes; the error itself is then shown as a table.
    if (!document_formats && (options.format == "markdown" || options.format == "html"))
      throw Error(ErrorCode::usage,
                  fmt::format("--format {} is for `credit report` only", options.format),
                  "use table, json, ndjson or csv with this command");
  }
  return *out_;
}

const Clock& Context::clock() {
  if (!clock_) clock_ = Clock::from_environment();
  return *clock_;
}

service::Client& Context::client() {
  if (!client_) {
    service::WaitOptions wait;
    auto limit = parse_duration(options.wait);
    if (!limit)
      throw Error(ErrorCode::usage, fmt::format("--wait '{}' is not a duration", options.wait),
                  "write e.g. 30s, 10m or 1h; 0 fails at once when the store is busy");
    wait.limit = *limit;
    // On a terminal only: a script learns who held the store from the error, if it gives up.
    if (io::progress_wanted(stderr, options.quiet))
      wait.notice = [](const std::string& message) { fmt::print(stderr, "{}\n", message); };
    client_ = service::make_client(options.store, clock(), options.cacert, std::move(wait));
    out().info(fmt::format("store: {}", options.store));
  }
  return *client_;
}

std::string read_token_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw Error(ErrorCode::unauthenticated,
                fmt::format("cannot read token file '{}': {}", path, std::strerror(errno)),
                "check the path given with --token-file or CREDIT_TOKEN_FILE");
  try {
    require_private_file(path, "token file", ErrorCode::unauthenticated, Sharing::owner_only, fd);
  } catch (...) {
    ::close(fd);
    throw;
  }
  std::string token(4096, '\0');
  ssize_t got = ::read(fd, token.data(), token.size());
  ::close(fd);
  token.resize(got > 0 ? static_cast<size_t>(got) : 0);
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back())))
    token.pop_back();
  return token;
}

std::optional<std::string> Context::token() {
  if (!options.token.empty()) {
    if (options.token_on_command_line && !token_warned_) {
      token_warned_ = true;
      out().warn(
          "--token on the command line is visible to other users of this machine (ps, "
          "/proc); use --token-file FILE (chmod 600) or CREDIT_TOKEN instead");
    }
    return options.token;
  }
  if (!options.token_file.empty()) return read_token_file(options.token_file);
  if (const char* env = std::getenv("CREDIT_TOKEN"); env && *env) return std::string(env);
  if (const char* env = std::getenv("CREDIT_TOKEN_FILE"); env && *env) return read_token_file(env);
  return std::nullopt;
}

std::vector<std::string> Context::kept_files(const std::vector<std::string>& inputs) const {
  std::vector<std::string> keep = io::store_files(options.store);
  keep.insert(keep.end(), inputs.begin(), inputs.end());
  return keep;
}

void Context::guard_output(const std::string& path, std::string_view option,
                           const std::vector<std::string>& inputs) const {
  io::refuse_clobbering(path, option, kept_files(inputs));
}

Json Context::call(const std::string& action, Json params, std::vector<service::InputFile> inputs,
                   service::RowSink rows) {
  // A file name is bytes (a GBK-named file from a Windows share): messages, results and the audit
  // log are UTF-8 JSON, so they get it with invalid bytes and controls spelled out (\xD5).
  for (auto& input : inputs)
    input.name = domain::escape_controls(input.name);
  service::Call call{action, std::move(params), token(), std::move(inputs), std::move(rows)};
  return client().call(call);
}

Json Context::call_anonymous(const std::string& action, Json params) {
  service::Call call{action, std::move(params), std::nullopt, {}, {}};
  return client().call(call);
}

}  // namespace credit::cli
