#include "net/plugin/server.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <httplib.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <thread>

#include "domain/text_clean.hpp"
#include "net/plugin/connection_guard.hpp"
#include "net/plugin/protocol.hpp"
#include "net/plugin/row_spool.hpp"
#include "net/plugin/upload_pipe.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"

namespace credit::net {

namespace {

// The most of an upload read and dropped after its call failed, so that the client reads the
// answer rather than a broken pipe (handle_upload).
constexpr size_t kDrainAfterFailureBytes = size_t{256} << 20;
using httplib::ContentReader;
using httplib::DataSink;
using httplib::Request;
using httplib::Response;
using Backend = ApiRoutes::Backend;
using SteadyClock = std::chrono::steady_clock;

std::string peer_of(const Request& req) {
  if (req.remote_addr.find(':') != std::string::npos)
    return fmt::format("[{}]:{}", req.remote_addr, req.remote_port);
  return fmt::format("{}:{}", req.remote_addr, req.remote_port);
}

// A bearer token, or what the Authorization header holds otherwise (the service then refuses it
// and audits the attempt).
std::optional<std::string> bearer_token(const Request& req) {
  if (!req.has_header("Authorization")) return std::nullopt;
  std::string value = req.get_header_value("Authorization");
  if (value.size() > 7 && ::strncasecmp(value.c_str(), "Bearer ", 7) == 0) return value.substr(7);
  return value;
}

// The final line of a call and what it was.
struct Outcome {
  std::string line;
  std::optional<ErrorCode> error;
  int status() const { return error ? http_status_for(*error) : 200; }
  std::string name() const { return error ? std::string(error_code_name(*error)) : "ok"; }
};

Outcome error_outcome(const Error& e) {
  return {error_line(e), e.code()};
}

// Counts a call as in flight until its answer was sent or abandoned, then writes its access-log
// line, once.
class CallLog {
 public:
  CallLog(Backend& backend, std::string peer, std::string action)
      : backend_(backend), peer_(std::move(peer)), action_(std::move(action)) {
    ++backend_.calls_in_flight;
  }
  ~CallLog() { finish(500, "internal"); }
  void finish(int status, std::string_view outcome) {
    if (done_.exchange(true)) return;
    std::chrono::duration<double, std::milli> took = SteadyClock::now() - start_;
    backend_.log.write(peer_, action_, status, outcome, took.count());
    --backend_.calls_in_flight;
  }

