// The HTTPS client: each call is one POST to `credit serve`, answered by NDJSON lines (rows, then
// the result or the error envelope); inputs stream up as multipart parts, never held in memory.
#include "net/plugin/remote_client.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <strings.h>

#include <exception>

#include "net/plugin/protocol.hpp"
#include "util/error.hpp"

namespace credit::net {

namespace {

constexpr long kConnectTimeoutSeconds = 15;
// No overall limit (an import may take long), but a transfer that stalls completely ends.
constexpr long kStallSeconds = 600;

void init_curl_once() {
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (rc != CURLE_OK)
    fail(ErrorCode::internal, fmt::format("cannot initialise libcurl: {}", curl_easy_strerror(rc)));
}

// What the server answers, line by line, as it arrives.
struct Answer {
  service::Call* call = nullptr;
  LineSplitter lines;
  bool ours = true;  // false: the body is not NDJSON (a proxy's page, say); kept for the message
  std::string foreign;
  std::optional<Json> result;
  std::optional<Error> error;
  std::exception_ptr failure;  // thrown inside a callback, rethrown after the transfer

  bool complete() const { return result || error; }

  void take_line(std::string_view text) {
    if (complete()) throw decode_error("a line after the final one");
    ResponseLine line = decode_response_line(text);
    switch (line.kind) {
      case ResponseLine::Kind::row:
        if (!call->rows) throw decode_error("rows that were not asked for");
        call->rows(line.value);
        break;
      case ResponseLine::Kind::result:
        result = std::move(line.value);
        break;
      case ResponseLine::Kind::error:
        error = Error::from_json(line.value);
        break;
    }
  }
  static Error decode_error(const char* what) {
    return Error(ErrorCode::store_unavailable,
                 fmt::format("the server sent a malformed answer ({})", what),
                 "the client and the server may be different versions");
  }
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* answer = static_cast<Answer*>(user);
  std::string_view bytes(data, size * count);
  try {
    if (!answer->ours) {
      answer->foreign.append(bytes.substr(0, 512 - std::min<size_t>(answer->foreign.size(), 512)));
      return bytes.size();
    }
    answer->lines.feed(bytes, [answer](std::string_view line) { answer->take_line(line); });
    return bytes.size();
  } catch (...) {
    answer->failure = std::current_exception();
    return 0;  // ends the transfer
  }
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* answer = static_cast<Answer*>(user);
  std::string_view line(data, size * count);
  constexpr std::string_view kName = "content-type:";
  if (line.size() > kName.size() && ::strncasecmp(line.data(), kName.data(), kName.size()) == 0) {
    std::string_view value = line.substr(kName.size());
    answer->ours = value.find(kNdjsonType) != std::string_view::npos ||
                   value.find(kJsonType) != std::string_view::npos;
  }
  return line.size();
}

struct InputReader {
  io::ByteSource* source;
  std::exception_ptr* failure;
};

size_t on_input(char* buffer, size_t size, size_t count, void* user) {
  auto* reader = static_cast<InputReader*>(user);
  try {
    return reader->source->read(buffer, size * count);
  } catch (...) {
    *reader->failure = std::current_exception();
    return CURL_READFUNC_ABORT;
  }
}

class RemoteClient : public service::Client {
 public:
  RemoteClient(std::string base, HttpsClientOptions options)
      : base_(std::move(base)), options_(std::move(options)) {
    init_curl_once();
    curl_ = curl_easy_init();
    if (curl_ == nullptr) fail(ErrorCode::internal, "cannot create a libcurl handle");
  }
  ~RemoteClient() override {
    if (mime_) curl_mime_free(mime_);
    curl_easy_cleanup(curl_);
    if (headers_) curl_slist_free_all(headers_);
  }

