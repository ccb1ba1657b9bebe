#pragma once
// Keeps idle, slow and greedy clients from starving `credit serve` (cpp-httplib serves a
// connection on one worker thread from accept to close). Every TLS connection is known from its
// first handshake step (an OpenSSL info callback, before any byte is read) to SSL_free (an
// ex_data destructor); a watchdog closes the connections that have not completed a request's
// headers within the header timeout (an idle TCP connection, a slow handshake, headers sent a
// byte at a time), and an address already holding its cap of connections has the next closed at
// once. A request being answered is never cut: its body and answer have httplib's own timeouts.
#include <openssl/ssl.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

namespace credit::net {

struct ConnectionLimits {
  int per_address = 16;                          // open connections from one address
  std::chrono::milliseconds header_time{10000};  // from connect (or the last answer) to headers
};

class ConnectionGuard {
 public:
  // `refused` is told, once a minute per address at most, how many connections it closed.
  using Notice = std::function<void(const std::string& address, const std::string& what)>;
  ConnectionGuard(ConnectionLimits limits, Notice notice);
  ~ConnectionGuard();
  ConnectionGuard(const ConnectionGuard&) = delete;
  ConnectionGuard& operator=(const ConnectionGuard&) = delete;

  void attach(SSL_CTX& ctx);  // from httplib's SSL_CTX set-up callback
  // Starts the watchdog thread: after the signal mask is set, so that it inherits it.
  void start();
  // From the routes: a request's headers are in (its answer is being made), and it is answered.
  void request_started(const std::string& address, int port);
  void request_answered(const std::string& address, int port);

 private:
  struct Connection {
    int fd = -1;
    std::string address;
    int port = 0;
    bool answering = false;
    bool closed = false;
    std::chrono::steady_clock::time_point deadline;
  };
  struct Refusals {
    int count = 0;
    std::chrono::steady_clock::time_point since;
  };

  static void on_info(const SSL* ssl, int where, int ret);
  static void on_free(void* parent, void* ptr, CRYPTO_EX_DATA* data, int index, long argl,
                      void* argp);
  void opened(SSL* ssl);
  void freed(Connection* c);
  void watch();
  void refuse(int fd, const std::string& address);

  ConnectionLimits limits_;
  Notice notice_;
  int index_ = -1;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::pair<std::string, int>, Connection*> by_peer_;
  std::map<std::string, int> per_address_;
  std::map<std::string, Refusals> refusals_;
  std::thread watchdog_;
};

}  // namespace credit::net