 private:
  Backend& backend_;
  std::string peer_, action_;
  SteadyClock::time_point start_ = SteadyClock::now();
  std::atomic<bool> done_{false};
};

// Runs one call through the backend. Everything it throws becomes the error line, so nothing
// escapes into httplib.
Outcome execute(const Backend& backend, const std::string& action, Json params,
                std::optional<std::string> token, std::vector<service::InputFile> inputs,
                service::RowSink rows) {
  try {
    service::Call call{action, std::move(params), std::move(token), std::move(inputs),
                       std::move(rows)};
    return {result_line(backend.dispatch(call)), std::nullopt};
  } catch (const Error& e) {
    return error_outcome(e);
  } catch (const std::exception& e) {
    return error_outcome(Error(ErrorCode::internal,
                               fmt::format("internal error in {}: {}", action, e.what()),
                               "this is a bug; please report it with the command"));
  }
}

// Sends a complete body. With `close`, the connection is closed after it: needed when the rest
// of the request body was not read. httplib 0.11 closes a connection when a content provider
// fails, so this one writes everything and then reports failure.
void respond(Response& res, int status, std::string body, const char* type, bool close) {
  res.status = status;
  if (!close) return res.set_content(body, type);
  auto shared = std::make_shared<std::string>(std::move(body));
  res.set_content_provider(shared->size(), type,
                           [shared](size_t offset, size_t length, DataSink& sink) {
                             sink.write(shared->data() + offset, length);
                             return false;
                           });
}

// A call request while its handler runs.
struct CallRequest {
  const Request& req;
  Response& res;
  const ContentReader& reader;
  std::string action;
  std::optional<std::string> token;
  std::shared_ptr<CallLog> log;
  bool body_read = false;  // false: the connection must close after the answer
};

void refuse(CallRequest& r, const Error& e) {
  respond(r.res, http_status_for(e.code()), error_line(e), kNdjsonType, !r.body_read);
  r.log->finish(http_status_for(e.code()), error_code_name(e.code()));
}

Error protocol_error(const std::string& what) {
  return Error(ErrorCode::usage, what,
               "the client and the server may be different versions; see docs/remote-api.md");
}

// A call without inputs. Without streamed rows it runs before the answer, so the HTTP status
// tells the outcome; with streamed rows it runs while the answer is sent, and rows reach the
// client as they are produced.
void run_plain_call(const Backend& backend, CallRequest& r, CallObject call) {
  if (!call.stream_rows) {
    Outcome o = execute(backend, r.action, std::move(call.params), r.token, {}, {});
    respond(r.res, o.status(), o.line, kNdjsonType, false);
    return r.log->finish(o.status(), o.name());
  }
  auto params = std::make_shared<Json>(std::move(call.params));
  r.res.set_chunked_content_provider(
      kNdjsonType,
      [&backend, params, action = r.action, token = r.token, log = r.log](size_t, DataSink& sink) {
        auto rows = [&sink](const Json& row) {
          std::string line = row_line(row);
          if (!sink.write(line.data(), line.size()))
            fail(ErrorCode::store_unavailable, "the client went away");
        };
        Outcome o = execute(backend, action, std::move(*params), token, {}, rows);
        sink.write(o.line.data(), o.line.size());
        sink.done();
        log->finish(200, o.name());
        return true;
      },
      [log = r.log](bool) { log->finish(200, "client_gone"); });
}

// A call with inputs, shared by the connection thread (which reads the body into the pipe), the
// call's own thread (which runs the service on the pipe) and the answer (which sends the spool).
struct UploadCall {
  std::shared_ptr<UploadPipe> pipe;
  RowSpool spool;
  std::thread worker;
  std::atomic<bool> finished{false};
  Outcome outcome;  // written by the worker before `finished`

