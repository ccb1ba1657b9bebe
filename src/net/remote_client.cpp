#include "net/remote_client.hpp"

#include "util/error.hpp"

namespace credit::net {

std::unique_ptr<service::Client> make_remote_client(const std::string& base_url) {
  fail(ErrorCode::store_unavailable,
       "remote stores (" + base_url + ") are not supported by this build yet",
       "use a local store path");
}

}  // namespace credit::net
