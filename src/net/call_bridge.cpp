#include "net/call_bridge.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>

namespace credit::net {

struct OutgoingCall::Source {
  const service::InputFile* input;
  std::exception_ptr* failure;
};

namespace {

long read_trampoline(void* context, char* buffer, size_t size) {
  auto* source = static_cast<OutgoingCall::Source*>(context);
  try {
    return static_cast<long>(source->input->source->read(buffer, size));
  } catch (...) {
    *source->failure = std::current_exception();
    return -1;
  }
}

int row_trampoline(void* context, const char* json, size_t length) {
  auto* ctx = static_cast<OutgoingCall::Sink*>(context);
  try {
    (*ctx->rows)(Json::parse(std::string_view(json, length)));
    return 0;
  } catch (...) {
    *ctx->failure = std::current_exception();
    return -1;
  }
}

// The other side's reader; its own error stays there, so this one only says that reading stopped.
class CallbackSource : public io::ByteSource {
 public:
  explicit CallbackSource(const credit_input& input) : input_(input) {}
  size_t read(char* buffer, size_t n) override {
    long got = input_.read(input_.context, buffer, n);
    if (got < 0) fail(ErrorCode::bad_input, fmt::format("reading {} was interrupted", label()));
    return static_cast<size_t>(got);
  }
  std::string label() const override { return input_.name ? input_.name : "input"; }

 private:
  credit_input input_;
};

char* copy_text(const std::string& text) {
  char* out = static_cast<char*>(std::malloc(text.size() + 1));
  if (out == nullptr) std::abort();  // nothing sensible can be reported without memory
  std::memcpy(out, text.c_str(), text.size() + 1);
  return out;
}

}  // namespace

OutgoingCall::OutgoingCall(const service::Call& call)
    : params_json_(call.params.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)),
      sink_{call.rows ? &call.rows : nullptr, &failure_} {
  for (const auto& input : call.inputs) {
    sources_.push_back(std::make_unique<Source>(Source{&input, &failure_}));
    inputs_.push_back({input.name.c_str(), read_trampoline, sources_.back().get()});
  }
  c_.action = call.action.c_str();
  c_.params_json = params_json_.c_str();
  c_.token = call.token ? call.token->c_str() : nullptr;
  c_.inputs = inputs_.data();
  c_.input_count = inputs_.size();
  if (sink_.rows) {
    c_.row = row_trampoline;
    c_.row_context = &sink_;
  }
}

OutgoingCall::~OutgoingCall() = default;

void OutgoingCall::rethrow_callback_failure() const {
  if (failure_) std::rethrow_exception(failure_);
}

service::Call incoming_call(const credit_call& c) {
  service::Call call;
  call.action = c.action ? c.action : "";
  try {
    call.params = Json::parse(c.params_json ? c.params_json : "{}");
  } catch (const std::exception&) {
    fail(ErrorCode::bad_input, "the call's parameters are not JSON");
  }
  if (!call.params.is_object())
    fail(ErrorCode::bad_input, "the call's parameters are not an object");
  if (c.token) call.token = c.token;
  for (size_t i = 0; i < c.input_count; ++i)
    call.inputs.push_back({c.inputs[i].name ? c.inputs[i].name : "input",
                           std::make_shared<CallbackSource>(c.inputs[i])});
  if (c.row) {
    call.rows = [row = c.row, context = c.row_context](const Json& value) {
      std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      if (row(context, text.data(), text.size()) != 0)
        fail(ErrorCode::delivery_failed, "the receiver stopped taking rows");
    };
  }
  return call;
}

char* result_envelope(const Json& result) {
  return copy_text(
      Json{{"result", result}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

char* error_envelope(const Error& error) {
  return copy_text(error.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

char* error_envelope_from_current_exception() {
  try {
    throw;
  } catch (const Error& e) {
    return error_envelope(e);
  } catch (const std::exception& e) {
    return error_envelope(Error(ErrorCode::internal, fmt::format("internal error: {}", e.what()),
                                "this is a bug; please report it with the command"));
  } catch (...) {
    return error_envelope(Error(ErrorCode::internal, "internal error"));
  }
}

Json open_envelope(char* text) {
  if (text == nullptr) fail(ErrorCode::internal, "the network plugin returned nothing");
  std::unique_ptr<char, decltype(&std::free)> owned(text, &std::free);
  Json envelope = Json::parse(text, nullptr, false);
  if (envelope.is_object() && envelope.contains("result")) return envelope["result"];
  if (envelope.is_object() && envelope.contains("error")) throw Error::from_json(envelope);
  fail(ErrorCode::internal, "the network plugin returned an unreadable answer");
}

}  // namespace credit::net
