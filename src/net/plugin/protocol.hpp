#pragma once
// The remote API's wire format, shared by `credit serve` and the HTTPS client. The protocol is
// described for people in docs/remote-api.md; this file is its one implementation.
//
//   GET  /v1/version            → {"service":"credit","version":"0.1.0","protocol":1}
//   POST /v1/call/ACTION        body: the call object as application/json, or multipart/form-data
//                               with the call object as part "call" and one part "input" per input
//   response                    NDJSON: {"row":{…}}* then one {"result":{…}} or {"error":{…}}
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"
#include "util/json.hpp"

namespace credit::net {

inline constexpr int kProtocolVersion = 1;
inline constexpr const char* kVersionPath = "/v1/version";
inline constexpr const char* kCallPathPrefix = "/v1/call/";
inline constexpr const char* kJsonType = "application/json";
inline constexpr const char* kNdjsonType = "application/x-ndjson";
inline constexpr size_t kMaxCallObjectBytes = size_t{1} << 20;
inline constexpr size_t kMaxLineBytes = size_t{64} << 20;
inline constexpr size_t kMaxInputs = 64;

// What travels with every call besides the action (which is in the path) and the token (which
// is in the Authorization header).
struct CallObject {
  Json params = Json::object();
  std::vector<std::string> inputs;  // the names the user gave, in order; one part each
  bool stream_rows = false;         // rows come back as "row" lines instead of in the result
};

std::string encode_call_object(const CallObject& call);
// Throws Error(usage) naming what is wrong: not JSON, not an object, wrong field types.
CallObject parse_call_object(std::string_view body);

// Actions are lower-case words joined by dots ("user.add"); anything else is refused early.
bool is_valid_action_name(std::string_view name);

// Integers beyond ±(2^53 − 1) travel as decimal strings, so that no JSON reader rounds them
// (DESIGN §5); identifiers are strings already.
Json to_wire(const Json& value);

// One NDJSON line each, newline included.
std::string row_line(const Json& row);
std::string result_line(const Json& result);
std::string error_line(const Error& error);

struct ResponseLine {
  enum class Kind { row, result, error };
  Kind kind;
  Json value;  // the row, the result, or the whole error envelope
};
// Throws Error(store_unavailable) for a line that is not one of the three kinds.
ResponseLine decode_response_line(std::string_view line);

// Splits a byte stream into lines at '\n', however the stream is cut into pieces.
class LineSplitter {
 public:
  explicit LineSplitter(size_t max_line = kMaxLineBytes) : max_line_(max_line) {}
  // Calls on_line for each complete line (without its newline); throws Error(store_unavailable)
  // when a line grows past the limit.
  void feed(std::string_view data, const std::function<void(std::string_view)>& on_line);
  // Bytes received after the last newline: a cut-off stream.
  bool has_partial_line() const { return !buffer_.empty(); }

 private:
  size_t max_line_;
  std::string buffer_;
};

// The HTTP status that goes with an error envelope when the status can still be chosen.
int http_status_for(ErrorCode code);

// The handshake document the server answers at kVersionPath.
Json version_document();
// Throws Error(store_unavailable) with a clear message when `body` is not the version document of
// a server speaking this client's protocol.
void check_version_document(std::string_view body, const std::string& url);

}  // namespace credit::net
