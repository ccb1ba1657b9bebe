#include "net/remote.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "net/call_bridge.hpp"
#include "service/action.hpp"
#include "service/service.hpp"
#include "service/writer_queue.hpp"
#include "store/store.hpp"
#include "util/error.hpp"
#include "util/private_file.hpp"

namespace credit::net {

namespace {

// Next to the binary (a build tree), the installed lib/credit, or CREDIT_NET_PLUGIN.
std::vector<std::string> plugin_candidates() {
  std::vector<std::string> out;
  if (const char* env = std::getenv("CREDIT_NET_PLUGIN"); env && *env) out.push_back(env);
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    out.push_back((exe.parent_path() / "credit-net.so").string());
    out.push_back((exe.parent_path().parent_path() / "lib" / "credit" / "credit-net.so").string());
  }
  return out;
}

const credit_net_plugin& plugin() {
  static std::once_flag once;
  static const credit_net_plugin* loaded = nullptr;
  static std::string problem;
  std::call_once(once, [] {
    for (const auto& path : plugin_candidates()) {
      void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (handle == nullptr) {
        if (std::filesystem::exists(path)) problem = ::dlerror();
        continue;
      }
      auto entry =
          reinterpret_cast<const credit_net_plugin* (*)()>(::dlsym(handle, "credit_net_plugin_v1"));
      if (entry && entry()->abi_version == CREDIT_NET_ABI_VERSION) {
        loaded = entry();
        return;
      }
      problem = fmt::format("{} is a network plugin of another credit version", path);
    }
  });
  if (loaded == nullptr)
    throw Error(ErrorCode::store_unavailable,
                problem.empty() ? "credit's network plugin (credit-net.so) is not installed"
                                : "credit's network plugin cannot be loaded: " + problem,
                "remote stores and `credit serve` need credit-net.so next to the credit binary "
                "or in lib/credit of its installation (or CREDIT_NET_PLUGIN=PATH)");
  return *loaded;
}

class PluginClient : public service::Client {
 public:
  explicit PluginClient(void* handle) : handle_(handle) {}
  ~PluginClient() override { plugin().client_close(handle_); }

  Json call(service::Call& call) override {
    OutgoingCall outgoing(call);
    char* envelope = plugin().client_call(handle_, outgoing.get());
    try {
      return open_envelope(envelope);
    } catch (...) {
      outgoing.rethrow_callback_failure();  // a file that could not be read explains it best
      throw;
    }
  }

 private:
  void* handle_;
};

struct ServeContext {
  std::string store_path;
  Clock clock;
  service::WriterQueue writers;  // writes run in arrival order, one at a time
};

// Reads never queue (their entries go to the side log when the store is busy), nor do exports,
// which stream long after their entry is written.
bool writes(const std::string& action) {
  const service::ActionDef* def = service::action_registry().find(action);
  return def != nullptr && def->access == service::Access::write;
}

// Runs on the plugin's server threads: one store connection per call, as local_client does.
char* dispatch(void* context, const credit_call* c) {
  try {
    auto* ctx = static_cast<ServeContext*>(context);
    service::Call call = incoming_call(*c);
    if (call.action == "store.init")
      fail(ErrorCode::usage, "a store is created on its own machine, not through `credit serve`",
           "run `credit init --store PATH` on the server");
    auto store = call.action == "store.migrate" ? store::Store::open_any_version(ctx->store_path)
                                                : store::Store::open(ctx->store_path);
    service::Service service(*store, ctx->clock);
    if (!writes(call.action)) return result_envelope(service.call(call));
    // The store's own wait (10 minutes) then applies only to writers outside this server.
    ctx->writers.wait_turn();
    service::WriterQueue::Turn turn(ctx->writers);
    return result_envelope(service.call(call));
  } catch (...) {
    return error_envelope_from_current_exception();
  }
}

}  // namespace

std::unique_ptr<service::Client> make_remote_client(const std::string& base_url,
                                                    const RemoteOptions& options) {
  char* error = nullptr;
  void* handle = plugin().client_open(
      base_url.c_str(), options.cacert.empty() ? nullptr : options.cacert.c_str(), &error);
  if (handle == nullptr) open_envelope(error);  // throws the plugin's error
  return std::make_unique<PluginClient>(handle);
}

PostOutcome post_files(const PostRequest& request) {
  std::vector<const char*> headers;
  for (const auto& h : request.headers)
    headers.push_back(h.c_str());
  std::vector<credit_post_part> parts;
  for (const auto& p : request.parts)
    parts.push_back({p.name.c_str(), p.filename.c_str(), p.path.c_str(), p.content_type.c_str()});
  credit_post_request c{request.url.c_str(),
                        request.cacert.empty() ? nullptr : request.cacert.c_str(),
                        headers.data(),
                        headers.size(),
                        parts.data(),
                        parts.size(),
                        request.max_attempts,
                        request.timeout_ms,
                        request.connect_timeout_ms,
                        request.retry_delay_ms};
  credit_post_result r{};
  plugin().post_files(&c, &r);
  auto take = [](char* text) {
    std::string out = text ? text : "";
    std::free(text);
    return out;
  };
  PostOutcome outcome;
  outcome.accepted = r.error == nullptr;
  outcome.retryable = r.retryable != 0;
  outcome.status = r.status;
  outcome.attempts = r.attempts;
  outcome.body = take(r.body);
  outcome.error = take(r.error);
  outcome.log = take(r.log);
  return outcome;
}

void serve_store(const ServeOptions& options, const Clock& clock) {
  store::Store::open(options.store);  // refuse a missing store, or one needing migration, first
  require_private_file(options.key_file, "TLS private key (--key)", ErrorCode::bad_input,
                       Sharing::owner_only);
  ServeContext context{options.store, clock, {}};
  Json plugin_options = {{"store", options.store},
                         {"listen", options.listen},
                         {"cert", options.cert_file},
                         {"key", options.key_file},
                         {"threads", options.threads},
                         {"quiet", options.quiet},
                         {"connections_per_address", options.connections_per_address},
                         {"header_timeout", options.header_timeout}};
  char* outcome = plugin().serve(plugin_options.dump().c_str(), dispatch, &context);
  if (outcome != nullptr) open_envelope(outcome);  // throws the start-up or serving error
}

}  // namespace credit::net
