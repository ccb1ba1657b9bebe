// POSTing files to a receiver such as the credit portal (plugin_abi.h, post_files): multipart/
// form-data streamed from disk, TLS verified, transient failures retried with exponential
// backoff. The caller's headers (an Idempotency-Key) make a repeated POST harmless.
#include "net/plugin/file_post.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <strings.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace credit::net {

namespace {

constexpr size_t kMaxBody = 64 * 1024;
constexpr long kMaxDelayMs = 60'000;

char* copy_text(const std::string& text) {
  char* out = static_cast<char*>(std::malloc(text.size() + 1));
  if (out != nullptr) std::memcpy(out, text.c_str(), text.size() + 1);
  return out;
}

struct Answer {
  std::string body;
  long retry_after_ms = -1;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* answer = static_cast<Answer*>(user);
  const size_t n = size * count;
  answer->body.append(data, std::min(n, kMaxBody - std::min(kMaxBody, answer->body.size())));
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* answer = static_cast<Answer*>(user);
  const std::string_view line(data, size * count);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size() && ::strncasecmp(line.data(), kName.data(), kName.size()) == 0) {
    const long seconds = std::strtol(std::string(line.substr(kName.size())).c_str(), nullptr, 10);
    if (seconds > 0) answer->retry_after_ms = std::min(seconds * 1000, kMaxDelayMs);
  }
  return line.size();
}

// A transfer's outcome: transient failures are worth another attempt, others are not.
bool transient(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:  // a server that dropped the handshake (restarting)
      return true;
    default:
      return false;
  }
}
bool transient(long status) {
  return status == 408 || status == 429 || status >= 500;
}

class Poster {
 public:
  Poster(const credit_post_request& request, credit_post_result& result)
      : request_(request), result_(result) {}

  void run() {
    curl_global_init(CURL_GLOBAL_DEFAULT);  // reference-counted; safe to repeat
    CURL* curl = curl_easy_init();
    if (curl == nullptr) return finish("cannot create a libcurl handle", false, {});
    long delay = std::max(0L, request_.retry_delay_ms);
    const int attempts = std::max(1, request_.max_attempts);
    for (int attempt = 1; attempt <= attempts; ++attempt) {
      Answer answer;
      const bool done = attempt_once(curl, attempt, answer);
      if (done || !retryable_ || attempt == attempts) {
        curl_easy_cleanup(curl);
        return finish(done ? std::string() : last_error_, retryable_, answer.body);
      }
      const long wait = answer.retry_after_ms >= 0 ? std::max(delay, answer.retry_after_ms) : delay;
      log_ += fmt::format("  waiting {} ms before attempt {}\n", wait, attempt + 1);
      std::this_thread::sleep_for(std::chrono::milliseconds(wait));
      delay = std::min(kMaxDelayMs, std::max(1L, delay) * 2);
    }
  }

 private:
  // One POST; true when the receiver answered 2xx.
  bool attempt_once(CURL* curl, int attempt, Answer& answer) {
    char errbuf[CURL_ERROR_SIZE] = {};
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, request_.url);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(curl, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
    if (request_.cacert != nullptr && *request_.cacert)
      curl_easy_setopt(curl, CURLOPT_CAINFO, request_.cacert);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, request_.connect_timeout_ms);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, request_.timeout_ms);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "credit/" CREDIT_VERSION);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &answer);
    curl_slist* headers = curl_slist_append(nullptr, "Expect:");
    for (size_t i = 0; i < request_.header_count; ++i)
      headers = curl_slist_append(headers, request_.headers[i]);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_mime* mime = curl_mime_init(curl);
    for (size_t i = 0; i < request_.part_count; ++i) {
      const credit_post_part& p = request_.parts[i];
      curl_mimepart* part = curl_mime_addpart(mime);
      curl_mime_name(part, p.name);
      curl_mime_filedata(part, p.path);  // streamed from disk when sent
      curl_mime_filename(part, p.filename);
      curl_mime_type(part, p.content_type);
    }
    curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
    const CURLcode code = curl_easy_perform(curl);
    long status = 0;
    if (code == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_mime_free(mime);
    curl_slist_free_all(headers);
    result_.status = status;
    result_.attempts = attempt;
    if (code != CURLE_OK) {
      last_error_ = errbuf[0] ? errbuf : curl_easy_strerror(code);
      retryable_ = transient(code);
      log_ += fmt::format("attempt {}: {}\n", attempt, last_error_);
      return false;
    }
    log_ += fmt::format("attempt {}: HTTP {}\n", attempt, status);
    if (status >= 200 && status < 300) return true;
    last_error_ = fmt::format("HTTP {}", status);
    retryable_ = transient(status);
    return false;
  }

  void finish(const std::string& error, bool retryable, const std::string& body) {
    result_.retryable = retryable ? 1 : 0;
    result_.error = error.empty() ? nullptr : copy_text(error);
    result_.body = copy_text(body);
    result_.log = copy_text(log_);
  }

  const credit_post_request& request_;
  credit_post_result& result_;
  std::string last_error_, log_;
  bool retryable_ = false;
};

}  // namespace

void post_files(const credit_post_request* request, credit_post_result* result) {
  if (result == nullptr) return;
  *result = credit_post_result{};
  try {
    if (request == nullptr || request->url == nullptr) {
      result->error = copy_text("no request");
      return;
    }
    Poster(*request, *result).run();
  } catch (const std::exception& e) {
    if (result->error == nullptr) result->error = copy_text(e.what());
  } catch (...) {
    if (result->error == nullptr) result->error = copy_text("unexpected failure");
  }
}

}  // namespace credit::net
