// The server's routes on a plain in-process httplib server (the HTTPS wrapper is covered by
// tests/e2e/test_remote.sh): calls reach the service, rows stream, multipart uploads stream, and
// malformed or cut requests get an error envelope or a closed connection — never a crash.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>
#include <thread>

#include "net/plugin/protocol.hpp"
#include "net/plugin/server.hpp"
#include "service/service.hpp"
#include "store/store.hpp"
#include "support.hpp"
#include "util/crypto.hpp"

using namespace credit;
using namespace credit::net;

namespace {
class TestServer {
 public:
  // As `credit serve` does behind the plugin boundary: a store connection and a Service per call.
  explicit TestServer(test::TestStore& ts)
      : routes_(
            [path = ts.store->path(), clock = ts.clock](service::Call& call) {
              auto store = store::Store::open(path);
              return service::Service(*store, clock).call(call);
            },
            log_) {
    routes_.install(server_);
    port_ = server_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~TestServer() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }

  // Sends raw request bytes (which ask the server to close after answering), then reads
  // everything until it does. `half_close` ends the request stream early, as a broken client
  // would; httplib then takes the client for gone and may not answer at all.
  std::string raw(const std::string& request, bool half_close = false) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    size_t sent = 0;
    while (sent < request.size()) {
      ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;  // the server may close early: that is allowed
      sent += static_cast<size_t>(n);
    }
    if (half_close) ::shutdown(fd, SHUT_WR);
    std::string answer;
    char buffer[4096];
    while (true) {
      ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      answer.append(buffer, static_cast<size_t>(n));
    }
    ::close(fd);
    return answer;
  }

 private:
  AccessLog log_{nullptr};
  ApiRoutes routes_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

struct Lines {
  std::vector<Json> rows;
  std::optional<Json> result;
  std::optional<Error> error;
};

Lines parse_answer(const std::string& body) {
  Lines out;
  LineSplitter splitter;
  splitter.feed(body, [&](std::string_view text) {
    ResponseLine line = decode_response_line(text);
    if (line.kind == ResponseLine::Kind::row) out.rows.push_back(line.value);
    if (line.kind == ResponseLine::Kind::result) out.result = line.value;
    if (line.kind == ResponseLine::Kind::error) out.error = Error::from_json(line.value);
  });
  CHECK_FALSE(splitter.has_partial_line());
  return out;
}

httplib::Headers bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

const std::string kBoundary = "credit-test-boundary";

std::string multipart(const std::string& call, const std::vector<std::string>& inputs) {
  std::string body = "--" + kBoundary +
                     "\r\nContent-Disposition: form-data; name=\"call\"\r\nContent-Type: "
                     "application/json\r\n\r\n" +
                     call + "\r\n";
  for (size_t i = 0; i < inputs.size(); ++i)
    body += "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"input\"; filename=\"f" +
            std::to_string(i) + "\"\r\n\r\n" + inputs[i] + "\r\n";
  return body + "--" + kBoundary + "--\r\n";
}

std::string post_request(const std::string& path, const std::string& token, const std::string& body,
                         const std::string& type, size_t declared_length) {
  return "POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
         "\r\nContent-Type: " + type + "\r\nContent-Length: " + std::to_string(declared_length) +
         "\r\nConnection: close\r\n\r\n" + body;
}

// The body of a raw HTTP answer, chunked transfer encoding undone.
std::string body_of(const std::string& raw_answer) {
  size_t end = raw_answer.find("\r\n\r\n");
  if (end == std::string::npos) return "";
  std::string head = raw_answer.substr(0, end), body = raw_answer.substr(end + 4);
  if (head.find("Transfer-Encoding: chunked") == std::string::npos) return body;
  std::string out;
  size_t at = 0;
  while (at < body.size()) {
    size_t line_end = body.find("\r\n", at);
    if (line_end == std::string::npos) break;
    size_t size = std::stoul(body.substr(at, line_end - at), nullptr, 16);
    if (size == 0) break;
    out += body.substr(line_end + 2, size);
    at = line_end + 2 + size + 2;
  }
  return out;
}
}  // namespace

TEST_CASE("calls reach the service with the bearer token; rows stream when asked") {
  test::TestStore ts;
  ts.add_user("v", "viewer");
  TestServer server(ts);
  httplib::Client client("127.0.0.1", server.port());

  auto version = client.Get(kVersionPath);
  REQUIRE(version);
  CHECK_NOTHROW(check_version_document(version->body, "test"));

  auto whoami = client.Post("/v1/call/whoami", bearer(ts.admin_token), "{}", kJsonType);
  REQUIRE(whoami);
  CHECK(whoami->status == 200);
  CHECK(parse_answer(whoami->body).result.value()["user"] == "admin");

  auto streamed = client.Post("/v1/call/user.list", bearer(ts.admin_token),
                              R"({"params":{},"rows":"stream"})", kJsonType);
  REQUIRE(streamed);
  Lines lines = parse_answer(streamed->body);
  CHECK(lines.rows.size() == 2);
  CHECK(lines.result.value()["users"].empty());

  auto collected = client.Post("/v1/call/user.list", bearer(ts.admin_token), "{}", kJsonType);
  CHECK(parse_answer(collected->body).result.value()["users"].size() == 2);

  auto denied = client.Post("/v1/call/user.list", "{}", kJsonType);  // no token
  CHECK(denied->status == 401);
  CHECK(parse_answer(denied->body).error->code() == ErrorCode::unauthenticated);

  auto unknown = client.Post("/v1/call/no.such", bearer(ts.admin_token), "{}", kJsonType);
  CHECK(parse_answer(unknown->body).error->code() == ErrorCode::usage);

  auto init = client.Post("/v1/call/store.init", "{}", kJsonType);
  CHECK(parse_answer(init->body).error->code() == ErrorCode::usage);

  auto elsewhere = client.Get("/v2/anything");
  CHECK(elsewhere->status == 404);
  CHECK(parse_answer(elsewhere->body).error->code() == ErrorCode::usage);
  auto post_elsewhere = client.Post("/upload", std::string(100000, 'x'), "text/plain");
  CHECK(post_elsewhere->status == 404);
}

