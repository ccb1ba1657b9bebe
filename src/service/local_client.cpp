// The in-process client: opens the SQLite store for each call and runs the service on it.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "net/remote.hpp"
#include "service/client.hpp"
#include "service/loading_batch.hpp"
#include "service/service.hpp"
#include "store/store.hpp"
#include "util/error.hpp"

namespace credit::service {

namespace {

class LocalClient : public Client {
 public:
  LocalClient(std::string path, Clock clock, WaitOptions wait)
      : path_(std::move(path)), clock_(std::move(clock)), wait_(std::move(wait)) {}

  Json call(Call& call) override {
    if (call.action == "store.init") return init(call);
    // Only an explicit migration may open a store of an older schema.
    auto store = call.action == "store.migrate" ? store::Store::open_any_version(path_)
                                                : store::Store::open(path_);
    store->wait_for_writers(wait_.limit, notice());
    wait_for_loading_batch(*store, call.action);
    Service service(*store, clock_);
    return service.call(call);
  }

 private:
  Json init(Call& call) {
    std::string admin = call.params.value("admin", "admin");
    int version = call.params.value("schema_version", 0);
    auto store = store::Store::create(path_, version);
    try {
      Service service(*store, clock_);
      return service.bootstrap(admin);
    } catch (...) {
      store.reset();  // never leave a half-made store behind
      for (const char* suffix : {"", "-wal", "-shm"})
        ::unlink((path_ + suffix).c_str());
      throw;
    }
  }

  // Between its chunks a large batch lets other writers in, but not other imports or approvals
  // (refuse_while_loading): those wait for it here like for a write lock, up to --wait, and then
  // run — or, when the wait runs out, are refused as before (exit 8).
  void wait_for_loading_batch(store::Store& store, const std::string& action) {
    if (action != "import.run" && action != "import.approve") return;
    const auto deadline = std::chrono::steady_clock::now() + wait_.limit;
    for (int64_t told = 0;;) {
      auto loading = loading_batch(store.db());
      if (!loading || loading->stale() || std::chrono::steady_clock::now() >= deadline) return;
      if (wait_.notice && loading->batch != told)
        wait_.notice(fmt::format(
            "waiting for import batch {}, loaded by process {} since {} (up to {}; --wait sets "
            "how long)",
            loading->batch, loading->pid, loading->since, store::format_wait(wait_.limit)));
      told = loading->batch;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }

  // Says who holds the store when that changes (not every second: a terminal line each time).
  store::Store::WaitNotice notice() {
    if (!wait_.notice) return {};
    return [this, last = std::string()](const std::optional<store::LockHolder>& holder,
                                        std::chrono::milliseconds) mutable {
      std::string who = holder ? holder->describe() : "another command";
      if (who == last) return;
      last = who;
      wait_.notice(fmt::format("waiting for {} (up to {}; --wait sets how long)", who,
                               store::format_wait(wait_.limit)));
    };
  }

  std::string path_;
  Clock clock_;
  WaitOptions wait_;
};

}  // namespace

std::unique_ptr<Client> make_client(const std::string& location, const Clock& clock,
                                    const std::string& cacert, WaitOptions wait) {
  if (location.empty())
    fail(ErrorCode::usage, "no store given",
         "pass --store PATH (or https://host:port for a `credit serve` server), or set "
         "CREDIT_STORE");
  if (location.rfind("https://", 0) == 0 || location.rfind("http://", 0) == 0)
    return net::make_remote_client(location, {cacert});
  return std::make_unique<LocalClient>(location, clock, std::move(wait));
}

}  // namespace credit::service