  Json call(service::Call& call) override {
    if (!handshaken_) handshake();
    if (!is_valid_action_name(call.action))
      fail(ErrorCode::usage, fmt::format("'{}' is not an action name", call.action));
    Answer answer;
    answer.call = &call;
    std::vector<InputReader> readers;
    readers.reserve(call.inputs.size());
    start(base_ + kCallPathPrefix + call.action, answer);
    add_header("Accept: " + std::string(kNdjsonType));
    add_header("Expect:");  // no 100-continue round trip before uploads
    if (call.token) {
      if (call.token->find_first_of("\r\n") != std::string::npos)
        fail(ErrorCode::unauthenticated, "the token contains a line break",
             "check the token file: it holds one token on one line");
      add_header("Authorization: Bearer " + *call.token);
    }
    CallObject object{call.params, {}, static_cast<bool>(call.rows)};
    for (const auto& input : call.inputs)
      object.inputs.push_back(input.name);
    std::string body = encode_call_object(object);
    if (call.inputs.empty()) {
      add_header("Content-Type: " + std::string(kJsonType));
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.c_str());
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    } else {
      attach_inputs(call, body, readers, answer.failure);
    }
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
    CURLcode code = curl_easy_perform(curl_);
    if (answer.failure) std::rethrow_exception(answer.failure);
    // A complete answer counts even when the server closed the connection right after it.
    if (answer.error) throw *answer.error;
    if (answer.result) return std::move(*answer.result);
    if (code != CURLE_OK) transport_failure(code);
    long status = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200 || !answer.ours)
      fail(ErrorCode::store_unavailable,
           fmt::format("{} answered HTTP {} instead of a credit answer{}", base_, status,
                       answer.foreign.empty() ? "" : ": " + first_line(answer.foreign)),
           "check that the --store URL points at `credit serve`, not at a proxy or another "
           "service");
    fail(ErrorCode::store_unavailable,
         fmt::format("the connection to {} ended before the answer was complete", base_),
         "the server may have stopped; check its log. A change may have been made: check "
         "before you repeat it");
  }

 private:
  static std::string first_line(const std::string& text) {
    return text.substr(0, text.find_first_of("\r\n"));
  }

  void add_header(const std::string& header) {
    curl_slist* grown = curl_slist_append(headers_, header.c_str());
    if (grown == nullptr) fail(ErrorCode::internal, "out of memory building a request");
    headers_ = grown;
  }

