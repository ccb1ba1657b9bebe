/* The boundary between credit and its network plugin, credit-net.so (libcurl, cpp-httplib,
 * OpenSSL). Plain C on purpose: the credit binary links its C++ runtime statically, because a
 * short command's start-up time is dominated by dynamic linking, while the plugin brings the
 * shared one its libraries need. So only bytes, NUL-terminated JSON text and callbacks cross this
 * line — never a C++ object, never an exception.
 *
 * Text handed across is allocated with malloc() and released by the receiver with free(): both
 * sides share the C library. */
#ifndef CREDIT_NET_PLUGIN_ABI_H
#define CREDIT_NET_PLUGIN_ABI_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CREDIT_NET_ABI_VERSION 2

/* Reads up to `size` bytes into `buffer`: the count, 0 at the end, or -1 on failure (the side that
 * owns the reader keeps the error and reports it). */
typedef long (*credit_read_fn)(void* context, char* buffer, size_t size);
/* Receives one result row as JSON text: 0, or -1 to abandon the call. */
typedef int (*credit_row_fn)(void* context, const char* json, size_t length);

typedef struct credit_input {
  const char* name;
  credit_read_fn read;
  void* context;
} credit_input;

typedef struct credit_call {
  const char* action;
  const char* params_json; /* a JSON object */
  const char* token;       /* NULL when none was given */
  const credit_input* inputs;
  size_t input_count;
  credit_row_fn row; /* NULL: rows stay in the result */
  void* row_context;
} credit_call;

/* Runs one call; returns the envelope {"result": …} or {"error": {…}} as malloc'd text. */
typedef char* (*credit_dispatch_fn)(void* context, const credit_call* call);

/* One part of a multipart/form-data POST: a file sent as it is on disk, streamed. */
typedef struct credit_post_part {
  const char* name;     /* the form field */
  const char* filename; /* the file name the receiver sees */
  const char* path;     /* the file to send */
  const char* content_type;
} credit_post_part;

typedef struct credit_post_request {
  const char* url;    /* https:// only; TLS verification is always on */
  const char* cacert; /* PEM file of the CA that signed the receiver's certificate, or NULL */
  const char* const* headers; /* "Name: value" lines, e.g. "Idempotency-Key: 42" */
  size_t header_count;
  const credit_post_part* parts;
  size_t part_count;
  int max_attempts;        /* at least 1 */
  long timeout_ms;         /* per attempt, the whole exchange */
  long connect_timeout_ms; /* per attempt */
  long retry_delay_ms;     /* before the second attempt; doubled each time, at most 60 s (a
                            * Retry-After answer header may ask for longer, up to 60 s) */
} credit_post_request;

typedef struct credit_post_result {
  long status;   /* the last attempt's HTTP status; 0 when no answer came */
  int attempts;  /* attempts made */
  int retryable; /* 1 when the last failure was transient (no answer, timeout, 408, 429, 5xx) */
  char* body;    /* the last answer's body, at most 64 KiB, NUL-terminated; malloc'd or NULL */
  char* error;   /* NULL when the last answer was 2xx, else what went wrong; malloc'd */
  char* log;     /* one line per attempt ("attempt 1: HTTP 500"); malloc'd or NULL */
} credit_post_result;

typedef struct credit_net_plugin {
  int abi_version;
  /* A client of the `credit serve` server at `base_url` (TLS verified; `cacert` may be NULL);
   * NULL with an error envelope in *error when the location is unusable. */
  void* (*client_open)(const char* base_url, const char* cacert, char** error);
  /* Runs one call through the client. */
  char* (*client_call)(void* client, const credit_call* call);
  void (*client_close)(void* client);
  /* Serves over HTTPS until SIGTERM or SIGINT, handing each call to `dispatch`. `options_json`:
   * {"listen", "cert", "key", "threads", "store", "quiet"}. Returns NULL after a clean stop or an
   * error envelope. */
  char* (*serve)(const char* options_json, credit_dispatch_fn dispatch, void* dispatch_context);
  /* POSTs files as multipart/form-data, retrying transient failures with backoff (ABI 2). Always
   * returns, with *result filled in; the caller frees its strings. */
  void (*post_files)(const credit_post_request* request, credit_post_result* result);
} credit_net_plugin;

/* The one symbol the plugin exports. */
const credit_net_plugin* credit_net_plugin_v1(void);

#ifdef __cplusplus
}
#endif

#endif
