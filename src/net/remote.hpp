#pragma once
// The credit binary's side of the network: remote stores and `credit serve`, both through the
// network plugin (credit-net.so), which is loaded only when one of them is used — local commands
// never pay for libcurl, cpp-httplib and OpenSSL.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "service/client.hpp"
#include "util/clock.hpp"

namespace credit::net {

struct RemoteOptions {
  std::string cacert;  // PEM file of the CA that signed the server's certificate; empty: system CAs
};

// Throws Error(store_unavailable) when the plugin cannot be loaded, Error(usage) for a location
// that is not https://.
std::unique_ptr<service::Client> make_remote_client(const std::string& base_url,
                                                    const RemoteOptions& options = {});

struct ServeOptions {
  std::string store;   // the SQLite store (a path on this machine)
  std::string listen;  // HOST:PORT; port 0 picks a free port and prints it
  std::string cert_file;
  std::string key_file;
  int threads = 32;
  int connections_per_address = 8;  // open at once from one client address
  int header_timeout = 10;          // seconds from connect (or an answer) to a request's headers
  bool quiet = false;
};

// A POST of files to a receiver such as the credit portal, with retries (plugin_abi.h).
struct PostPart {
  std::string name, filename, path, content_type;
};
struct PostRequest {
  std::string url, cacert;
  std::vector<std::string> headers;  // "Name: value"
  std::vector<PostPart> parts;
  int max_attempts = 5;
  long timeout_ms = 60'000;
  long connect_timeout_ms = 15'000;
  long retry_delay_ms = 2'000;
};
struct PostOutcome {
  bool accepted = false;  // the last answer was 2xx
  bool retryable = false;
  long status = 0;
  int attempts = 0;
  std::string body, error, log;
};
// Loads the network plugin (Error(store_unavailable) when it cannot be); never throws for a
// failed POST: the outcome says what happened.
PostOutcome post_files(const PostRequest& request);

// Checks the store, then serves it over HTTPS until SIGTERM or SIGINT: each call runs through
// service::Service on a connection opened for it, exactly as a local call would.
void serve_store(const ServeOptions& options, const Clock& clock);

}  // namespace credit::net
