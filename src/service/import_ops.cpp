// Imports: import.run (stage, or commit under a standing authorisation), import.approve,
// import.reject, import.list, import.show, and standing authorisations: import.authorize,
// import.authorize.revoke, import.authorizations.
#include <fmt/format.h>

#include <optional>
#include <utility>

#include "domain/identifiers.hpp"
#include "domain/roles.hpp"
#include "io/kind_files.hpp"
#include "service/batches.hpp"
#include "service/chunked_load.hpp"
#include "service/deferred_indexes.hpp"
#include "service/file_import.hpp"
#include "service/import_support.hpp"
#include "service/loading_batch.hpp"
#include "service/modules.hpp"
#include "service/name_index.hpp"
#include "service/reference.hpp"
#include "store/savepoint.hpp"
#include "store/store.hpp"
#include "util/error.hpp"

namespace credit::service {

namespace {

ReadOptions read_options(ActionContext& ctx) {
  ReadOptions o;
  if (auto name = ctx.optional_string("encoding")) {
    o.encoding = io::parse_encoding(*name);
    if (!o.encoding)
      fail(ErrorCode::bad_input, fmt::format("unknown encoding '{}'", *name),
           "use utf-8 or gb18030 (gbk and gb2312 are read as gb18030)");
  }
  if (auto name = ctx.optional_string("input_format")) {
    o.format = io::parse_input_format(*name);
    if (!o.format)
      fail(ErrorCode::bad_input, fmt::format("unknown input format '{}'", *name),
           "use csv, ndjson or json");
  }
  if (int64_t line = ctx.integer("header_row", 0); line > 0) o.header_row = line;
  if (auto sheet = ctx.optional_string("sheet")) o.sheet = *sheet;
  return o;
}

// What happened to a batch, in one line for the audit entry and the summary.
std::string outcome_reason(const Batch& b, bool dry_run) {
  const BatchCounts& c = b.counts;
  std::string what = fmt::format("{} rows: {} new, {} updated, {} unchanged, {} rejected", c.rows,
                                 c.inserted, c.updated, c.unchanged, c.rejected);
  if (b.status == "rejected")
    what = fmt::format(
        "{} rows: {} valid, {} rejected; nothing imported (--skip-invalid imports "
        "the valid ones)",
        c.rows, c.accepted, c.rejected);
  if (b.status == "rejected" || dry_run) return what;
  if (b.status == "staged") return "waiting for approval; " + what;
  if (b.authorization_id)
    return fmt::format("under standing authorisation {}; {}", *b.authorization_id, what);
  return "nothing to change; " + what;
}

Json run_result(const Batch& b, bool dry_run, int64_t foreign) {
  Json r = {{"batch", dry_run ? Json() : Json(b.id)}, {"status", b.status}};
  r.update(counts_json(b.counts));
  r["dry_run"] = dry_run;
  r["kind"] = b.kind;
  r["dept"] = b.dept;
  r["authorization"] = b.authorization_id ? Json(*b.authorization_id) : Json();
  r["foreign_rows"] = foreign;
  r["files"] = b.files;
  r["unknown_columns"] = b.unknown_columns;
  r["policy"] = b.policy;
  r["reason"] = b.reason;
  return r;
}

Json import_run(ActionContext& ctx) {
  const domain::Kind kind = require_kind(ctx);
  const domain::KindSpec& spec = io::shipped_kind_spec(kind);
  auto policy = active_policy(ctx.db());
  if (ctx.call.inputs.empty())
    fail(ErrorCode::usage, "no input files", "give one or more FILEs, or - for stdin");
  const ReadOptions options = read_options(ctx);
  const bool dry_run = ctx.flag("dry_run"), skip_invalid = ctx.flag("skip_invalid");
  const std::string now = format_utc(ctx.clock.now());
  auto& db = ctx.db();
  ImportConnection tuned(db);

  Batch b;
  b.operation = "import";
  b.kind = domain::to_string(kind);
  b.dept = ctx.user.dept;
  b.authorization_id = standing_authorization(db, ctx.user.dept, kind, today(ctx));
  b.policy = policy->profile.id + " " + policy->sha256;
  b.options = {{"skip_invalid", skip_invalid}};
  if (options.encoding) b.options["encoding"] = io::to_string(*options.encoding);
  if (options.format) b.options["input_format"] = io::to_string(*options.format);
  if (options.header_row) b.options["header_row"] = *options.header_row;
  if (!options.sheet.empty()) b.options["sheet"] = options.sheet;
  const RunMode mode = b.authorization_id ? RunMode::commit : RunMode::stage;

  refuse_while_loading(db);
  // A dry run rolls everything back; a rejected batch keeps only its record. A batch in bounded
  // transactions ends both savepoints at its first commit (chunked_load.hpp).
  std::optional<store::Savepoint> whole(std::in_place, db, "import_batch");
  b.id = insert_batch(db, "import", kind, b.dept, ctx.user.name, now);
  ctx.holding_for(fmt::format("{}import batch {}", dry_run ? "dry run of " : "", b.id));
  std::optional<store::Savepoint> rows(std::in_place, db, "import_rows");
  NewRecordNames names(db);
  DeferredRecordIndexes indexes(db);
  const ChangeInfo change{ctx.user.name, now, "import", ctx.optional_string("reason").value_or(""),
                          b.id};
  BatchApplier applier(ctx, spec, policy->profile, mode, change);
  if (mode == RunMode::commit && !dry_run) applier.deferred_indexes = &indexes;
  if (ctx.flag("strict_privacy")) {
    applier.strict_privacy = true;
    b.options["strict_privacy"] = true;
  }
  FileImport reader(ctx, applier);
  std::optional<ChunkedLoad> load;
  if (mode == RunMode::commit && !dry_run) {
    load.emplace(ctx, applier, names, indexes, b.id);
    load->before_first_commit = [&] {
      rows->release();
      rows.reset();
      whole->release();
      whole.reset();
    };
    reader.after_row = [&] { load->after_row(); };
  }
  b.files = Json::array();
  for (const auto& input : ctx.call.inputs)
    b.files.push_back(reader.read(input, options));
  b.unknown_columns = reader.unknown_columns();

  names.finish();
  const auto rejects = [&] {
    const BatchCounts& c = applier.counts();
    return c.rejected > 0 && (!skip_invalid || c.accepted == 0);
  };
  if (load && !rejects()) load->apply_deferred(policy->profile, change, skip_invalid);
  b.counts = applier.counts();
  const BatchCounts& c = b.counts;
  if (rejects()) {
    b.status = "rejected";
    if (rows) {
      rows->rollback();
    } else {
      load->discard();
      indexes.rebuild();
    }
    b.counts.inserted = b.counts.updated = b.counts.unchanged = 0;  // nothing was written
  } else {
    b.status = mode == RunMode::stage && c.changes() > 0 ? "staged" : "committed";
    if (b.status == "committed") clear_staged_rows(db, b.id);
    indexes.rebuild();
    if (rows) rows->release();
  }
  if (load) load->finish();
  if (b.status != "staged") {
    b.decided_by = ctx.user.name;
    b.decided_at = now;
  }
  if (b.status != "committed" || c.changes() == 0) b.authorization_id.reset();
  b.reason = outcome_reason(b, dry_run);
  finish_batch(db, b);
  applier.save_rejects(b.id);
  if (dry_run)
    whole->rollback();
  else if (whole)
    whole->release();

  ctx.audit.targets.push_back(dry_run ? "batch:dry-run" : fmt::format("batch:{}", b.id));
  ctx.audit.params = {{"kind", b.kind},
                      {"files", b.files},
                      {"status", b.status},
                      {"dry_run", dry_run},
                      {"skip_invalid", skip_invalid},
                      {"counts", counts_json(c)},
                      {"policy", b.policy}};
  ctx.audit.params["authorization"] = b.authorization_id ? Json(*b.authorization_id) : Json();
  ctx.audit.reason = b.reason;
  return run_result(b, dry_run, c.foreign);
}

// Approving an import: every staged row is validated again against today's store and policy.
void approve_import(ActionContext& ctx, Batch& b, bool skip_invalid, const std::string& now) {
  const domain::KindSpec& spec = io::shipped_kind_spec(require_kind(b.kind));
  auto policy = active_policy(ctx.db());
  refuse_while_loading(ctx.db());
  ImportConnection tuned(ctx.db());
  BatchApplier applier(ctx, spec, policy->profile, RunMode::commit,
                       {ctx.user.name, now, "import", "", b.id});
  applier.writer().keys_already_unique();
  // Rows that no longer validate go to the rejects file by field code.
  applier.before_reject = announce_codes_once(ctx, spec);
  NewRecordNames names(ctx.db());
  // The rows staged as new are (nearly all) the approval's inserts; the indexes, if deferred, go
  // before the staged rows are read (deferred_indexes.hpp).
  DeferredRecordIndexes indexes(ctx.db());
  indexes.expect_inserts(b.counts.inserted);
  const int64_t staged = staged_row_count(ctx.db(), b.id);
  for_each_staged_row(ctx.db(), b.id, spec, [&](const StagedRow& row) {
    applier.apply(row.raw, row.origin);
    if (const int64_t done = applier.counts().rows; done % FileImport::kProgressEvery == 0)
      report_row(ctx, {{"type", "progress"}, {"rows", done}, {"of_rows", staged}});
  });
  names.finish();
  indexes.rebuild();
  const BatchCounts& c = applier.counts();
  if (c.rejected > 0 && !skip_invalid)
    fail(ErrorCode::conflict,
         fmt::format("{} of the {} staged rows of batch {} are no longer valid against the store "
                     "as it is now; nothing was committed",
                     c.rejected, c.rows, b.id),
         "the reasons are listed above; reject the batch and import a corrected file, or approve "
         "with --skip-invalid to commit the rows that are still valid");
  applier.save_rejects(b.id, reject_count(ctx.db(), b.id));
  clear_staged_rows(ctx.db(), b.id);
  b.counts.accepted = c.accepted;
  b.counts.rejected += c.rejected;
  b.counts.inserted = c.inserted;
  b.counts.updated = c.updated;
  b.counts.unchanged = c.unchanged;
  b.policy = policy->profile.id + " " + policy->sha256;
}

Json import_approve(ActionContext& ctx) {
  Batch b = load_batch_for_decision(ctx);
  if (b.staged_by == ctx.user.name)
    fail(ErrorCode::permission_denied,
         fmt::format("permission denied: user '{}' staged batch {} and may not approve it "
                     "(separation of duties)",
                     ctx.user.name, b.id),
         "another reviewer of the department approves it");
  ctx.holding_for(fmt::format("approval of {} batch {}", b.operation, b.id));
  const std::string now = format_utc(ctx.clock.now());
  const bool skip_invalid = b.skip_invalid() || ctx.flag("skip_invalid");
  if (b.operation == "import")
    approve_import(ctx, b, skip_invalid, now);
  else
    apply_record_change(ctx, b, now);
  b.status = "committed";
  b.decided_by = ctx.user.name;
  b.decided_at = now;
  const BatchCounts& c = b.counts;
  b.reason = fmt::format("approved by {}; {} new, {} updated, {} unchanged, {} rejected",
                         ctx.user.name, c.inserted, c.updated, c.unchanged, c.rejected);
  if (auto note = ctx.optional_string("reason")) b.reason += ": " + *note;
  finish_batch(ctx.db(), b);
  ctx.audit.params["counts"] = counts_json(b.counts);
  ctx.audit.reason =
      fmt::format("approved {} batch {} staged by {}", b.operation, b.id, b.staged_by);
  return b.to_json();
}

Json import_reject(ActionContext& ctx) {
  Batch b = load_batch_for_decision(ctx);
  const std::string reason = ctx.required_string("reason");
  clear_staged_rows(ctx.db(), b.id);
  b.status = "rejected";
  b.decided_by = ctx.user.name;
  b.decided_at = format_utc(ctx.clock.now());
  b.reason = reason;
  finish_batch(ctx.db(), b);
  ctx.audit.reason = reason;
  return b.to_json();
}

Json import_list(ActionContext& ctx) {
  std::string sql =
      "SELECT id FROM import_batches WHERE (?1 = '*' OR dept = ?1) AND (?2 IS NULL OR status = "
      "?2) AND (?3 IS NULL OR kind = ?3) AND " +
      visible_batch("id") + " ORDER BY id DESC LIMIT ?4";
  auto s = ctx.db().prepare(sql);
  s.bind(1, ctx.user.dept)
      .bind(2, ctx.optional_string("status"))
      .bind(3, ctx.optional_string("kind"));
  s.bind(4, ctx.integer("limit", 50));
  std::vector<int64_t> ids;
  while (s.step())
    ids.push_back(s.column_int64(0));
  for (int64_t id : ids) {
    Json row = load_batch(ctx.db(), id).to_json();
    row.erase("files");
    row.erase("options");
    row.erase("unknown_columns");
    ctx.emit_row(std::move(row));
  }
  return {{"batches", std::move(ctx.collected)}};
}

Json import_show(ActionContext& ctx) {
  const int64_t id = ctx.integer("batch", 0);
  ctx.audit.targets.push_back(fmt::format("batch:{}", id));
  Batch b = load_batch(ctx.db(), id);
  ctx.require_department(b.dept, fmt::format("batch {}", id));
  Json result = b.to_json();
  result["staged_rows"] = staged_row_count(ctx.db(), id);
  auto s = ctx.db().prepare(
      "SELECT file, line, col, field, value, reason FROM import_rejects WHERE batch_id = ? "
      "ORDER BY seq LIMIT ?");
  s.bind(1, id).bind(2, ctx.integer("limit", 100));
  Json rejects = Json::array();
  while (s.step())
    rejects.push_back({{"file", s.column_text(0)},
                       {"line", s.column_int64(1)},
                       {"column", s.column_text(2)},
                       {"field", s.column_text(3)},
                       {"value", s.column_text(4)},
                       {"reason", s.column_text(5)}});
  result["rejects"] = std::move(rejects);
  result["rejects_kept"] = reject_count(ctx.db(), id);
  return result;
}

// ---- standing authorisations ----

// A standing authorisation lets imports skip the reviewer: bounded, so that one forgotten grant
// cannot waive review for decades.
void check_authorization_length(ActionContext& ctx, domain::Date until) {
  const auto policy = active_policy(ctx.db());
  const auto& platform = policy->profile.platform;
  const int max_days = platform.authorization_max_days();
  const domain::Date latest = today(ctx).add_days(max_days);
  if (until <= latest) return;
  fail(
      ErrorCode::bad_input,
      fmt::format("--until {} is longer than the longest standing authorisation: {} days, until {} "
                  "({})",
                  until.iso(), max_days, latest.iso(),
                  platform.authorization_max ? platform.authorization_max->rule.id
                                             : "the built-in default"),
      fmt::format("give --until {} or earlier, and renew the authorisation when it ends",
                  latest.iso()));
}

Json import_authorize(ActionContext& ctx) {
  std::string dept = ctx.optional_string("dept").value_or(ctx.user.dept);
  if (dept != "*" && !domain::check_uscc(dept).valid)
    fail(ErrorCode::bad_input, fmt::format("'{}' is not a department (a USCC, or '*')", dept));
  ctx.require_department(dept, "a standing authorisation");
  std::vector<std::string> kinds = ctx.string_list("kinds");
  if (kinds.empty()) fail(ErrorCode::bad_input, "give at least one --kind");
  for (auto& k : kinds)
    k = domain::to_string(require_kind(k));
  const std::string until_text = ctx.required_string("until");
  auto until = domain::Date::parse_iso(until_text);
  if (!until)
    fail(ErrorCode::bad_input, fmt::format("--until '{}' is not a date", until_text),
         "write it as YYYY-MM-DD (the last day the authorisation is valid)");
  if (*until < today(ctx))
    fail(ErrorCode::bad_input, fmt::format("--until {} is in the past", until->iso()));
  check_authorization_length(ctx, *until);
  auto s = ctx.db().prepare(
      "INSERT INTO import_authorizations (dept, kinds, valid_until, granted_by, granted_at, "
      "reason) VALUES (?, ?, ?, ?, ?, ?)");
  s.bind(1, dept).bind(2, Json(kinds).dump()).bind(3, until->iso()).bind(4, ctx.user.name);
  s.bind(5, format_utc(ctx.clock.now())).bind(6, ctx.optional_string("reason").value_or(""));
  s.run();
  int64_t id = ctx.db().last_insert_rowid();
  ctx.audit.targets.push_back(fmt::format("authorization:{}", id));
  ctx.audit.reason = fmt::format("dept {} may commit {} imports until {}", dept,
                                 fmt::join(kinds, "/"), until->iso());
  return {{"authorization", id}, {"dept", dept}, {"kinds", kinds}, {"valid_until", until->iso()}};
}

Json import_authorize_revoke(ActionContext& ctx) {
  const int64_t id = ctx.integer("authorization", 0);
  ctx.audit.targets.push_back(fmt::format("authorization:{}", id));
  auto s = ctx.db().prepare("SELECT dept, revoked_at FROM import_authorizations WHERE id = ?");
  s.bind(1, id);
  if (!s.step())
    fail(ErrorCode::not_found, fmt::format("no standing authorisation {}", id),
         "`credit import authorizations` lists them");
  ctx.require_department(s.column_text(0), fmt::format("authorisation {}", id));
  if (!s.column_is_null(1))
    fail(ErrorCode::conflict, fmt::format("authorisation {} was revoked already", id));
  auto u = ctx.db().prepare(
      "UPDATE import_authorizations SET revoked_by = ?, revoked_at = ?, revoke_reason = ? "
      "WHERE id = ?");
  u.bind(1, ctx.user.name).bind(2, format_utc(ctx.clock.now()));
  u.bind(3, ctx.optional_string("reason").value_or("")).bind(4, id).run();
  ctx.audit.reason = ctx.optional_string("reason").value_or("revoked");
  return {{"authorization", id}, {"status", "revoked"}};
}

Json import_authorizations(ActionContext& ctx) {
  auto s = ctx.db().prepare(
      "SELECT id, dept, kinds, valid_until, granted_by, granted_at, reason, revoked_by, "
      "revoked_at FROM import_authorizations WHERE ?1 = '*' OR dept = ?1 OR dept = '*' "
      "ORDER BY id");
  s.bind(1, ctx.user.dept);
  const std::string today_iso = today(ctx).iso();
  while (s.step()) {
    std::string status = !s.column_is_null(8)           ? "revoked"
                         : s.column_text(3) < today_iso ? "expired"
                                                        : "valid";
    Json row = {{"authorization", s.column_int64(0)},
                {"dept", s.column_text(1)},
                {"kinds", Json::parse(s.column_text(2))},
                {"valid_until", s.column_text(3)},
                {"status", status},
                {"granted_by", s.column_text(4)},
                {"granted_at", s.column_text(5)},
                {"reason", s.column_text(6)}};
    row["revoked_by"] = s.column_is_null(7) ? Json() : Json(s.column_text(7));
    row["revoked_at"] = s.column_is_null(8) ? Json() : Json(s.column_text(8));
    ctx.emit_row(std::move(row));
  }
  return {{"authorizations", std::move(ctx.collected)}};
}

}  // namespace

void register_import_actions(ActionRegistry& r) {
  r.add({"import.run", "import.stage", Access::write, import_run,
         "validate files and stage them as a batch (or commit under a standing authorisation)"});
  r.add({"import.approve", "import.approve", Access::write, import_approve,
         "approve and commit another user's staged batch"});
  r.add({"import.reject", "import.approve", Access::write, import_reject,
         "reject a staged batch with a reason"});
  r.add({"import.list", "import.read", Access::read, import_list, "list import batches"});
  r.add({"import.show", "import.read", Access::read, import_show,
         "show a batch: counts, files, rejects, who and when"});
  r.add({"import.authorize", "import.authorize", Access::write, import_authorize,
         "grant a standing import authorisation"});
  r.add({"import.authorize.revoke", "import.authorize", Access::write, import_authorize_revoke,
         "revoke a standing import authorisation"});
  r.add({"import.authorizations", "import.read", Access::read, import_authorizations,
         "list standing import authorisations"});
}

}  // namespace credit::service
