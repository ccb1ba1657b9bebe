#include "net/plugin/protocol.hpp"

#include <fmt/format.h>

namespace credit::net {

namespace {
constexpr int64_t kMaxSafeInteger = (int64_t{1} << 53) - 1;

// Invalid UTF-8 in a value must not stop a response half-way: it is replaced, not thrown.
std::string dump_line(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

Error call_object_error(const std::string& what) {
  return Error(ErrorCode::usage, "the request's call object is not valid: " + what,
               "the client and the server may be different versions; see docs/remote-api.md");
}
}  // namespace

std::string encode_call_object(const CallObject& call) {
  Json object = {{"params", to_wire(call.params)}};
  if (!call.inputs.empty()) object["inputs"] = call.inputs;
  if (call.stream_rows) object["rows"] = "stream";
  return object.dump(-1, ' ', false, Json::error_handler_t::replace);
}

CallObject parse_call_object(std::string_view body) {
  CallObject call;
  if (body.empty()) return call;
  Json object = Json::parse(body, nullptr, false);
  if (object.is_discarded()) throw call_object_error("it is not JSON");
  if (!object.is_object()) throw call_object_error("it is not a JSON object");
  if (object.contains("params")) {
    if (!object["params"].is_object()) throw call_object_error("\"params\" is not an object");
    call.params = std::move(object["params"]);
  }
  if (object.contains("inputs")) {
    const Json& inputs = object["inputs"];
    if (!inputs.is_array()) throw call_object_error("\"inputs\" is not a list");
    if (inputs.size() > kMaxInputs)
      throw call_object_error(fmt::format("more than {} inputs", kMaxInputs));
    for (const auto& name : inputs) {
      if (!name.is_string()) throw call_object_error("\"inputs\" holds a non-string");
      call.inputs.push_back(name.get<std::string>());
    }
  }
  if (object.contains("rows")) {
    if (object["rows"] != "stream") throw call_object_error("\"rows\" is not \"stream\"");
    call.stream_rows = true;
  }
  return call;
}

bool is_valid_action_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '.' || name.back() == '.') return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_')) return false;
  return true;
}

Json to_wire(const Json& value) {
  if (value.is_number_unsigned()) {
    auto n = value.get<uint64_t>();
    return n > static_cast<uint64_t>(kMaxSafeInteger) ? Json(std::to_string(n)) : value;
  }
  if (value.is_number_integer()) {
    auto n = value.get<int64_t>();
    return (n > kMaxSafeInteger || n < -kMaxSafeInteger) ? Json(std::to_string(n)) : value;
  }
  if (value.is_object()) {
    Json out = Json::object();
    for (const auto& [key, item] : value.items())
      out[key] = to_wire(item);
    return out;
  }
  if (value.is_array()) {
    Json out = Json::array();
    for (const auto& item : value)
      out.push_back(to_wire(item));
    return out;
  }
  return value;
}

std::string row_line(const Json& row) {
  return dump_line(Json{{"row", to_wire(row)}});
}

std::string result_line(const Json& result) {
  return dump_line(Json{{"result", to_wire(result)}});
}

std::string error_line(const Error& error) {
  return dump_line(error.to_json());
}

ResponseLine decode_response_line(std::string_view line) {
  Json object = Json::parse(line, nullptr, false);
  auto malformed = [&](const char* what) {
    return Error(ErrorCode::store_unavailable,
                 fmt::format("the server sent a malformed answer ({})", what),
                 "the client and the server may be different versions; compare `credit "
                 "--version` with the server's");
  };
  if (object.is_discarded()) throw malformed("a line is not JSON");
  if (!object.is_object() || object.size() != 1) throw malformed("a line is not a one-key object");
  auto only = object.begin();
  const std::string& key = only.key();
  const Json& value = only.value();
  if (key == "row") return {ResponseLine::Kind::row, value};
  if (key == "result") return {ResponseLine::Kind::result, value};
  if (key == "error") {
    if (!value.is_object() || !value.contains("code") || !value["code"].is_string() ||
        !value.contains("message") || !value["message"].is_string() ||
        (value.contains("hint") && !value["hint"].is_string()))
      throw malformed("an error without code and message");
    return {ResponseLine::Kind::error, object};
  }
  throw malformed("an unknown line kind");
}

void LineSplitter::feed(std::string_view data,
                        const std::function<void(std::string_view)>& on_line) {
  for (;;) {
    size_t newline = data.find('\n');
    size_t line_size = buffer_.size() + (newline == std::string_view::npos ? data.size() : newline);
    if (line_size > max_line_)
      fail(ErrorCode::store_unavailable,
           fmt::format("the server sent an answer line longer than {} bytes", max_line_),
           "the client and the server may be different versions");
    if (newline == std::string_view::npos) {
      buffer_.append(data);
      return;
    }
    if (buffer_.empty()) {
      on_line(data.substr(0, newline));  // the common case: no copy
    } else {
      buffer_.append(data.substr(0, newline));
      std::string line = std::move(buffer_);
      buffer_.clear();
      on_line(line);
    }
    data.remove_prefix(newline + 1);
  }
}

int http_status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::usage:
    case ErrorCode::bad_input:
      return 400;
    case ErrorCode::unauthenticated:
      return 401;
    case ErrorCode::permission_denied:
      return 403;
    case ErrorCode::not_found:
      return 404;
    case ErrorCode::conflict:
      return 409;
    case ErrorCode::policy_refused:
      return 422;
    case ErrorCode::store_unavailable:
      return 503;
    case ErrorCode::delivery_failed:
      return 502;
    case ErrorCode::integrity:
    case ErrorCode::internal:
      return 500;
  }
  return 500;
}

Json version_document() {
  return {{"service", "credit"}, {"version", CREDIT_VERSION}, {"protocol", kProtocolVersion}};
}

void check_version_document(std::string_view body, const std::string& url) {
  Json doc = Json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || doc.value("service", "") != "credit")
    fail(ErrorCode::store_unavailable, fmt::format("{} does not answer like a credit server", url),
         "check the --store URL: it must point at a `credit serve` server");
  int protocol = doc.value("protocol", 0);
  if (protocol != kProtocolVersion)
    fail(ErrorCode::store_unavailable,
         fmt::format("the server at {} runs credit {} (protocol {}), this client credit {} "
                     "(protocol {})",
                     url, doc.value("version", "?"), protocol, CREDIT_VERSION, kProtocolVersion),
         "use the same credit version on both sides");
}

}  // namespace credit::net
