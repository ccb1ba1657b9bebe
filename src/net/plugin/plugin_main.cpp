// The plugin's one exported symbol: credit_net_plugin_v1 (plugin_abi.h). Every entry point turns
// exceptions into error envelopes; nothing C++ leaves this file.
#include <memory>

#include "net/call_bridge.hpp"
#include "net/plugin/file_post.hpp"
#include "net/plugin/remote_client.hpp"
#include "net/plugin/server.hpp"

namespace credit::net {
namespace {

void* client_open(const char* base_url, const char* cacert, char** error) {
  try {
    HttpsClientOptions options;
    if (cacert) options.cacert = cacert;
    return make_https_client(base_url ? base_url : "", options).release();
  } catch (...) {
    if (error) *error = error_envelope_from_current_exception();
    return nullptr;
  }
}

char* client_call(void* client, const credit_call* c) {
  try {
    service::Call call = incoming_call(*c);
    return result_envelope(static_cast<service::Client*>(client)->call(call));
  } catch (...) {
    return error_envelope_from_current_exception();
  }
}

void client_close(void* client) {
  delete static_cast<service::Client*>(client);
}

char* serve_entry(const char* options_json, credit_dispatch_fn dispatch, void* context) {
  try {
    Json options = Json::parse(options_json ? options_json : "{}");
    HttpsServerOptions serve_options;
    serve_options.store = options.value("store", "");
    serve_options.listen = options.value("listen", "");
    serve_options.cert_file = options.value("cert", "");
    serve_options.key_file = options.value("key", "");
    serve_options.threads = options.value("threads", serve_options.threads);
    serve_options.connections_per_address =
        options.value("connections_per_address", serve_options.connections_per_address);
    serve_options.header_timeout = options.value("header_timeout", serve_options.header_timeout);
    Dispatch through_boundary = [dispatch, context](service::Call& call) {
      OutgoingCall outgoing(call);
      Json result;
      try {
        result = open_envelope(dispatch(context, outgoing.get()));
      } catch (...) {
        outgoing.rethrow_callback_failure();  // the connection's own failure explains it best
        throw;
      }
      return result;
    };
    run_https_server(serve_options, std::move(through_boundary),
                     options.value("quiet", false) ? nullptr : stderr);
    return nullptr;
  } catch (...) {
    return error_envelope_from_current_exception();
  }
}

const credit_net_plugin kPlugin = {CREDIT_NET_ABI_VERSION, client_open, client_call,
                                   client_close,           serve_entry, post_files};

}  // namespace
}  // namespace credit::net

extern "C" __attribute__((visibility("default"))) const credit_net_plugin* credit_net_plugin_v1(
    void) {
  return &credit::net::kPlugin;
}
