#pragma once
// A request to the service: an action name, JSON parameters, the caller's token, optional input
// files and an optional sink for streamed result rows. The same shape travels over HTTPS.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/byte_source.hpp"
#include "util/json.hpp"

namespace credit::service {

struct InputFile {
  std::string name;  // as the user gave it, for messages
  std::shared_ptr<io::ByteSource> source;
};

// Receives result rows one at a time, so large results (exports, releases) stream.
using RowSink = std::function<void(const Json& row)>;

struct Call {
  std::string action;  // "user.add"
  Json params = Json::object();
  std::optional<std::string> token;
  std::vector<InputFile> inputs;
  RowSink rows;  // may be empty: then actions return their rows in the result
};

}  // namespace credit::service
