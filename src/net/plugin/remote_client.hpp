#pragma once
// The HTTPS client for a remote store served by `credit serve` (protocol: net/protocol.hpp).
#include <memory>
#include <string>

#include "service/client.hpp"

namespace credit::net {

struct HttpsClientOptions {
  std::string cacert;  // PEM file of the CA that signed the server's certificate; empty: system CAs
};

// TLS verification is always on. Throws Error(usage) for a location that is not https://.
std::unique_ptr<service::Client> make_https_client(const std::string& base_url,
                                                   const HttpsClientOptions& options = {});

}  // namespace credit::net
