// The auditor's tools on the store: audit.verify, audit.export, audit.checkpoint, audit.key.
//
// The Ed25519 signing key lives in the store's settings ('audit.signing_key'), created on first
// use and never released by any action; docs/audit.md explains the choice.
#include <fmt/format.h>

#include <chrono>

#include "domain/text_clean.hpp"
#include "service/modules.hpp"
#include "service/reference.hpp"
#include "service/service.hpp"
#include "store/audit_chain.hpp"
#include "store/audit_checkpoint.hpp"
#include "store/audit_export.hpp"
#include "store/read_log.hpp"
#include "store/store.hpp"
#include "util/crypto.hpp"
#include "util/error.hpp"

namespace credit::service {

namespace {

constexpr const char* kSigningKey = "audit.signing_key";
constexpr const char* kSigningKeyCreated = "audit.signing_key_created_at";

std::string store_id(store::Store& store) {
  auto id = store.setting("store.id");
  if (!id) fail(ErrorCode::store_unavailable, "the store has no identity", "run `credit migrate`");
  return *id;
}

std::optional<std::string> store_public_key(store::Store& store) {
  auto key = store.setting(kSigningKey);
  if (!key) return std::nullopt;
  return crypto::ed25519_public_pem(*key);
}

// The private key, created on first use inside the caller's write transaction.
std::string signing_key(ActionContext& ctx, bool& created) {
  created = false;
  if (auto key = ctx.store.setting(kSigningKey)) return *key;
  auto pair = crypto::ed25519_generate();
  ctx.store.set_setting(kSigningKey, pair.private_pem);
  ctx.store.set_setting(kSigningKeyCreated, format_utc(ctx.clock.real_now()));
  created = true;
  return pair.private_pem;
}

struct RecordedCheckpoint {
  int64_t id;
  store::Checkpoint checkpoint;
};

std::vector<RecordedCheckpoint> recorded_checkpoints(store::Db& db, bool newest_only = false) {
  std::vector<RecordedCheckpoint> out;
  auto stmt = db.prepare(fmt::format("SELECT id, document FROM audit_checkpoints ORDER BY seq {}",
                                     newest_only ? "DESC LIMIT 1" : ""));
  while (stmt.step()) {
    int64_t id = stmt.column_int64(0);
    out.push_back({id, store::Checkpoint::parse(stmt.column_text(1),
                                                fmt::format("recorded checkpoint {}", id))});
  }
  return out;
}

// Every checkpoint recorded in the store must verify with the store's key and match the log.
void add_recorded_anchors(ActionContext& ctx, store::VerifyOutcome& out,
                          std::vector<store::ChainAnchor>& anchors) {
  auto key = store_public_key(ctx.store);
  for (const auto& [id, cp] : recorded_checkpoints(ctx.db())) {
    auto check = store::check_checkpoint_signature(cp, key, store::CheckpointKey::store);
    if (!key || !check.signature_ok) {
      out.problems.push_back(
          fmt::format("recorded checkpoint {} (entry {}) does not verify: {}", id, cp.seq,
                      key ? check.problem : "the store's signing key is missing"));
      continue;
    }
    anchors.push_back({cp.seq, cp.head_hash,
                       fmt::format("the checkpoint of {} recorded in the store", cp.created_at)});
  }
}

// The window a truncation of the log's tail could go unnoticed in: entries after the newest
// checkpoint, and whether that checkpoint is older than the profile's interval.
Json checkpoint_window(ActionContext& ctx, Json& warnings) {
  auto& db = ctx.db();
  const auto policy = active_policy(db);
  const auto& platform = policy->profile.platform;
  const int interval = platform.checkpoint_interval_days();
  const std::string rule =
      platform.checkpoint_interval ? platform.checkpoint_interval->rule.id : "built-in default";
  Json w = {{"interval_days", interval}, {"rule", rule}};
  auto newest = db.prepare(
      "SELECT seq, COALESCE(simulated_at, created_at) FROM audit_checkpoints ORDER BY seq DESC "
      "LIMIT 1");
  int64_t after_seq = 0;
  std::optional<TimePoint> made;
  if (newest.step()) {
    after_seq = newest.column_int64(0);
    w["checkpoint_seq"] = after_seq;
    w["checkpoint_at"] = newest.column_text(1);
    made = parse_timestamp(newest.column_text(1));
  } else {
    w["checkpoint_seq"] = Json();
    w["checkpoint_at"] = Json();
    // No checkpoint yet: the window opened with the store's first entry, so a new store is
    // not overdue on its first day.
    auto first = db.prepare("SELECT COALESCE(ts_sim, ts_utc) FROM audit_log ORDER BY seq LIMIT 1");
    if (first.step()) made = parse_timestamp(first.column_text(0));
  }
  auto count = db.prepare("SELECT count(*) FROM audit_log WHERE seq > ?");
  count.bind(1, after_seq);
  count.step();
  const int64_t entries_after = count.column_int64(0);
  w["entries_after"] = entries_after;
  const auto age = made ? ctx.clock.now() - *made : std::chrono::microseconds::zero();
  const bool overdue = entries_after > 0 && age > std::chrono::days(interval);
  w["overdue"] = overdue;
  if (overdue)
    warnings.push_back(fmt::format(
        "{} entries follow the newest checkpoint{}, older than {} days ({}): removing them "
        "would go unnoticed until the next one",
        entries_after,
        after_seq ? fmt::format(" (entry {}, {})", after_seq, w["checkpoint_at"].get<std::string>())
                  : " (there is none, and the first entry is)",
        interval, rule));
  return w;
}

// The side log of reads is read before anything of the main log, whose snapshot starts at its
// first read: a fold in between then only moves entries the side snapshot still holds.
std::optional<store::ReadLog::Contents> side_log_snapshot(ActionContext& ctx) {
  auto side = store::ReadLog::open_existing(ctx.store.path());
  if (!side) return std::nullopt;
  return side->read_all();
}

Json audit_verify(ActionContext& ctx) {
  auto side = side_log_snapshot(ctx);
  ctx.audit.targets.push_back("audit_log");
  store::VerifyOutcome out;
  std::vector<store::ChainAnchor> anchors;
  if (ctx.params().contains("checkpoint")) {
    auto cp = store::Checkpoint::from_json(ctx.params()["checkpoint"], "the checkpoint");
    auto given = ctx.optional_string("public_key");
    auto key = given ? given : store_public_key(ctx.store);
    auto origin = given ? store::CheckpointKey::given : store::CheckpointKey::store;
    if (auto anchor = store::admit_checkpoint(out, cp, key, origin)) anchors.push_back(*anchor);
    if (std::string id = store_id(ctx.store); cp.store_id != id)
      out.problems.push_back(
          fmt::format("the checkpoint is of store {}, this store is {}", cp.store_id, id));
    // The log records which checkpoint was checked, not the document itself.
    ctx.audit.params = {
        {"checkpoint", {{"seq", cp.seq}, {"head_hash", cp.head_hash}, {"key_id", cp.key_id}}}};
    if (given) ctx.audit.params["public_key"] = crypto::ed25519_key_id(*given);
  }
  add_recorded_anchors(ctx, out, anchors);
  out.chain = store::verify_audit_log(ctx.db(), anchors);
  auto reads = store::verify_read_log(ctx.db(), side, store_id(ctx.store));
  if (!reads.ok()) out.problems.push_back(reads.problem);
  if (reads.unfolded > 0)
    out.notes.push_back(fmt::format(
        "{} read entries recorded in the side log of reads while the store was busy were verified "
        "there; the next write folds them into the log",
        reads.unfolded));
  ctx.audit.reason = out.ok() ? fmt::format("{}/{} entries valid", out.chain.valid, out.chain.total)
                     : out.chain.broken_seq
                         ? fmt::format("chain broken at entry {}", *out.chain.broken_seq)
                         : out.problem();
  Json result = out.to_json();
  Json warnings = Json::array();
  result["since_checkpoint"] = checkpoint_window(ctx, warnings);
  result["warnings"] = warnings;
  result["reads"] = {{"folded", reads.folded}, {"unfolded", reads.unfolded}};
  return result;
}

// ---- export -----------------------------------------------------------------------------------

struct ExportRequest {
  store::AuditFilter filter;
  Json filters = Json::object();  // as given, with the time bounds they resolved to
};

std::string time_bound(ActionContext& ctx, const char* key, bool upper, Json& filters) {
  std::string text = *ctx.optional_string(key);
  auto t = parse_timestamp(text);
  if (!t)
    fail(ErrorCode::bad_input, fmt::format("--{} '{}' is not a date or a timestamp", key, text),
         "give a date (2026-03-31) or an ISO 8601 timestamp (2026-03-31T18:00:00); China time "
         "unless an offset such as Z or +08:00 is given");
  // --until DATE includes that whole day; --until TIMESTAMP includes that instant.
  bool date_only = text.size() == 10;
  if (upper)
    *t +=
        date_only ? std::chrono::microseconds(std::chrono::days(1)) : std::chrono::microseconds(1);
  std::string utc = format_utc(*t);
  filters[key] = text;
  filters[std::string(key) + (upper ? "_before_utc" : "_utc")] = utc;
  return utc;
}

ExportRequest export_request(ActionContext& ctx) {
  ExportRequest r;
  if (ctx.optional_string("since")) r.filter.since_utc = time_bound(ctx, "since", false, r.filters);
  if (ctx.optional_string("until")) r.filter.until_utc = time_bound(ctx, "until", true, r.filters);
  if (r.filter.since_utc && r.filter.until_utc && *r.filter.since_utc >= *r.filter.until_utc)
    fail(ErrorCode::bad_input,
         fmt::format("--since {} is not before --until {}", r.filters["since"].get<std::string>(),
                     r.filters["until"].get<std::string>()),
         "swap the two, or widen the period");
  for (const char* key : {"actor", "action", "target"}) {
    auto value = ctx.optional_string(key);
    if (!value) continue;
    if (value->empty() || *value == "*")
      fail(ErrorCode::bad_input, fmt::format("--{} needs a value", key),
           "give a name, or a prefix ending in '*' such as user.*");
    r.filters[key] = *value;
  }
  r.filter.actor = ctx.optional_string("actor");
  r.filter.action = ctx.optional_string("action");
  r.filter.target = ctx.optional_string("target");
  return r;
}

// Runs before the export's own entry commits: bad filters are refused (and audited as failed),
// and the entry shows the filters as resolved.
void prepare_export(ActionContext& ctx) {
  ExportRequest r = export_request(ctx);
  ctx.audit.targets.push_back("audit_log");
  ctx.audit.params["filters"] = r.filters;
  for (const char* key : {"since", "until", "actor", "action", "target"})
    ctx.audit.params.erase(key);
}

// An export is UTF-8 JSON or CSV: an entry whose stored text is not UTF-8 was damaged in the
// store (its hash no longer matches either) and cannot be written faithfully. Exit 9, naming it.
void check_exportable(const store::AuditEntry& e) {
  const std::pair<const char*, const std::string*> fields[] = {
      {"ts_utc", &e.ts_utc}, {"actor", &e.actor},     {"role", &e.role},
      {"dept", &e.dept},     {"action", &e.action},   {"targets", &e.targets},
      {"params", &e.params}, {"outcome", &e.outcome}, {"reason", &e.reason}};
  for (const auto& [name, value] : fields) {
    if (domain::is_valid_utf8(*value)) continue;
    throw Error(ErrorCode::integrity,
                fmt::format("audit entry {} is damaged: its {} is not valid UTF-8 ('{}'); the "
                            "export stopped there",
                            e.seq, name, domain::escape_controls(*value)),
                fmt::format("run `credit audit verify` and keep the store as it is for "
                            "investigation; --until/--since export the entries before or after {}",
                            e.seq));
  }
}

Json audit_export(ActionContext& ctx) {
  ExportRequest r = export_request(ctx);
  auto head = store::read_audit_head(ctx.db());  // the snapshot's head: the rows match it
  Json result = {{"store_id", store_id(ctx.store)},
                 {"store_head",
                  {{"seq", head ? head->first : 0}, {"hash", head ? head->second : std::string()}}},
                 {"export_entry_seq", ctx.entry_seq},
                 {"filters", r.filters},
                 {"created_at", format_utc(ctx.clock.real_now())}};
  result["simulated_at"] = ctx.clock.simulated() ? Json(format_utc(ctx.clock.now())) : Json();
  result["exported_by"] = ctx.user.name;
  int64_t count = 0;
  store::for_each_audit_entry(ctx.db(), r.filter, [&](const store::AuditEntry& e) {
    check_exportable(e);
    ctx.emit_row(store::audit_entry_to_json(e));
    ++count;
  });
  result["entries"] = count;
  if (!ctx.call.rows) result["rows"] = std::move(ctx.collected);
  return result;
}

// ---- checkpoints and the key ------------------------------------------------------------------

Json audit_checkpoint(ActionContext& ctx) {
  auto& db = ctx.db();
  bool created = false;
  std::string key = signing_key(ctx, created);
  // Verify before signing, from the newest recorded checkpoint on: a checkpoint must never vouch
  // for a log that is already broken.
  std::optional<store::ChainAnchor> from;
  auto newest = recorded_checkpoints(db, true);
  if (!newest.empty()) {
    const auto& cp = newest.front().checkpoint;
    if (store::check_checkpoint_signature(cp, crypto::ed25519_public_pem(key),
                                          store::CheckpointKey::store)
            .signature_ok)
      from = store::checkpoint_anchor(cp);
  }
  auto report = store::verify_audit_log(db, {}, from);
  if (!report.ok())
    throw Error(ErrorCode::integrity,
                fmt::format("the audit log is broken at entry {}: {}; no checkpoint was signed",
                            *report.broken_seq, report.problem),
                "run `credit audit verify` and investigate before signing anything");
  store::Checkpoint cp;
  cp.store_id = store_id(ctx.store);
  cp.seq = report.head_seq;
  cp.head_hash = report.head_hash;
  cp.created_at = format_utc(ctx.clock.real_now());
  if (ctx.clock.simulated()) cp.simulated_at = format_utc(ctx.clock.now());
  cp.created_by = ctx.user.name;
  store::sign_checkpoint(cp, key);
  Json doc = cp.to_json();
  auto insert = db.prepare(
      "INSERT INTO audit_checkpoints (seq, head_hash, created_at, simulated_at, created_by, "
      "key_id, document) VALUES (?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, cp.seq)
      .bind(2, cp.head_hash)
      .bind(3, cp.created_at)
      .bind(4, cp.simulated_at)
      .bind(5, cp.created_by)
      .bind(6, cp.key_id)
      .bind(7, doc.dump(2))
      .run();
  ctx.audit.targets = {"audit_log", fmt::format("checkpoint:{}", cp.seq)};
  ctx.audit.params["key_id"] = cp.key_id;
  ctx.audit.reason =
      fmt::format("checkpoint of entry {}{}", cp.seq, created ? "; signing key created" : "");
  return {{"checkpoint", doc},
          {"verified_from", from ? from->seq : 1},
          {"verified_entries", report.valid},
          {"key_created", created}};
}

Json audit_key(ActionContext& ctx) {
  bool created = false;
  std::string pem = crypto::ed25519_public_pem(signing_key(ctx, created));
  std::string id = crypto::ed25519_key_id(pem);
  ctx.audit.targets.push_back("audit_signing_key");
  ctx.audit.reason = created ? "signing key created" : "";
  return {{"key_id", id},
          {"algorithm", "Ed25519"},
          {"created_at", ctx.store.setting(kSigningKeyCreated).value_or("")},
          {"store_id", store_id(ctx.store)},
          {"public_key", pem},
          {"created", created}};
}

}  // namespace

void register_audit_actions(ActionRegistry& r) {
  r.add({"audit.verify", "audit.read", Access::read, audit_verify,
         "verify the audit log's hash chain, optionally against a signed checkpoint"});
  r.add({"audit.export", "audit.read", Access::audit_first, audit_export,
         "stream the audit log's entries, exactly as stored, for an export", prepare_export});
  r.add({"audit.checkpoint", "audit.read", Access::write, audit_checkpoint,
         "verify the log and sign a checkpoint of its head"});
  r.add({"audit.key", "audit.read", Access::write, audit_key,
         "the public key that signs checkpoints (created on first use)"});
}

}  // namespace credit::service