  // Resets the handle for a new request; its connection cache survives, so calls reuse the
  // TLS session.
  void start(const std::string& url, Answer& answer) {
    curl_easy_reset(curl_);
    if (headers_) curl_slist_free_all(headers_);
    headers_ = nullptr;
    if (mime_) curl_mime_free(mime_);
    mime_ = nullptr;
    errbuf_[0] = '\0';
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, errbuf_);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(curl_, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
    if (!options_.cacert.empty()) curl_easy_setopt(curl_, CURLOPT_CAINFO, options_.cacert.c_str());
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT, kConnectTimeoutSeconds);
    curl_easy_setopt(curl_, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl_, CURLOPT_LOW_SPEED_TIME, kStallSeconds);
    curl_easy_setopt(curl_, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl_, CURLOPT_USERAGENT, "credit/" CREDIT_VERSION);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &answer);
    curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &answer);
  }

  // multipart/form-data: the call object, then one streamed part per input (chunked: the size
  // of stdin is unknown, and nothing is read ahead).
  void attach_inputs(service::Call& call, const std::string& body,
                     std::vector<InputReader>& readers, std::exception_ptr& failure) {
    mime_ = curl_mime_init(curl_);
    curl_mimepart* part = curl_mime_addpart(mime_);
    curl_mime_name(part, "call");
    curl_mime_type(part, kJsonType);
    curl_mime_data(part, body.data(), body.size());
    for (size_t i = 0; i < call.inputs.size(); ++i) {
      readers.push_back({call.inputs[i].source.get(), &failure});
      part = curl_mime_addpart(mime_);
      curl_mime_name(part, "input");
      curl_mime_filename(part, fmt::format("input-{}", i + 1).c_str());  // names are in "call"
      curl_mime_type(part, "application/octet-stream");
      curl_mime_data_cb(part, -1, on_input, nullptr, nullptr, &readers.back());
    }
    curl_easy_setopt(curl_, CURLOPT_MIMEPOST, mime_);
    curl_easy_setopt(curl_, CURLOPT_UPLOAD_BUFFERSIZE, 512L * 1024);
  }

  void handshake() {
    Answer answer;  // only its header callback is used: the document is read whole
    start(base_ + kVersionPath, answer);
    std::string body;
    curl_easy_setopt(
        curl_, CURLOPT_WRITEFUNCTION, +[](char* d, size_t s, size_t n, void* u) {
          auto* text = static_cast<std::string*>(u);
          if (text->size() > 65536) return size_t{0};
          text->append(d, s * n);
          return s * n;
        });
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &body);
    CURLcode code = curl_easy_perform(curl_);
    if (code != CURLE_OK) transport_failure(code);
    check_version_document(body, base_);
    handshaken_ = true;
  }

  [[noreturn]] void transport_failure(CURLcode code) {
    std::string detail = errbuf_[0] ? errbuf_ : curl_easy_strerror(code);
    switch (code) {
      case CURLE_COULDNT_RESOLVE_HOST:
        fail(ErrorCode::store_unavailable,
             fmt::format("cannot resolve the host of {}: {}", base_, detail),
             "check the host name in --store (or CREDIT_STORE)");
      case CURLE_COULDNT_CONNECT:
        fail(ErrorCode::store_unavailable, fmt::format("cannot connect to {}: {}", base_, detail),
             "check that `credit serve` runs there and listens on that port");
      case CURLE_OPERATION_TIMEDOUT:
        fail(ErrorCode::store_unavailable,
             fmt::format("{} did not answer in time: {}", base_, detail),
             "check the network and that the server is not overloaded; retry later");
      case CURLE_PEER_FAILED_VERIFICATION:
        fail(ErrorCode::store_unavailable,
             fmt::format("the TLS certificate of {} could not be verified: {}", base_, detail),
             "if the server uses a private CA or a self-signed certificate, pass that CA with "
             "--cacert FILE (or CREDIT_CACERT); the host in --store must be a name or address "
             "that the certificate lists");
      case CURLE_SSL_CACERT_BADFILE:
        fail(ErrorCode::store_unavailable,
             fmt::format("cannot use the CA certificate file '{}': {}", options_.cacert, detail),
             "--cacert (CREDIT_CACERT) must name a readable PEM file");
      case CURLE_SSL_CONNECT_ERROR:
      case CURLE_SSL_CERTPROBLEM:
      case CURLE_SSL_CIPHER:
      case CURLE_USE_SSL_FAILED:
        fail(ErrorCode::store_unavailable,
             fmt::format("the TLS handshake with {} failed: {}", base_, detail),
             "check that the URL points at `credit serve`, which speaks HTTPS only");
      default:
        fail(ErrorCode::store_unavailable,
             fmt::format("the connection to {} failed: {}", base_, detail),
             "check that the server runs and is reachable, then retry");
    }
  }

  std::string base_;
  HttpsClientOptions options_;
  CURL* curl_ = nullptr;
  curl_slist* headers_ = nullptr;
  curl_mime* mime_ = nullptr;
  char errbuf_[CURL_ERROR_SIZE] = {};
  bool handshaken_ = false;
};

}  // namespace

std::unique_ptr<service::Client> make_https_client(const std::string& base_url,
                                                   const HttpsClientOptions& options) {
  if (base_url.rfind("https://", 0) != 0)
    fail(ErrorCode::usage, fmt::format("'{}': remote stores are reached over HTTPS only", base_url),
         "use https://HOST:PORT of a `credit serve` server");
  std::string base = base_url;
  while (base.size() > 8 && base.back() == '/')
    base.pop_back();
  return std::make_unique<RemoteClient>(std::move(base), options);
}

}  // namespace credit::net
