#pragma once
// The one interface commands talk to. In-process for an SQLite file, HTTPS for `credit serve`;
// commands never know which.
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

// "https://host:port" → remote client; anything else is a path to an SQLite store.
std::unique_ptr<Client> make_client(const std::string& store_location, const Clock& clock);

}  // namespace credit::service
