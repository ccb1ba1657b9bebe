#include "cli/render.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>

#include "cli/app.hpp"
#include "cli/context.hpp"
#include "util/error.hpp"
#include "util/private_file.hpp"

namespace credit::cli {

void IssuedToken::add_option(CLI::App& app) {
  app.add_option("--token-out", path_,
                 "write the token to FILE, created mode 0600 and never overwritten, instead of "
                 "showing it (so it need not pass through a terminal)")
      ->type_name(kFileType);
}

void IssuedToken::prepare() {
  if (!path_.empty()) fd_ = create_private_file(path_, "--token-out file");
}

IssuedToken::~IssuedToken() {
  if (fd_ < 0) return;
  ::close(fd_);
  ::unlink(path_.c_str());  // no token came: leave no empty file behind
}

void IssuedToken::deliver(Context& ctx, const Json& result) {
  const std::string user = result.at("user").get<std::string>();
  if (fd_ < 0) {
    ctx.out().object(Json{{"user", result.at("user")}, {"token", result.at("token")}});
    ctx.out().note(fmt::format(
        "The token of '{}' is shown only now: save it to a file readable only by its owner "
        "(chmod 600) and use it with --token-file.",
        user));
    return;
  }
  const std::string line = result.at("token").get<std::string>() + "\n";
  const bool ok = ::write(fd_, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                  ::fsync(fd_) == 0;
  const int err = errno;
  ::close(fd_);
  fd_ = -1;
  if (!ok)
    throw Error(ErrorCode::internal,
                fmt::format("the token of '{}' was issued but writing '{}' failed: {}", user, path_,
                            std::strerror(err)),
                "issue a new one with `credit user token`; the one in the file is incomplete");
  if (ctx.out().format() != io::Format::table)
    return ctx.out().object(Json{{"user", user}, {"token_file", path_}});
  ctx.out().say(
      fmt::format("the token of '{}' is in {} (mode 0600); use it with --token-file", user, path_));
}

}  // namespace credit::cli
