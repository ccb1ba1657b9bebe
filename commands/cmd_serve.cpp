// credit serve: the store's service over HTTPS for remote clients (`--store https://…`).
#include <CLI/CLI.hpp>

#include "cli/app.hpp"
#include "cli/command.hpp"
#include "cli/context.hpp"
#include "net/remote.hpp"
#include "util/error.hpp"

namespace credit::cli {

namespace {
void setup(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<net::ServeOptions>();
  app.add_option("--listen", opts->listen,
                 "the address and port to listen on, HOST:PORT (port 0: any free port, printed at "
                 "start)")
      ->required()
      ->type_name("HOST:PORT");
  app.add_option("--cert", opts->cert_file,
                 "the server's TLS certificate, PEM, with its intermediate certificates")
      ->required()
      ->type_name(kFileType);
  app.add_option("--key", opts->key_file, "the certificate's private key, PEM (unencrypted)")
      ->required()
      ->type_name(kFileType);
  app.add_option("--threads", opts->threads,
                 "how many connections are served at once (each holds a thread until it closes)")
      ->default_str("32")
      ->type_name("N");
  app.add_option("--connections-per-address", opts->connections_per_address,
                 "how many connections one client address may hold open; more are closed at once")
      ->default_str("8")
      ->type_name("N");
  app.add_option("--header-timeout", opts->header_timeout,
                 "seconds a connection may take from connecting, or from its last answer, to a "
                 "request's complete headers; idle and slow connections are closed after it")
      ->default_str("10")
      ->type_name("SECONDS");
  app.callback([&ctx, opts] {
    if (ctx.options.store.empty())
      fail(ErrorCode::usage, "no store given", "pass --store PATH or set CREDIT_STORE");
    if (ctx.options.store.rfind("https://", 0) == 0 || ctx.options.store.rfind("http://", 0) == 0)
      fail(ErrorCode::usage, "credit serve serves a local SQLite store, not a remote one",
           "pass --store PATH of the store file on this machine");
    opts->store = ctx.options.store;
    opts->quiet = ctx.options.quiet;
    net::serve_store(*opts, ctx.clock());
  });
}
}  // namespace

extern const CommandDef cmd_serve{
    "serve",
    "serve a store over HTTPS to remote `credit --store https://…` clients",
    "Serves the store given by --store (or CREDIT_STORE), a local SQLite file, over HTTPS, so that "
    "every command can run on another machine with --store https://HOST:PORT. There is no plain "
    "HTTP mode. The server authenticates nobody itself: each request carries the caller's token "
    "(Authorization: Bearer), and the same service as a local call checks it, checks the role's "
    "right, runs the action and writes the audit entry in the store's hash-chained log. Remote "
    "and local calls therefore give the same results, messages and exit codes.\n\n"
    "Each request opens its own connection to the store; concurrent writers wait for SQLite's "
    "write "
    "lock. The clock is the server's: CREDIT_NOW set for the server applies to every request, a "
    "client's CREDIT_NOW does not. A store whose schema needs `credit migrate` is refused at start "
    "(run the migration locally, or remotely as an admin once it serves); `credit init` cannot "
    "create a store through a server.\n\n"
    "Clients verify the server's certificate always: a certificate from a private CA or a "
    "self-signed one needs --cacert FILE (CREDIT_CACERT) on the client, and the host in the "
    "client's URL must be a name or address the certificate lists.\n\n"
    "The protocol (docs/remote-api.md): GET /v1/version answers the version handshake; POST "
    "/v1/call/ACTION carries a JSON call object {\"params\": {…}} — or, with input files, "
    "multipart/form-data with the call object as part \"call\" and each file as a later part "
    "\"input\", streamed in both directions so that a large import is never held in memory. The "
    "answer is NDJSON: one {\"row\": …} line per result row as it is produced, then one "
    "{\"result\": …} or {\"error\": {\"code\", \"message\", \"hint\"}} line. Integers beyond 2^53 "
    "travel as strings.\n\n"
    "Each request writes one access-log line on stderr — time, peer address, action, HTTP status, "
    "outcome, duration; never the token. --quiet silences it. SIGTERM or SIGINT stops the server "
    "after the requests in flight have finished.",
    {{"credit serve --store /srv/credit/store.db --listen 0.0.0.0:8443 --cert server.pem --key "
      "server.key",
      "Serve a store on port 8443 of every interface"},
     {"credit --store https://credit.example.gov.cn:8443 --cacert ca.pem --token-file me.token "
      "whoami",
      "Use it from another machine, trusting the platform's private CA"}},
    setup};

}  // namespace credit::cli
