#pragma once
// Renderings shared by several commands.
#include <string>

#include "util/json.hpp"

namespace CLI {
class App;
}

namespace credit::cli {

class Context;

// Where an issued token goes: --token-out FILE, or the output (shown once). The file is created
// (mode 0600, never overwriting, never through a symlink) before the call, so that a taken name
// refuses the command before a token is issued; it is removed again if no token comes.
class IssuedToken {
 public:
  // Adds --token-out to `app`.
  void add_option(CLI::App& app);
  // Creates the --token-out file, if one was given; call before the call that issues the token.
  void prepare();
  // Writes the token ({"user", "token"}) to the file, or shows it once with a warning.
  void deliver(Context& ctx, const Json& result);
  ~IssuedToken();

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace credit::cli
