// credit audit export/verify/checkpoint/key: the auditor's tools.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "cli/app.hpp"
#include "cli/command.hpp"
#include "cli/context.hpp"
#include "io/atomic_file.hpp"
#include "store/audit_export.hpp"
#include "util/error.hpp"
#include "util/paths.hpp"

namespace credit::cli {

namespace {

// ---- export -----------------------------------------------------------------------------------

struct ExportOptions {
  std::string since, until, actor, action, target, out;
};

store::ExportFormat export_format(Context& ctx) {
  switch (ctx.out().format()) {
    case io::Format::json:
      return store::ExportFormat::json;
    case io::Format::csv:
      return store::ExportFormat::csv;
    default:
      return store::ExportFormat::ndjson;  // table too: a log is not read as a table
  }
}

Json export_params(const ExportOptions& o, store::ExportFormat format) {
  Json params = {{"format", store::export_format_name(format)}};
  auto set = [&](const char* key, const std::string& value) {
    if (!value.empty()) params[key] = value;
  };
  set("since", o.since);
  set("until", o.until);
  set("actor", o.actor);
  set("action", o.action);
  set("target", o.target);
  if (!o.out.empty()) params["file"] = std::filesystem::path(o.out).filename().string();
  return params;
}

store::ExportManifest make_manifest(const ExportOptions& o, const store::AuditExportWriter& writer,
                                    const Json& result, const std::string& sha256, int64_t bytes) {
  store::ExportManifest m;
  m.export_file = std::filesystem::path(o.out).filename().string();
  m.describe(writer);
  m.sha256 = sha256;
  m.bytes = bytes;
  m.filters = result["filters"];
  m.store_id = result["store_id"].get<std::string>();
  m.store_head_seq = result["store_head"]["seq"].get<int64_t>();
  m.store_head_hash = result["store_head"]["hash"].get<std::string>();
  m.export_entry_seq = result["export_entry_seq"].get<int64_t>();
  m.created_at = result["created_at"].get<std::string>();
  if (!result["simulated_at"].is_null()) m.simulated_at = result["simulated_at"].get<std::string>();
  m.exported_by = result["exported_by"].get<std::string>();
  return m;
}

void run_export(Context& ctx, const ExportOptions& o) {
  auto format = export_format(ctx);
  std::unique_ptr<io::AtomicFile> file;
  if (!o.out.empty()) {
    ctx.guard_output(o.out, "--out");
    ctx.guard_output(store::manifest_path_for(o.out), "--out's manifest");
    file = std::make_unique<io::AtomicFile>(o.out);
  }
  store::AuditExportWriter writer(format, [&](std::string_view bytes) {
    if (file)
      file->write(bytes);
    else
      std::fwrite(bytes.data(), 1, bytes.size(), stdout);
  });
  // Rows stream from the store to the file one at a time: memory stays flat in the log's size.
  Json result = ctx.call("audit.export", export_params(o, format), {},
                         [&](const Json& row) { writer.add(store::audit_entry_from_json(row)); });
  writer.finish();
  if (!file) {
    std::fflush(stdout);
    return;
  }
  std::string sha256 = file->finish();
  auto manifest = make_manifest(o, writer, result, sha256, file->bytes());
  // The old manifest goes first and the new one last: a kill in between leaves an export without
  // a manifest (verify says so), never an export beside a manifest that describes another one.
  io::AtomicFile manifest_file(store::manifest_path_for(o.out));
  manifest_file.write(manifest.to_json().dump(2) + "\n");
  manifest_file.finish();
  std::error_code ignored;
  std::filesystem::remove(store::manifest_path_for(o.out), ignored);
  file->commit();
  manifest_file.commit();
  if (ctx.out().format() != io::Format::table) return ctx.out().object(manifest.to_json());
  ctx.out().say(writer.count() == 0
                    ? fmt::format("no entries matched; wrote an empty export to {}", o.out)
                    : fmt::format("exported {} entries (seq {} to {}{}) to {}", writer.count(),
                                  *writer.first_seq(), *writer.last_seq(),
                                  writer.contiguous() ? "" : ", filtered", o.out));
  ctx.out().say(fmt::format("manifest {} (sha256 {})", store::manifest_path_for(o.out), sha256));
}

void setup_export(CLI::App& parent, Context& ctx) {
  auto o = std::make_shared<ExportOptions>();
  auto* app = parent.add_subcommand(
      "export", "export audit entries exactly as stored, with a manifest; the export is audited");
  app->add_option("--since", o->since,
                  "entries at or after this date or time (China time unless an offset is given)")
      ->type_name("DATE|TIME");
  app->add_option("--until", o->until,
                  "entries up to this date (the whole day) or time (inclusive)")
      ->type_name("DATE|TIME");
  app->add_option("--actor", o->actor, "entries of this user (a trailing * matches a prefix)")
      ->type_name("NAME");
  app->add_option("--action", o->action,
                  "entries of this action, e.g. user.add or user.* (a trailing * matches a prefix)")
      ->type_name("ACTION");
  app->add_option("--target", o->target,
                  "entries that name this target, e.g. user:li.na (a trailing * matches a prefix)")
      ->type_name("TARGET");
  app->add_option("--out", o->out,
                  "write the export to FILE and its manifest to FILE.manifest.json (default: "
                  "the export to stdout, no manifest)")
      ->type_name(kFileType);
  app->callback([&ctx, o] { run_export(ctx, *o); });
}

// ---- verify -----------------------------------------------------------------------------------

struct VerifyOptions {
  std::string export_file, manifest, checkpoint, key;
  bool gaps = false;
};

// Sequence 0: nothing could be read before the problem, so no entry number is known.
std::string broken_at(int64_t seq) {
  return seq > 0 ? fmt::format("entry {}", seq) : std::string("its first entry");
}

void render_verify(Context& ctx, const Json& r) {
  auto& out = ctx.out();
  for (const auto& note : r["notes"])
    out.note(note.get<std::string>());
  bool valid = r["valid"].get<bool>();
  if (out.format() != io::Format::table) {
    out.object(r);
  } else {
    int64_t total = r["entries"].get<int64_t>(), good = r["valid_entries"].get<int64_t>();
    std::string what = r["source"] == "store" ? "the store's log" : r["source"].get<std::string>();
    if (r["broken_seq"].is_null())
      out.say(fmt::format("{}/{} entries valid in {}{}", good, total, what,
                          total ? fmt::format(", head {} {}", r["head_seq"].get<int64_t>(),
                                              r["head_hash"].get<std::string>())
                                : ""));
    else
      out.say(fmt::format("{}/{} entries valid in {} before the first break", good, total, what));
    if (const Json& reads = r.value("reads", Json());
        reads.is_object() && reads["folded"].get<int64_t>() + reads["unfolded"].get<int64_t>() > 0)
      out.say(
          fmt::format("{} reads recorded while the store was busy: {} folded into the log, {} "
                      "in the side log of reads",
                      reads["folded"].get<int64_t>() + reads["unfolded"].get<int64_t>(),
                      reads["folded"].get<int64_t>(), reads["unfolded"].get<int64_t>()));
    if (r.contains("sha256") && !r["sha256"].is_null())
      out.say(fmt::format(
          "sha256 {}{}", r["sha256"].get<std::string>(),
          r["manifest"].is_null() ? "" : " (manifest " + r["manifest"].get<std::string>() + ")"));
    if (const Json& cp = r["checkpoint"]; !cp.is_null())
      out.say(fmt::format("checkpoint of entry {} ({}): signature {} with the {} key {}; {}",
                          cp["seq"].get<int64_t>(), cp["created_at"].get<std::string>(),
                          cp["signature"].get<std::string>(), cp["checked_with"].get<std::string>(),
                          cp["key_id"].get<std::string>(),
                          cp["matched"].get<bool>() ? "the entry matches" : "not matched"));
    if (const Json& w = r.value("since_checkpoint", Json()); !w.is_null())
      out.say(w["checkpoint_seq"].is_null()
                  ? fmt::format("{} entries and no checkpoint yet (sign one with `credit audit "
                                "checkpoint`, every {} days)",
                                w["entries_after"].get<int64_t>(), w["interval_days"].get<int>())
                  : fmt::format("{} entries after the newest checkpoint (entry {}, {})",
                                w["entries_after"].get<int64_t>(),
                                w["checkpoint_seq"].get<int64_t>(),
                                w["checkpoint_at"].get<std::string>()));
  }
  for (const auto& warning : r.value("warnings", Json::array()))
    out.warn(warning.get<std::string>());
  if (valid) return;
  if (r["broken_seq"].is_null())
    throw Error(ErrorCode::integrity,
                fmt::format("verification failed: {}", r["problem"].get<std::string>()),
                "keep the files as they are for investigation");
  throw Error(ErrorCode::integrity,
              fmt::format("audit log broken at {}: {}", broken_at(r["broken_seq"].get<int64_t>()),
                          r["problem"].get<std::string>()),
              "keep the store and files as they are for investigation; compare them with a "
              "backup, an earlier export or a checkpoint");
}

void run_verify(Context& ctx, const VerifyOptions& o) {
  std::optional<store::Checkpoint> checkpoint;
  if (!o.checkpoint.empty())
    checkpoint = store::Checkpoint::parse(read_text_file(o.checkpoint), o.checkpoint);
  std::optional<std::string> key;
  if (!o.key.empty()) key = read_text_file(o.key);
  if (!o.export_file.empty()) {
    // Offline: no store, no token; the verification itself is the library's.
    store::ExportVerifyOptions options;
    if (!o.manifest.empty()) options.manifest_path = o.manifest;
    options.allow_gaps = o.gaps;
    options.checkpoint = checkpoint;
    options.trusted_key_pem = key;
    return render_verify(ctx, store::verify_audit_export(o.export_file, options).to_json());
  }
  Json params = Json::object();
  if (checkpoint) params["checkpoint"] = checkpoint->to_json();
  if (key) params["public_key"] = *key;
  render_verify(ctx, ctx.call("audit.verify", params));
}

void setup_verify(CLI::App& parent, Context& ctx) {
  auto o = std::make_shared<VerifyOptions>();
  auto* app = parent.add_subcommand(
      "verify", "check the store's audit log, or an export offline; exit 9 at the first break");
  auto* exp = app->add_option("--export", o->export_file,
                              "verify this export file instead of the store (no store or token "
                              "needed)")
                  ->type_name(kFileType);
  app->add_option("--manifest", o->manifest,
                  "the export's manifest (default: FILE.manifest.json beside the export)")
      ->type_name(kFileType)
      ->needs(exp);
  app->add_flag("--gaps", o->gaps,
                "an export without its manifest is filtered: check links only inside each run "
                "of consecutive entries")
      ->needs(exp);
  app->add_option("--checkpoint", o->checkpoint,
                  "also check against this signed checkpoint: its entry must be present and "
                  "match, so removed newest entries are found")
      ->type_name(kFileType);
  app->add_option("--key", o->key,
                  "the public key (PEM from `credit audit key`) the checkpoint must be signed "
                  "with (default: the store's key; offline, the key inside the checkpoint)")
      ->type_name(kFileType);
  app->callback([&ctx, o] { run_verify(ctx, *o); });
}

// ---- checkpoint and key -----------------------------------------------------------------------

void write_small_file(const std::string& path, const std::string& content) {
  io::AtomicFile file(path);
  file.write(content);
  file.commit();
}

void setup_checkpoint(CLI::App& parent, Context& ctx) {
  auto out = std::make_shared<std::string>();
  auto* app = parent.add_subcommand(
      "checkpoint", "verify the log and write a signed checkpoint of its head (keep it elsewhere)");
  app->add_option("--out", *out, "write the checkpoint to FILE (default: stdout)")
      ->type_name(kFileType);
  app->callback([&ctx, out] {
    ctx.guard_output(*out, "--out");  // before the call, which signs and audits
    Json r = ctx.call("audit.checkpoint", Json::object());
    const Json& doc = r["checkpoint"];
    if (out->empty()) {
      if (ctx.out().format() == io::Format::table)
        std::fputs((doc.dump(2) + "\n").c_str(), stdout);
      else
        ctx.out().object(doc);
    } else {
      write_small_file(*out, doc.dump(2) + "\n");
      if (ctx.out().format() != io::Format::table) return ctx.out().object(r);
      ctx.out().say(fmt::format("checkpoint of entry {} ({}) signed with {}, written to {}",
                                doc["seq"].get<int64_t>(), doc["head_hash"].get<std::string>(),
                                doc["key_id"].get<std::string>(), *out));
    }
    if (r["key_created"].get<bool>())
      ctx.out().note("a signing key was created; export its public key with `credit audit key`");
    ctx.out().note("keep the checkpoint and the public key away from the store");
  });
}

void setup_key(CLI::App& parent, Context& ctx) {
  auto out = std::make_shared<std::string>();
  auto* app = parent.add_subcommand(
      "key", "print the public key that signs checkpoints (PEM); created on first use");
  app->add_option("--out", *out, "write the PEM to FILE (default: stdout)")->type_name(kFileType);
  app->callback([&ctx, out] {
    ctx.guard_output(*out, "--out");
    Json r = ctx.call("audit.key", Json::object());
    std::string pem = r["public_key"].get<std::string>();
    if (!out->empty()) write_small_file(*out, pem);
    if (ctx.out().format() != io::Format::table) return ctx.out().object(r);
    if (!out->empty())
      return ctx.out().say(
          fmt::format("public key {} written to {}", r["key_id"].get<std::string>(), *out));
    std::fputs(pem.c_str(), stdout);
    ctx.out().note(fmt::format("key {}", r["key_id"].get<std::string>()));
  });
}

void setup(CLI::App& app, Context& ctx) {
  app.require_subcommand(1);
  setup_export(app, ctx);
  setup_verify(app, ctx);
  setup_checkpoint(app, ctx);
  setup_key(app, ctx);
}

}  // namespace

extern const CommandDef cmd_audit{
    "audit",
    "export and verify the hash-chained audit log; signed checkpoints",
    "Every operation, allowed or refused, appends an entry to the store's audit log in the same "
    "transaction as the change it records: sequence number, UTC time (and the simulated time when "
    "CREDIT_NOW is set), actor, role, department, action, targets, parameters with personal values "
    "replaced by HMACs, outcome and reason. Each entry's SHA-256 hash covers a canonical "
    "serialisation of its fields and the previous entry's hash, so editing, deleting or reordering "
    "any entry breaks the chain from there on. Every subcommand needs the auditor role (right "
    "audit.read), and reading the log is itself audited.\n\n"
    "`audit export` streams entries exactly as stored — every field the chain needs, prev_hash and "
    "hash included — as NDJSON (the default), JSON (--format json) or CSV (--format csv; an empty "
    "unquoted ts_sim means none). Filters: --since/--until (dates or ISO 8601 times, China time "
    "unless an offset is given; --until DATE includes that day), --actor, --action, --target. "
    "With --out FILE it also writes FILE.manifest.json: entry count, first and last sequence "
    "number, head hash, the file's SHA-256 and size, the filters, whether the entries are one "
    "contiguous range of the chain, the store's identity and head, who exported when, and the "
    "sequence number of the export's own audit entry (which is committed before the rows are "
    "read, and shows the filters).\n\n"
    "`audit checkpoint` verifies the log (from the last checkpoint on) and signs its head with "
    "Ed25519: store identity, sequence number, head hash, real time (and simulated time when "
    "CREDIT_NOW is set), signer. Keep checkpoints, and the public key from `audit key`, away from "
    "the store: a checkpoint proves later that the log still holds that entry with that hash, so "
    "rewriting the log or removing its newest entries is found even by someone who also rewrote "
    "the store's recorded head.\n\n"
    "KEY STORAGE. The private key is created on first use (by `audit key` or `audit checkpoint`) "
    "and kept in the store's settings; no action ever returns it. The trade-off, chosen so that "
    "checkpoints need no key management: someone with write access to the store file can read "
    "the key and sign new checkpoints of a forged log, but cannot make the store match the "
    "checkpoints already kept elsewhere, and a replaced key is seen at once against the public "
    "key kept elsewhere (--key). Protect the store file as the log itself. See docs/audit.md.\n\n"
    "`audit verify` checks the store's log, or with --export FILE an export offline (no store or "
    "token needed): every entry's hash, the links inside each contiguous run (the manifest says "
    "whether gaps are expected), and the manifest's digest and counts. With --checkpoint FILE the "
    "checkpoint's signature must verify (with --key PUBKEY.pem, else the store's key, else "
    "offline the key it carries) and its entry must be present with its hash: a log or export "
    "that ends before it has lost its newest entries. The store's own recorded checkpoints are "
    "always checked. It prints `N/N entries valid` and exits 0, or exits 9 naming the first "
    "broken entry.",
    {{"credit audit export --since 2026-01-01 --until 2026-03-31 --out q1.ndjson",
      "Export the first quarter with a manifest"},
     {"credit audit export --action 'user.*' --format csv --out users.csv",
      "Export every account operation as CSV"},
     {"credit audit checkpoint --out cp-2026-04-01.json && credit audit key --out audit-key.pem",
      "Sign the head of the log and save the public key (keep both elsewhere)"},
     {"credit audit verify --export q1.ndjson --checkpoint cp-2026-04-01.json --key audit-key.pem",
      "Verify an export offline against a checkpoint, without a store"},
     {"credit audit verify --checkpoint cp-2026-04-01.json --key audit-key.pem",
      "Verify the store's log; find removed newest entries"}},
    setup};

}  // namespace credit::cli
