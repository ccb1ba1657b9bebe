// The in-process client: opens the SQLite store for each call and runs the service on it.
#include <fmt/format.h>
#include <unistd.h>

#include "net/remote.hpp"
#include "service/client.hpp"
#include "service/service.hpp"
#include "store/store.hpp"
#include "util/error.hpp"

namespace credit::service {

namespace {

class LocalClient : public Client {
 public:
  LocalClient(std::string path, Clock clock) : path_(std::move(path)), clock_(std::move(clock)) {}

  Json call(Call& call) override {
    if (call.action == "store.init") return init(call);
    // Only an explicit migration may open a store of an older schema.
    auto store = call.action == "store.migrate" ? store::Store::open_any_version(path_)
                                                : store::Store::open(path_);
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

  std::string path_;
  Clock clock_;
};

}  // namespace

std::unique_ptr<Client> make_client(const std::string& location, const Clock& clock,
                                    const std::string& cacert) {
  if (location.empty())
    fail(ErrorCode::usage, "no store given",
         "pass --store PATH (or https://host:port for a `credit serve` server), or set "
         "CREDIT_STORE");
  if (location.rfind("https://", 0) == 0 || location.rfind("http://", 0) == 0)
    return net::make_remote_client(location, {cacert});
  return std::make_unique<LocalClient>(location, clock);
}

}  // namespace credit::service
