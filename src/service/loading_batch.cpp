#include "service/loading_batch.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <utility>

#include "store/sqlite.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

namespace credit::service {

namespace {

// The batch this process is loading, if any: a mark naming this process is stale otherwise (a
// server whose load failed and could not clean up after itself).
int64_t g_loading_here = 0;
bool g_abandoned = false;

// Field 22 of /proc/PID/stat, the process's start in clock ticks since boot: with the pid it
// names one process (pids are reused). Empty where there is no /proc.
std::string start_of_process(int64_t pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string stat;
  if (!std::getline(in, stat)) return {};
  const size_t close = stat.rfind(')');  // the command name may hold spaces and parentheses
  if (close == std::string::npos) return {};
  std::istringstream fields(stat.substr(close + 1));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i)
    if (i == 22) return field;
  return {};
}

bool process_alive(int64_t pid) {
  return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

int64_t max_id(store::Db& db, const char* table) {
  auto s = db.prepare(fmt::format("SELECT coalesce(max(id), 0) FROM {}", table));
  s.step();
  return s.column_int64(0);
}

void delete_setting(store::Db& db, const char* key) {
  auto s = db.prepare("DELETE FROM settings WHERE key = ?");
  s.bind(1, key).run();
}

void put_setting(store::Db& db, const char* key, const std::string& value) {
  auto s = db.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)");
  s.bind(1, key).bind(2, value).run();
}

// One scalar subquery per statement (SQLite evaluates it once); no loading batch: no bound.
std::string compared_with_hidden_from(std::string_view id, std::string_view op) {
  return fmt::format(
      "{} {} coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = '{}'), "
      "9223372036854775807)",
      id, op, kHiddenFromKey);
}
}  // namespace

std::string visible_record(std::string_view id) {
  return compared_with_hidden_from(id, "<");
}

std::string hidden_record(std::string_view id) {
  return compared_with_hidden_from(id, ">=");
}

std::string visible_batch(std::string_view id) {
  return fmt::format(
      "{} IS NOT (SELECT json_extract(value, '$.batch') FROM settings WHERE key = '{}')", id,
      kLoadingKey);
}

int64_t configured_chunk_rows() {
  const char* env = std::getenv("CREDIT_CHUNK_ROWS");
  if (env == nullptr || *env == '\0') return kChunkRows;
  char* end = nullptr;
  const long long rows = std::strtoll(env, &end, 10);
  return *end == '\0' && rows > 0 ? rows : kChunkRows;
}

bool LoadingBatch::stale() const {
  if (pid == ::getpid()) return g_loading_here != batch;
  if (!process_alive(pid)) return true;
  const std::string start = start_of_process(pid);
  return !start.empty() && !process_start.empty() && start != process_start;
}

std::optional<LoadingBatch> loading_batch(store::Db& db) {
  auto s = db.prepare("SELECT value FROM settings WHERE key = ?");
  s.bind(1, kLoadingKey);
  if (!s.step()) return std::nullopt;
  try {
    const Json j = Json::parse(s.column_text(0));
    return LoadingBatch{j.at("batch").get<int64_t>(),
                        j.at("pid").get<int64_t>(),
                        j.value("process_start", std::string()),
                        j.at("first_record").get<int64_t>(),
                        j.at("last_derivation").get<int64_t>(),
                        j.value("since", std::string()),
                        j.value("indexes", std::vector<std::string>())};
  } catch (const std::exception& e) {
    fail(ErrorCode::integrity,
         fmt::format("the store's mark of a loading batch ({}) is damaged: {}", kLoadingKey,
                     e.what()));
  }
}

void begin_loading(store::Db& db, int64_t batch, const std::string& since) {
  const int64_t pid = ::getpid();
  const int64_t first = max_id(db, "records") + 1;
  const Json mark = {{"batch", batch},
                     {"pid", pid},
                     {"process_start", start_of_process(pid)},
                     {"first_record", first},
                     {"last_derivation", max_id(db, "derivations")},
                     {"since", since}};
  put_setting(db, kLoadingKey, mark.dump());
  put_setting(db, kHiddenFromKey, std::to_string(first));
  g_loading_here = batch;
}

void end_loading(store::Db& db) {
  delete_setting(db, kLoadingKey);
  delete_setting(db, kHiddenFromKey);
  g_loading_here = 0;
}

void note_dropped_indexes(store::Db& db, const std::vector<std::string>& create_statements) {
  auto s =
      db.prepare("UPDATE settings SET value = json_set(value, '$.indexes', json(?)) WHERE key = ?");
  s.bind(1, Json(create_statements).dump()).bind(2, kLoadingKey).run();
}

void abandon_loading() {
  g_loading_here = 0;
  g_abandoned = true;
}

bool take_abandoned_load() {
  return std::exchange(g_abandoned, false);
}

void refuse_while_loading(store::Db& db) {
  auto loading = loading_batch(db);
  if (!loading || loading->batch == g_loading_here) return;
  fail(ErrorCode::store_unavailable,
       fmt::format("import batch {} is being loaded by process {} (started {}); an import or "
                   "approval waits until it has finished",
                   loading->batch, loading->pid, loading->since),
       "try again when that import has finished (`credit import list` then shows it)");
}

bool discard_some(store::Db& db, const LoadingBatch& loading, int64_t chunk) {
  // Newest first: max(id) shrinks with every chunk, and an interrupted discard goes on where it
  // stopped. The name index forgets each name through records_name_delete.
  auto s = db.prepare(
      "DELETE FROM records WHERE id IN (SELECT id FROM records WHERE id >= ? ORDER BY id DESC "
      "LIMIT ?)");
  s.bind(1, loading.first_record).bind(2, chunk).run();
  return db.changes() > 0;
}

void discard_rest(store::Db& db, const LoadingBatch& loading, bool keep_batch) {
  auto staged = db.prepare("DELETE FROM staged_rows WHERE batch_id = ?");
  staged.bind(1, loading.batch).run();
  // Explanations first stored by the batch and used by no record left.
  auto derivations = db.prepare(
      "DELETE FROM derivations WHERE id > ? AND id NOT IN (SELECT derivation_id FROM records)");
  derivations.bind(1, loading.last_derivation).run();
  if (keep_batch) return;
  auto rejects = db.prepare("DELETE FROM import_rejects WHERE batch_id = ?");
  rejects.bind(1, loading.batch).run();
  auto batch = db.prepare("DELETE FROM import_batches WHERE id = ?");
  batch.bind(1, loading.batch).run();
  for (const auto& sql : loading.indexes)
    db.exec(sql);
  end_loading(db);
}

bool recover_interrupted_load(store::Db& db) {
  using store::Transaction;
  std::optional<LoadingBatch> loading;
  {
    Transaction tx(db, Transaction::Kind::deferred);
    loading = loading_batch(db);
    tx.commit();
  }
  if (!loading) return false;
  const int64_t chunk = configured_chunk_rows();
  for (;;) {
    Transaction tx(db, Transaction::Kind::immediate);
    // Read again under the lock: another process may have recovered it, or it may be alive.
    auto now = loading_batch(db);
    if (!now || now->batch != loading->batch || !now->stale()) return false;
    const bool more = discard_some(db, *now, chunk);
    if (!more) discard_rest(db, *now, false);
    tx.commit();
    if (!more) return true;
  }
}

}  // namespace credit::service
