#pragma once
// The one interface commands talk to. In-process for an SQLite file, HTTPS for `credit serve`;
// commands never know which.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "service/call.hpp"
#include "util/clock.hpp"

namespace credit::service {

class Client {
 public:
  virtual ~Client() = default;
  // Runs the call; returns the result object or throws credit::Error.
  virtual Json call(Call& call) = 0;
};

// How a command on a store file waits for another command's write lock (--wait).
struct WaitOptions {
  std::chrono::milliseconds limit{std::chrono::minutes(10)};
  // Told, in a sentence, who holds the store whenever that changes while waiting.
  std::function<void(const std::string& message)> notice;
};

// "https://host:port" → remote client; anything else is a path to an SQLite store. `cacert` is a
// PEM file with the CA of a remote server's certificate (empty: the system's CAs). `wait` applies
// to a store file (a server waits as `credit serve` was told).
std::unique_ptr<Client> make_client(const std::string& store_location, const Clock& clock,
                                    const std::string& cacert = {}, WaitOptions wait = {});

}  // namespace credit::service