TEST_CASE("a multipart upload streams each input to the service") {
  test::TestStore ts;
  TestServer server(ts);
  std::string a(300000, 'a'), b = "第二个文件\n";
  std::string body =
      multipart(R"({"params":{},"inputs":["a.csv","b.csv"],"rows":"stream"})", {a, b});
  std::string answer =
      server.raw(post_request("/v1/call/diag.upload", ts.admin_token, body,
                              "multipart/form-data; boundary=" + kBoundary, body.size()));
  Lines lines = parse_answer(body_of(answer));
  REQUIRE(lines.rows.size() == 2);
  CHECK(lines.rows[0]["input"] == "a.csv");
  CHECK(lines.rows[0]["sha256"] == crypto::sha256_hex(a));
  CHECK(lines.rows[1]["sha256"] == crypto::sha256_hex(b));
  CHECK(lines.result.value()["bytes"] == a.size() + b.size());
}

TEST_CASE("malformed, cut and fuzzed requests get an error or a closed connection") {
  test::TestStore ts;
  TestServer server(ts);
  std::string type = "multipart/form-data; boundary=" + kBoundary;
  std::string good = multipart(R"({"inputs":["a.csv"]})", {std::string(20000, 'z')});

  auto expect_error = [&](const std::string& request, ErrorCode code, const char* what) {
    INFO(what);
    Lines lines = parse_answer(body_of(server.raw(request)));
    REQUIRE(lines.error.has_value());
    CHECK(lines.error->code() == code);
  };
  // A body shorter than its Content-Length: the service sees its input fail, and audits it.
  server.raw(post_request("/v1/call/diag.upload", ts.admin_token, good, type, good.size() + 50),
             true);
  auto last = ts.store->db().prepare(
      "SELECT action, outcome, reason FROM audit_log ORDER BY seq DESC LIMIT 1");
  REQUIRE(last.step());
  CHECK(last.column_text(0) == "diag.upload");
  CHECK(last.column_text(1) == "failed");
  CHECK(last.column_text(2).find("did not arrive whole") != std::string::npos);
  std::string no_close = good.substr(0, good.size() - kBoundary.size() - 6);
  expect_error(
      post_request("/v1/call/diag.upload", ts.admin_token, no_close, type, no_close.size()),
      ErrorCode::bad_input, "no closing boundary");
  std::string two = multipart(R"({"inputs":["a.csv"]})", {"x", "y"});
  std::string too_many =
      post_request("/v1/call/diag.upload", ts.admin_token, two, type, two.size());
  Lines extra = parse_answer(body_of(server.raw(too_many)));  // the call may finish first
  CHECK((extra.error.has_value() || extra.result.has_value()));
  std::string unnamed = multipart("{}", {});
  expect_error(post_request("/v1/call/diag.upload", ts.admin_token, unnamed, type, unnamed.size()),
               ErrorCode::usage, "a multipart call without inputs");
  std::string wrong_first = "--" + kBoundary +
                            "\r\nContent-Disposition: form-data; name=\"input\"\r\n\r\nx\r\n--" +
                            kBoundary + "--\r\n";
  expect_error(
      post_request("/v1/call/diag.upload", ts.admin_token, wrong_first, type, wrong_first.size()),
      ErrorCode::usage, "the first part is not the call");
  std::string big_call(kMaxCallObjectBytes + 10, ' ');
  expect_error(
      post_request("/v1/call/whoami", ts.admin_token, big_call, kJsonType, big_call.size()),
      ErrorCode::usage, "an oversized call object");
  expect_error(post_request("/v1/call/whoami", ts.admin_token, "[1,2", kJsonType, 4),
               ErrorCode::usage, "a call object that is not JSON");

  // Random cuts and flips of a valid request: any answer must be well-formed lines.
  std::mt19937 random(42);
  std::string request =
      post_request("/v1/call/diag.upload", ts.admin_token, good, type, good.size());
  for (int round = 0; round < 60; ++round) {
    std::string mutated = request.substr(0, random() % (request.size() + 1));
    for (int flips = random() % 4; flips > 0 && !mutated.empty(); --flips)
      mutated[random() % mutated.size()] = static_cast<char>(random());
    std::string body = body_of(server.raw(mutated, true));
    if (body.empty()) continue;
    try {
      parse_answer(body);
    } catch (const Error&) {
      // httplib's own plain-text answers to a broken request line are not ours to parse
    }
  }
  // The server still works.
  httplib::Client client("127.0.0.1", server.port());
  auto whoami = client.Post("/v1/call/whoami", bearer(ts.admin_token), "{}", kJsonType);
  REQUIRE(whoami);
  CHECK(whoami->status == 200);
}
