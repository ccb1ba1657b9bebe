#include "net/plugin/connection_guard.hpp"

#include <fmt/format.h>
#include <netdb.h>
#include <sys/socket.h>

namespace credit::net {

namespace {
using Clock = std::chrono::steady_clock;

// The peer as httplib names it in Request::remote_addr and remote_port.
bool peer_of(int fd, std::string& address, int& port) {
  sockaddr_storage peer{};
  socklen_t size = sizeof peer;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &size) != 0) return false;
  char host[NI_MAXHOST], service[NI_MAXSERV];
  if (::getnameinfo(reinterpret_cast<sockaddr*>(&peer), size, host, sizeof host, service,
                    sizeof service, NI_NUMERICHOST | NI_NUMERICSERV) != 0)
    return false;
  address = host;
  port = std::atoi(service);
  return true;
}
}  // namespace

ConnectionGuard::ConnectionGuard(ConnectionLimits limits, Notice notice)
    : limits_(limits), notice_(std::move(notice)) {
  // argp carries the guard to on_free; SSL_free calls it for every connection's entry.
  index_ = SSL_get_ex_new_index(0, this, nullptr, nullptr, &ConnectionGuard::on_free);
}

void ConnectionGuard::start() {
  watchdog_ = std::thread([this] { watch(); });
}

ConnectionGuard::~ConnectionGuard() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (watchdog_.joinable()) watchdog_.join();
}

void ConnectionGuard::attach(SSL_CTX& ctx) {
  SSL_CTX_set_app_data(&ctx, this);
  SSL_CTX_set_info_callback(&ctx, &ConnectionGuard::on_info);
}

void ConnectionGuard::on_info(const SSL* ssl, int where, int /*ret*/) {
  if ((where & SSL_CB_HANDSHAKE_START) == 0) return;
  auto* guard = static_cast<ConnectionGuard*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
  if (guard != nullptr) guard->opened(const_cast<SSL*>(ssl));
}

void ConnectionGuard::on_free(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void* argp) {
  if (ptr != nullptr) static_cast<ConnectionGuard*>(argp)->freed(static_cast<Connection*>(ptr));
}

void ConnectionGuard::opened(SSL* ssl) {
  if (SSL_get_ex_data(ssl, index_) != nullptr) return;  // a renegotiation, not a new connection
  const int fd = SSL_get_fd(ssl);
  std::string address;
  int port = 0;
  if (fd < 0 || !peer_of(fd, address, port)) return;
  std::lock_guard<std::mutex> lock(mutex_);
  int& open = per_address_[address];
  if (open >= limits_.per_address) return refuse(fd, address);
  auto* c = new Connection{fd, address, port, false, false, Clock::now() + limits_.header_time};
  ++open;
  by_peer_[{address, port}] = c;
  SSL_set_ex_data(ssl, index_, c);
}

void ConnectionGuard::freed(Connection* c) {
  std::lock_guard<std::mutex> lock(mutex_);
  by_peer_.erase({c->address, c->port});
  if (--per_address_[c->address] <= 0) per_address_.erase(c->address);
  delete c;
}

void ConnectionGuard::refuse(int fd, const std::string& address) {
  ::shutdown(fd, SHUT_RDWR);  // the handshake fails at once; httplib closes and frees it
  Refusals& r = refusals_[address];
  const auto now = Clock::now();
  if (r.count > 0 && now - r.since < std::chrono::minutes(1)) {
    ++r.count;
    return;
  }
  if (notice_)
    notice_(address, r.count > 1 ? fmt::format("closed {} connections over the cap of {} in the "
                                               "last minute",
                                               r.count, limits_.per_address)
                                 : fmt::format("closed a connection: {} are open from this "
                                               "address, the cap",
                                               limits_.per_address));
  r = {1, now};
}

void ConnectionGuard::request_started(const std::string& address, int port) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = by_peer_.find({address, port}); it != by_peer_.end()) it->second->answering = true;
}

void ConnectionGuard::request_answered(const std::string& address, int port) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = by_peer_.find({address, port}); it != by_peer_.end()) {
    it->second->answering = false;
    it->second->deadline = Clock::now() + limits_.header_time;
  }
}

void ConnectionGuard::watch() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stopping_; })) {
    const auto now = Clock::now();
    for (auto& [peer, c] : by_peer_)
      if (!c->answering && !c->closed && now >= c->deadline) {
        ::shutdown(c->fd, SHUT_RDWR);  // the fd stays open until freed() runs: never reused
        c->closed = true;
      }
  }
}

}  // namespace credit::net
