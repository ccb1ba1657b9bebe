#include "service/service.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>

#include "domain/roles.hpp"
#include "domain/text_clean.hpp"
#include "service/loading_batch.hpp"
#include "service/tokens.hpp"
#include "store/audit_chain.hpp"
#include "store/lock_holder.hpp"
#include "store/read_log.hpp"
#include "store/savepoint.hpp"
#include "store/store.hpp"
#include "util/crypto.hpp"
#include "util/error.hpp"

namespace credit::service {

namespace {
const std::set<std::string>& personal_keys() {
  // name_contains: a query's name may be a natural person's (credit query --name); subject: an
  // authorisation's subject may be a person's ID number (credit consent).
  static const std::set<std::string> keys = {"id_number",         "person_name",   "legal_rep_id",
                                             "subject_id_number", "name_contains", "subject"};
  return keys;
}
const std::set<std::string>& secret_keys() {
  static const std::set<std::string> keys = {"token", "password", "secret"};
  return keys;
}

std::string hmac_key(store::Store& store) {
  auto key = store.setting("audit.hmac_key");
  if (!key) fail(ErrorCode::store_unavailable, "the store has no audit key", "re-create the store");
  return *key;
}

// Invalid bytes become U+FFFD.
std::string valid_utf8(std::string_view text) {
  if (domain::is_valid_utf8(text)) return std::string(text);
  std::string out;
  for (size_t pos = 0; pos < text.size();)
    domain::append_utf8(out, domain::utf8_next(text, pos).value_or(U'\uFFFD'));
  return out;
}

Error permission_error(const Principal& who, const ActionDef& def) {
  auto roles = domain::roles_with_right(def.right);
  return Error(
      ErrorCode::permission_denied,
      fmt::format("permission denied: {} needs the right '{}', which role '{}' of user "
                  "'{}' does not have",
                  def.name, def.right, who.role, who.name),
      fmt::format("ask an administrator; roles with '{}': {}", def.right, fmt::join(roles, ", ")));
}
// Names a write call for the writers waiting for it: "user add by admin (process 4711) …".
store::LockHolder holder(const Principal& who, const ActionDef& def, TimePoint now) {
  std::string what = def.name;
  std::replace(what.begin(), what.end(), '.', ' ');
  return {static_cast<int64_t>(::getpid()), who.name, what, format_china(now)};
}
}  // namespace

Json sanitise_audit_params(const Json& params, const std::string& key) {
  if (params.is_object()) {
    Json out = Json::object();
    for (const auto& [name, value] : params.items()) {
      if (secret_keys().count(name)) continue;
      if (personal_keys().count(name) && value.is_string() && !value.get<std::string>().empty())
        out[valid_utf8(name)] =
            "hmac:" + crypto::hmac_sha256_hex(key, value.get<std::string>()).substr(0, 32);
      else
        out[valid_utf8(name)] = sanitise_audit_params(value, key);
    }
    return out;
  }
  // The entry is JSON text: a value that is not UTF-8 must not keep the call from being recorded.
  if (params.is_string()) return valid_utf8(params.get<std::string>());
  if (params.is_array()) {
    Json out = Json::array();
    for (const auto& item : params)
      out.push_back(sanitise_audit_params(item, key));
    return out;
  }
  return params;
}

namespace {
constexpr std::chrono::milliseconds kSideLogWait{30000};
}

Service::Service(store::Store& store, Clock clock) : store_(store), clock_(std::move(clock)) {}
Service::~Service() = default;

store::AuditEntry Service::make_entry(const Principal& who, const std::string& action,
                                      const AuditNote& note, const std::string& outcome,
                                      const std::string& reason) const {
  store::AuditEntry entry;
  entry.ts_utc = format_utc(clock_.real_now());
  if (clock_.simulated()) entry.ts_sim = format_utc(clock_.now());
  entry.actor = who.name;
  entry.role = who.role;
  entry.dept = who.dept;
  entry.action = action;
  entry.targets = Json(note.targets).dump(-1, ' ', false, Json::error_handler_t::replace);
  if (who.token_issued_by.empty()) {
    entry.params = canonical_json(note.params);
  } else {  // marked in every entry until the owner rotates the token
    Json params = note.params.is_object() ? note.params : Json::object();
    params["token_issued_by"] = who.token_issued_by;
    entry.params = canonical_json(params);
  }
  entry.outcome = outcome;
  // Exports carry entries as JSON text, which must be valid UTF-8 (an error message may quote a
  // file name in another encoding).
  entry.reason = valid_utf8(reason);
  return entry;
}

int64_t Service::append_entry(const Principal& who, const std::string& action,
                              const AuditNote& note, const std::string& outcome,
                              const std::string& reason) {
  return store::append_audit_entry(store_.db(), make_entry(who, action, note, outcome, reason)).seq;
}

int64_t Service::fold_reads() {
  if (!reads_) reads_ = store::ReadLog::open_existing(store_.path());
  if (!reads_) return 0;
  // A side file that cannot be folded must not stop the write: its entries stay where they are
  // and `audit verify` reports what is wrong with them.
  try {
    store::Savepoint fold(store_.db(), "fold_reads");
    int64_t through = store::fold_read_log(store_.db(), *reads_, format_utc(clock_.real_now()));
    fold.release();
    return through;
  } catch (const Error&) {
    return 0;
  }
}

void Service::forget_folded(int64_t through) {
  if (reads_) reads_->forget_through(through);
}

void Service::record_read(const Principal& who, const std::string& action, const AuditNote& note,
                          const std::string& outcome, const std::string& reason) {
  auto& db = store_.db();
  if (auto tx = store::Transaction::try_immediate(db)) {
    int64_t folded = fold_reads();
    append_entry(who, action, note, outcome, reason);
    tx->commit();
    forget_folded(folded);
    return;
  }
  // A writer holds the store (an import may hold it for minutes): the side log, whose lock only
  // readers take, for a few milliseconds each.
  if (!reads_) {
    auto id = store_.setting("store.id");
    if (!id)
      fail(ErrorCode::store_unavailable, "the store has no identity", "run `credit migrate`");
    reads_ = store::ReadLog::open_or_create(store_.path(), *id);
  }
  // Other readers hold the side lock for milliseconds: waiting for them is not waiting for a
  // writer, even under --wait 0.
  reads_->db().set_lock_wait_limit(std::max(db.lock_wait_limit(), kSideLogWait));
  reads_->append(make_entry(who, action, note, outcome, reason), store::folded_read_point(db));
}

void Service::record_refusal(const Principal& who, const Call& call, const AuditNote& note,
                             const std::string& outcome, const std::string& reason, bool read) {
  // Best effort in its own transaction: the refusal itself is what the caller gets either way.
  try {
    AuditNote copy = note;
    if (copy.params.empty()) copy.params = sanitise_audit_params(call.params, hmac_key(store_));
    if (read) return record_read(who, call.action, copy, outcome, reason);
    // A call that gave up waiting for the store does not wait a second time to say so.
    auto& db = store_.db();
    const auto wait = db.lock_wait_limit();
    if (db.gave_up_waiting()) db.set_lock_wait_limit(std::chrono::milliseconds(0));
    try {
      store::Transaction tx(db, store::Transaction::Kind::immediate);
      append_entry(who, call.action, copy, outcome, reason);
      tx.commit();
    } catch (const std::exception&) {
    }
    db.set_lock_wait_limit(wait);
  } catch (const std::exception&) {
  }
}

void Service::forget_failed_load() {
  // A large batch that failed after committing chunks: its records are removed now rather than
  // by the next write (best effort; the next write tries again).
  if (!take_abandoned_load()) return;
  try {
    recover_interrupted_load(store_.db());
  } catch (const std::exception&) {
  }
}

Principal Service::authenticate(const Call& call) {
  if (!call.token || call.token->empty())
    fail(ErrorCode::unauthenticated, "no token given",
         "pass --token-file FILE (readable only by you), --token, or set CREDIT_TOKEN; an "
         "administrator issues tokens with `credit user add` or `credit user token`");
  auto parsed = parse_token(*call.token);
  // Hash even a malformed token, so timing does not tell malformed from wrong.
  std::string presented = crypto::sha256_hex(parsed ? parsed->secret : *call.token);
  auto stmt = store_.db().prepare(
      "SELECT id, name, role, dept, token_hash, disabled FROM users WHERE id = ?");
  stmt.bind(1, parsed ? parsed->user_id : int64_t{-1});
  bool found = stmt.step();
  std::string stored = found ? stmt.column_text(4) : std::string(64, '0');
  bool match = crypto::constant_time_equal(presented, stored);
  if (!found || !match || !parsed)
    fail(ErrorCode::unauthenticated, "the token is not valid for this store",
         "check that the token belongs to this store and was not rotated; an administrator can "
         "issue a new one with `credit user token NAME`");
  Principal who{stmt.column_int64(0), stmt.column_text(1), stmt.column_text(2), stmt.column_text(3),
                ""};
  if (stmt.column_int64(5) != 0)
    throw Error(ErrorCode::unauthenticated, fmt::format("user '{}' is disabled", who.name),
                "ask an administrator to re-enable the account (`credit user enable`)");
  if (auto by = store_.setting(token_issuer_setting(who.id))) who.token_issued_by = *by;
  return who;
}

Json Service::run_action(const ActionDef& def, ActionContext& ctx, const Principal& who) {
  using store::Transaction;
  auto& db = store_.db();
  switch (def.access) {
    case Access::write: {
      // A batch left loading by a process that is gone is removed first (loading_batch.hpp).
      recover_interrupted_load(db);
      std::optional<Transaction> tx;
      tx.emplace(db, Transaction::Kind::immediate);
      store::HeldLock held(store_.holder_file(), holder(who, def, clock_.real_now()));
      ctx.held = &held;
      int64_t folded = fold_reads();
      // A large batch commits in chunks: each chunk's commit, then the next transaction, which
      // may have to wait for a writer that came in between.
      ctx.commit_chunk = [&] {
        tx->commit();
        tx.reset();
        tx.emplace(db, Transaction::Kind::immediate);
        held.claim_again();
      };
      Json result = def.run(ctx);
      append_entry(who, def.name, ctx.audit, "ok", ctx.audit.reason);
      ctx.held = nullptr;
      ctx.commit_chunk = nullptr;
      tx->commit();
      forget_folded(folded);
      return result;  // `held` is released after the commit and its checkpoint
    }
    case Access::read: {
      Json result;
      {
        Transaction snapshot(db, Transaction::Kind::deferred);
        result = def.run(ctx);
        snapshot.commit();
      }
      // Fail closed: nothing is released unless the read was recorded (main or side log).
      record_read(who, def.name, ctx.audit, "ok", ctx.audit.reason);
      return result;
    }
    case Access::audit_first: {
      if (def.prepare) def.prepare(ctx);
      int64_t folded = 0;
      {  // exports take the main lock: the side log's reads are folded in first
        Transaction tx(db, Transaction::Kind::immediate);
        folded = fold_reads();
        ctx.entry_seq = append_entry(who, def.name, ctx.audit, "ok", ctx.audit.reason);
        tx.commit();
      }
      forget_folded(folded);
      Transaction snapshot(db, Transaction::Kind::deferred);
      Json result = def.run(ctx);
      snapshot.commit();
      return result;
    }
  }
  fail(ErrorCode::internal, "unknown access mode");
}

Json Service::call(const Call& call) {
  const ActionDef* def = action_registry().find(call.action);
  if (def == nullptr)
    fail(ErrorCode::usage, fmt::format("unknown action '{}'", call.action),
         "the client and the store's server may be different versions");

  const bool read = def->access == Access::read;
  Principal who;
  try {
    who = authenticate(call);
  } catch (const Error& e) {
    record_refusal(Principal{}, call, AuditNote{}, "unauthenticated", e.what(), read);
    throw;
  }
  ActionContext ctx(store_, who, call, clock_);
  ctx.audit.params = sanitise_audit_params(call.params, hmac_key(store_));
  if (!def->right.empty() && !domain::role_has_right(who.role, def->right)) {
    Error denied = permission_error(who, *def);
    record_refusal(who, call, ctx.audit, "denied", denied.what(), read);
    throw denied;
  }
  try {
    return run_action(*def, ctx, who);
  } catch (const Error& e) {
    forget_failed_load();
    bool denied = e.code() == ErrorCode::permission_denied;
    record_refusal(who, call, ctx.audit, denied ? "denied" : "failed", e.what(), read);
    throw;
  } catch (const std::exception& e) {
    forget_failed_load();
    std::string message = fmt::format("internal error in {}: {}", call.action, e.what());
    record_refusal(who, call, ctx.audit, "failed", message, read);
    throw Error(ErrorCode::internal, message, "this is a bug; please report it with the command");
  }
}

}  // namespace credit::service