  bool failed() const { return finished.load() && outcome.error.has_value(); }
  ~UploadCall() {
    spool.cancel();
    if (pipe) pipe->finish(false, "the request was abandoned");
    if (worker.joinable()) worker.join();
  }
};

void start_upload_call(const Backend& backend, CallRequest& r, UploadCall& u,
                       const std::string& call_text) {
  CallObject call = parse_call_object(call_text);
  if (call.inputs.empty())
    throw protocol_error("a multipart call must name its inputs in the call object's \"inputs\"");
  u.pipe = std::make_shared<UploadPipe>(call.inputs);
  service::RowSink rows;
  if (call.stream_rows) rows = [&u](const Json& row) { u.spool.append(row_line(row)); };
  u.worker = std::thread([&backend, &u, action = r.action, token = r.token,
                          params = std::move(call.params), rows]() mutable {
    Outcome o = execute(backend, action, std::move(params), token, upload_inputs(u.pipe), rows);
    u.outcome = o;
    try {
      u.spool.append(o.line);
    } catch (const Error&) {  // the client went away
    }
    u.spool.close();
    u.finished.store(true);
    u.pipe->close_consumer();  // after the outcome: the reader now knows to drain or to stop
  });
}

// Reads a multipart body: part "call" (the call object), then one part "input" per input, each
// streamed into the pipe while the service reads it.
void handle_upload(const Backend& backend, CallRequest& r) {
  auto u = std::make_shared<UploadCall>();
  std::string call_text;
  int parts = 0;
  std::optional<Error> problem;
  size_t drained = 0;
  bool whole = r.reader(
      [&](const httplib::MultipartFormData& part) {
        try {
          if (++parts == 1) {
            if (part.name != "call")
              throw protocol_error("the first part of a multipart call must be named \"call\"");
            return true;
          }
          if (parts == 2) start_upload_call(backend, r, *u, call_text);
          if (part.name != "input")
            throw protocol_error(
                fmt::format("unexpected part \"{}\" (inputs are \"input\")", part.name));
          if (!u->pipe->begin_input())
            throw protocol_error("the request sends more inputs than its call object names");
          return true;
        } catch (const Error& e) {
          problem = e;
          return false;
        }
      },
      [&](const char* data, size_t n) {
        if (parts == 1) {
          call_text.append(data, n);
          if (call_text.size() <= kMaxCallObjectBytes) return true;
          problem = protocol_error("the call object is larger than 1 MiB");
          return false;
        }
        // Once the call has returned, the rest is read and dropped: a client still sending
        // when the connection closes sees a broken pipe instead of the answer, also the answer
        // of a call that failed early. After a failure only up to kDrainAfterFailureBytes.
        if (u->pipe->write(data, n) || !u->failed()) return true;
        drained += n;
        return drained <= kDrainAfterFailureBytes;
      });
  r.body_read = whole && !problem;
  if (!u->pipe) {
    if (!problem)
      problem = parts <= 1 && whole ? protocol_error("a multipart call has no input parts")
                                    : protocol_error(
                                          "the request body is not valid multipart/form-data, or "
                                          "it was cut short");
    return refuse(r, *problem);
  }
  u->pipe->finish(r.body_read, problem ? problem->what() : "the body was cut short or malformed");
  // The status can still tell the outcome when the call is over already (an early failure).
  int status = u->finished.load() ? u->outcome.status() : 200;
  r.res.status = status;
  r.res.set_chunked_content_provider(
      kNdjsonType,
      [u, log = r.log, status, close = !r.body_read](size_t, DataSink& sink) {
        std::string piece;
        while (u->spool.take(piece))
          if (!sink.write(piece.data(), piece.size())) return false;
        sink.done();
        log->finish(status, u->outcome.name());
        return !close;
      },
      [u, log = r.log, status](bool) {
        u->spool.cancel();
        log->finish(status, "client_gone");
      });
}

void handle_call(Backend& backend, const Request& req, Response& res, const ContentReader& reader) {
  CallRequest r{req, res, reader, req.matches[1], bearer_token(req), nullptr};
  r.log = std::make_shared<CallLog>(backend, peer_of(req), r.action);
  try {
    if (backend.stopping)
      fail(ErrorCode::store_unavailable, "the server is stopping",
           "retry in a moment, when it has been restarted");
    if (!is_valid_action_name(r.action))
      throw protocol_error(fmt::format("'{}' is not an action name", r.action));
    if (r.action == "store.init")
      fail(ErrorCode::usage, "a store cannot be created through a server",
           "run `credit init --store PATH` on the server's machine, then serve it with "
           "`credit serve --store PATH`");
    if (req.is_multipart_form_data()) return handle_upload(backend, r);
    std::string body;
    bool whole = reader([&](const char* data, size_t n) {
      body.append(data, n);
      return body.size() <= kMaxCallObjectBytes;
    });
    if (!whole)
      throw protocol_error(body.size() > kMaxCallObjectBytes
                               ? "the call object is larger than 1 MiB"
                               : "the request body was cut short");
    r.body_read = true;
    CallObject call = parse_call_object(body);
    if (!call.inputs.empty())
      throw protocol_error("a call with inputs must be sent as multipart/form-data");
    run_plain_call(backend, r, std::move(call));
  } catch (const Error& e) {
    refuse(r, e);
  }
}

bool is_call_request(const Request& req) {
  std::string_view path = req.path;
  return req.method == "POST" && path.rfind(kCallPathPrefix, 0) == 0 &&
         path.find('/', std::string_view(kCallPathPrefix).size()) == std::string_view::npos;
}

// Every other request with a body is answered without reading it, so that httplib never holds
// a body that nobody asked for in memory.
void refuse_unknown(const Request& req, Response& res, const ContentReader&) {
  Error e = protocol_error(fmt::format("no such request: {} {}", req.method, req.path));
  respond(res, 404, error_line(e), kJsonType, true);
}
}  // namespace

void AccessLog::write(const std::string& peer, const std::string& what, int status,
                      std::string_view outcome, double milliseconds) {
  if (out_ == nullptr) return;
  // The path comes from the client, decoded: a %0A in it must not start a forged line, an ESC
  // must not reach the terminal the log is watched on.
  std::string line =
      fmt::format("{} {} {} {} {} {}\n", format_utc(Clock().real_now()),
                  domain::escape_controls(peer), domain::escape_controls(what), status, outcome,
                  milliseconds < 0 ? "-" : fmt::format("{:.1f}ms", milliseconds));
  std::lock_guard lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

void ApiRoutes::install(httplib::Server& server) {
  Backend& backend = backend_;
  server.Get(kVersionPath, [](const Request&, Response& res) {
    res.set_content(version_document().dump() + "\n", kJsonType);
  });
  server.Post(R"(/v1/call/([^/]+))",
              [&backend](const Request& req, Response& res, const ContentReader& reader) {
                handle_call(backend, req, res, reader);
              });
  server.Post(".*", refuse_unknown);
  server.Put(".*", refuse_unknown);
  server.Patch(".*", refuse_unknown);
  server.Delete(".*", refuse_unknown);
  server.set_error_handler(
      httplib::Server::HandlerWithResponse([](const Request& req, Response& res) {
        if (!res.body.empty() || res.content_provider_)
          return httplib::Server::HandlerResponse::Unhandled;
        Error e = protocol_error(fmt::format("no such request: {} {}", req.method, req.path));
        res.set_content(error_line(e), kJsonType);
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.set_exception_handler([](const Request&, Response& res, std::exception_ptr) {
    res.status = 500;
    res.set_content(error_line(Error(ErrorCode::internal, "internal error in the server")),
                    kJsonType);
  });
  // Calls log themselves when their answer is complete; this covers every other request.
  server.set_logger([&backend](const Request& req, const Response& res) {
    if (backend.answered) backend.answered(req.remote_addr, req.remote_port);
    if (is_call_request(req)) return;
    backend.log.write(peer_of(req), req.method + " " + req.path, res.status,
                      res.status < 400 ? "ok" : "refused", -1);
  });
}

namespace {
// SIGINT and SIGTERM are blocked in every thread and awaited by one. The first asks the routes to
// refuse new calls; once the calls in flight have finished (or at a second signal) the server
// stops. httplib's own stop would cut answers that are still streaming.
class SignalWaiter {
 public:
  SignalWaiter() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
  }
  ~SignalWaiter() {
    finish();
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  void start(std::function<void(int)> on_first, std::function<bool()> idle,
             std::function<void()> stop) {
    thread_ = std::thread([this, on_first, idle, stop] {
      const timespec poll{0, 100'000'000};
      while (!done_) {
        int sig = sigtimedwait(&set_, nullptr, &poll);
        if (sig > 0 && received_ != 0) break;  // a second signal: stop now
        if (sig > 0) {
          received_ = sig;
          on_first(sig);
        }
        if (received_ != 0 && idle()) break;
      }
      if (!done_) stop();
    });
  }
  // Returns the signal that stopped the server, or 0.
  int finish() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
    return received_;
  }

 private:
  sigset_t set_, old_;
  std::thread thread_;
  std::atomic<bool> done_{false};
  std::atomic<int> received_{0};
};

std::pair<std::string, int> parse_listen(const std::string& listen) {
  auto bad = [&] {
    return Error(ErrorCode::usage, fmt::format("--listen '{}' is not HOST:PORT", listen),
                 "for example --listen 0.0.0.0:8443, or 127.0.0.1:0 for any free port");
  };
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) throw bad();
  std::string host = listen.substr(0, colon), port_text = listen.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos)
    throw bad();
  int port = std::stoi(port_text);
  if (port > 65535) throw bad();
  return {host, port};
}

std::string openssl_error() {
  char text[256] = "unknown error";
  if (unsigned long e = ERR_get_error()) ERR_error_string_n(e, text, sizeof text);
  ERR_clear_error();
  return text;
}

void require_readable(const std::string& path, const char* option) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw Error(ErrorCode::bad_input,
                fmt::format("cannot read {} '{}': {}", option, path, std::strerror(errno)),
                "give PEM files: --cert the server's certificate (with its chain), --key its "
                "private key");
  ::close(fd);
}

bool configure_tls(SSL_CTX& ctx, const HttpsServerOptions& o, std::string& problem) {
  SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
  if (SSL_CTX_use_certificate_chain_file(&ctx, o.cert_file.c_str()) != 1) {
    problem = fmt::format("cannot load the certificate '{}': {}", o.cert_file, openssl_error());
    return false;
  }
  if (SSL_CTX_use_PrivateKey_file(&ctx, o.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    problem = fmt::format(
        "cannot load the private key '{}', or it does not belong to the "
        "certificate '{}': {}",
        o.key_file, o.cert_file, openssl_error());
    return false;
  }
  if (SSL_CTX_check_private_key(&ctx) != 1) {
    problem = fmt::format("the key '{}' does not belong to the certificate '{}': {}", o.key_file,
                          o.cert_file, openssl_error());
    return false;
  }
  return true;
}

void note(std::FILE* err, const std::string& text) {
  if (err == nullptr) return;
  std::fprintf(err, "%s\n", text.c_str());
  std::fflush(err);
}
}  // namespace

void run_https_server(const HttpsServerOptions& options, Dispatch dispatch, std::FILE* err) {
  auto [host, port] = parse_listen(options.listen);
  if (options.threads < 1 || options.threads > 1024)
    fail(ErrorCode::usage, fmt::format("--threads {} is out of range", options.threads),
         "give 1 to 1024 threads");
  if (options.connections_per_address < 1)
    fail(ErrorCode::usage, "--connections-per-address must be at least 1");
  if (options.header_timeout < 1 || options.header_timeout > 3600)
    fail(ErrorCode::usage,
         fmt::format("--header-timeout {} is out of range", options.header_timeout),
         "give 1 to 3600 seconds");
  require_readable(options.cert_file, "--cert");
  require_readable(options.key_file, "--key");
  std::string tls_problem;
  AccessLog log(err);
  // Before the server: it sees every connection's SSL object freed.
  ConnectionGuard guard(
      {options.connections_per_address, std::chrono::seconds(options.header_timeout)},
      [err](const std::string& address, const std::string& what) {
        note(err, fmt::format("credit serve: {}: {}", address, what));
      });
  httplib::SSLServer server([&](SSL_CTX& ctx) {
    if (!configure_tls(ctx, options, tls_problem)) return false;
    guard.attach(ctx);
    return true;
  });
  if (!server.is_valid())
    fail(ErrorCode::bad_input, tls_problem,
         "give PEM files: --cert the server's certificate (with its chain), --key its private "
         "key");
  ApiRoutes routes(std::move(dispatch), log);
  routes.install(server);
  server.set_pre_routing_handler([&guard](const Request& req, Response&) {
    guard.request_started(req.remote_addr, req.remote_port);
    return httplib::Server::HandlerResponse::Unhandled;
  });
  routes.on_answered(
      [&guard](const std::string& address, int port) { guard.request_answered(address, port); });
  server.new_task_queue = [n = options.threads] {
    return new httplib::ThreadPool(static_cast<size_t>(n));
  };
  // Generous timeouts once a request is in: a client may pause between pieces of a large upload,
  // or read rows slowly. Before it, the guard's header timeout applies.
  server.set_read_timeout(60);
  server.set_write_timeout(120);
  server.set_tcp_nodelay(true);  // small answers leave at once, not after a delayed ACK
  std::signal(SIGPIPE, SIG_IGN);

  SignalWaiter signals;  // before any server thread exists, so that they all inherit the mask
  guard.start();
  errno = 0;
  int bound =
      port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
  if (bound <= 0)
    fail(ErrorCode::store_unavailable,
         fmt::format("cannot listen on {}: {}", options.listen,
                     errno ? std::strerror(errno) : "the address cannot be bound"),
         "choose another address or port, or stop the program that uses it");
  std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  // Printed even with --quiet: with port 0 it is the only way to learn the port.
  std::fprintf(stderr, "credit serve: listening on https://%s:%d (store %s, %d threads)\n",
               shown.c_str(), bound, options.store.c_str(), options.threads);
  std::fflush(stderr);
  signals.start(
      [&routes, &server, err](int sig) {
        note(err, fmt::format("credit serve: {}: finishing the calls in flight, refusing new ones",
                              sig == SIGINT ? "SIGINT" : "SIGTERM"));
        routes.stop_accepting();
      },
      [&routes] { return routes.idle(); }, [&server] { server.stop(); });
  bool clean = server.listen_after_bind();
  int sig = signals.finish();
  if (sig != 0)
    note(err, "credit serve: stopped");
  else if (!clean)
    fail(ErrorCode::store_unavailable, "the server stopped accepting connections");
}

}  // namespace credit::net
