#pragma once
// What every command gets: the global options (parsed in one place), the output, the clock and the
// client. Commands build requests, call the client and render; they never touch the store.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/output.hpp"
#include "service/call.hpp"
#include "service/client.hpp"
#include "util/clock.hpp"

namespace credit::cli {

struct GlobalOptions {
  std::string store;                   // --store, CREDIT_STORE
  std::string token;                   // --token, CREDIT_TOKEN
  std::string token_file;              // --token-file, CREDIT_TOKEN_FILE
  bool token_on_command_line = false;  // visible to other users in ps: warned about
  std::string cacert;  // --cacert, CREDIT_CACERT: the CA of a remote store's certificate
  std::string format = "table";
  std::string wait = "10m";  // --wait, CREDIT_WAIT: for another command's write lock
  bool quiet = false;
  bool verbose = false;
};

class Context {
 public:
  GlobalOptions options;
  // Set by commands that render whole documents (credit report): --format markdown and html.
  bool document_formats = false;

  io::Output& out();
  const Clock& clock();
  service::Client& client();

  // Sends one call with the caller's token; rows stream to `rows` when given.
  Json call(const std::string& action, Json params, std::vector<service::InputFile> inputs = {},
            service::RowSink rows = {});
  // Sends a call that needs no token (init).
  Json call_anonymous(const std::string& action, Json params);

  // The token from --token, else --token-file, else CREDIT_TOKEN, else CREDIT_TOKEN_FILE (an
  // explicit option always wins over the environment); a token file readable by group or others
  // is refused, and a --token on the command line is warned about.
  std::optional<std::string> token();

  // The files an output of this command must never overwrite: the local store's files and
  // `inputs`. guard_output refuses `path` (given with `option`) when it would (io/output_guard).
  std::vector<std::string> kept_files(const std::vector<std::string>& inputs = {}) const;
  void guard_output(const std::string& path, std::string_view option,
                    const std::vector<std::string>& inputs = {}) const;

 private:
  std::unique_ptr<io::Output> out_;
  bool token_warned_ = false;
  std::optional<Clock> clock_;
  std::unique_ptr<service::Client> client_;
};

// Reads a token file, refusing one that group or others can read.
std::string read_token_file(const std::string& path);

}  // namespace credit::cli
