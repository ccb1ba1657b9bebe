#pragma once
// `credit serve`: the service over HTTPS. Each call goes to service::Service::call with the
// caller's bearer token on a connection to the store opened for that request, so authentication,
// permission checks and the audit log are exactly those of a local call; the server only carries
// bytes (protocol: net/protocol.hpp, docs/remote-api.md).
#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#include <functional>

#include "service/call.hpp"
#include "util/json.hpp"

namespace httplib {
class Server;
}

namespace credit::net {

// One line per request: time, peer, action (or method and path), HTTP status, outcome, duration.
// Never the token.
class AccessLog {
 public:
  explicit AccessLog(std::FILE* out) : out_(out) {}  // nullptr: silent (--quiet)
  void write(const std::string& peer, const std::string& what, int status, std::string_view outcome,
             double milliseconds);

 private:
  std::FILE* out_;
  std::mutex mutex_;
};

// Runs one call on the store and returns its result or throws its Error: in `credit serve`, the
// credit binary's service behind the plugin boundary; in unit tests, a Service in-process.
using Dispatch = std::function<Json(service::Call& call)>;

// The remote API's routes on an httplib server: the HTTPS server of `credit serve`, or a plain
// one in unit tests.
class ApiRoutes {
 public:
  struct Backend {
    Dispatch dispatch;
    AccessLog& log;
    std::atomic<int> calls_in_flight{0};
    std::atomic<bool> stopping{false};
    std::function<void(const std::string& address, int port)> answered = nullptr;
  };
  ApiRoutes(Dispatch dispatch, AccessLog& log) : backend_{std::move(dispatch), log} {}
  // Told of every answered request (its peer's address and port), for the connection guard.
  void on_answered(std::function<void(const std::string& address, int port)> f) {
    backend_.answered = std::move(f);
  }
  // The routes capture this object: it must outlive the server's last request.
  void install(httplib::Server& server);

  // For a graceful stop: new calls are refused from now on (503, store_unavailable) while the
  // calls in flight finish; idle() tells when none is left.
  void stop_accepting() { backend_.stopping = true; }
  bool idle() const { return backend_.calls_in_flight.load() == 0; }

 private:
  Backend backend_;
};

struct HttpsServerOptions {
  std::string store;      // the SQLite store (a path), for messages
  std::string listen;     // HOST:PORT; port 0 picks a free port and prints it
  std::string cert_file;  // PEM certificate (with its chain)
  std::string key_file;   // PEM private key
  int threads = 32;
  int connections_per_address = 8;
  int header_timeout = 10;  // seconds
};

// Checks the TLS files, listens, prints "listening on https://HOST:PORT" to stderr, and serves
// until SIGTERM or SIGINT, letting requests in flight finish. Notes and the access log go to `err`
// unless it is null (--quiet). Throws Error for a start-up problem.
void run_https_server(const HttpsServerOptions& options, Dispatch dispatch, std::FILE* err);

}  // namespace credit::net
