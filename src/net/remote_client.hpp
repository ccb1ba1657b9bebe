#pragma once
// The HTTPS client for a remote store served by `credit serve`.
#include <memory>
#include <string>

#include "service/client.hpp"

namespace credit::net {

std::unique_ptr<service::Client> make_remote_client(const std::string& base_url);

}  // namespace credit::net
