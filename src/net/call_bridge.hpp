#pragma once
// Converts between service::Call and the plugin boundary's C call (plugin_abi.h). Compiled into
// both the credit binary and the plugin: each side turns its own objects into C and back, and no
// exception leaves a callback — a failure is kept on the side it happened on and rethrown there.
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/plugin_abi.h"
#include "service/call.hpp"
#include "util/error.hpp"

namespace credit::net {

// A service::Call seen as a credit_call: its inputs and row sink behind C trampolines.
class OutgoingCall {
 public:
  explicit OutgoingCall(const service::Call& call);
  ~OutgoingCall();
  OutgoingCall(const OutgoingCall&) = delete;
  OutgoingCall& operator=(const OutgoingCall&) = delete;

  const credit_call* get() const { return &c_; }
  // Rethrows what an input or the row sink threw during the call, if anything did.
  void rethrow_callback_failure() const;

  struct Source;  // one per input (plugin_abi's read callback context)
  struct Sink {   // the row callback's context
    const service::RowSink* rows;
    std::exception_ptr* failure;
  };

 private:
  std::string params_json_;
  std::vector<std::unique_ptr<Source>> sources_;
  std::vector<credit_input> inputs_;
  Sink sink_;
  credit_call c_{};
  std::exception_ptr failure_;
};

// A credit_call seen as a service::Call: ByteSources reading through its callbacks and a row sink
// calling its row callback. Throws Error(bad_input) for parameters that are not a JSON object.
service::Call incoming_call(const credit_call& c);

// Envelopes as malloc'd text (the receiver frees them) and back.
char* result_envelope(const Json& result);
char* error_envelope(const Error& error);
char* error_envelope_from_current_exception();
// Frees `text`; returns the result, or throws the Error the envelope holds.
Json open_envelope(char* text);

}  // namespace credit::net
