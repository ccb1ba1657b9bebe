// credit import FILE… and import approve/reject/list/show/authorize/authorizations: the batch
// workflow. Options → request → rendering: rejects on stderr and in --rejects FILE, progress on a
// terminal, a summary line.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <optional>

#include "cli/app.hpp"
#include "cli/command.hpp"
#include "cli/context.hpp"
#include "io/progress.hpp"
#include "io/rejects_file.hpp"
#include "util/error.hpp"

namespace credit::cli {

namespace {

constexpr const char* kKinds = "penalty|license|dishonest|red";
constexpr int kShownRejects = 5;
constexpr int kShownWarnings = 5;

uint64_t total_size(const std::vector<std::string>& files) {
  uint64_t total = 0;
  for (const auto& f : files) {
    std::error_code ec;
    if (f == "-" || !std::filesystem::is_regular_file(f, ec)) return 0;
    total += std::filesystem::file_size(f, ec);
  }
  return total;
}

std::vector<std::string> strings_of(const Json& array) {
  std::vector<std::string> out;
  for (const auto& v : array)
    out.push_back(v.is_string() ? v.get<std::string>() : v.dump());
  return out;
}

// "file:line:column: 'value': reason" for a reject or a warning.
std::string located(const std::string& file, const Json& issue) {
  std::string where = fmt::format("{}:{}", file, issue["line"].get<int64_t>());
  if (!issue["column"].get<std::string>().empty())
    where += ":" + issue["column"].get<std::string>();
  if (issue["value"].get<std::string>().empty())
    return fmt::format("{}: {}", where, issue["reason"].get<std::string>());
  return fmt::format("{}: '{}': {}", where, issue["value"].get<std::string>(),
                     issue["reason"].get<std::string>());
}

// Renders the rows an import or an approval streams back: progress, warnings, rejects.
class BatchView {
 public:
  // `inputs`: the files the command reads, which the rejects file must never overwrite.
  BatchView(Context& ctx, const std::string& rejects_path, uint64_t total_bytes,
            const std::vector<std::string>& inputs = {})
      : ctx_(ctx), progress_(stderr, total_bytes, io::progress_wanted(stderr, ctx.options.quiet)) {
    if (rejects_path.empty()) return;
    ctx.guard_output(rejects_path, "--rejects", inputs);  // before anything is read or written
    rejects_.emplace(rejects_path, ctx.kept_files(inputs));
  }

  service::RowSink sink() {
    return [this](const Json& row) { on_row(row); };
  }

  // After the call (or its failure): closes the rejects file and says how many were not shown.
  void finish() {
    progress_.finish();
    if (rejects_) rejects_->close();
    if (rejected_ > shown_) {
      if (rejects_)
        print_line(fmt::format("{} more rejected rows in {}", rejected_ - shown_,
                               fmt::join(rejects_->paths(), ", ")));
      else
        print_line(fmt::format("{} more rejected rows; give --rejects FILE to write them all",
                               rejected_ - shown_));
    } else if (rejects_ && rejected_ > 0) {
      print_line(fmt::format("rejected rows written to {}", fmt::join(rejects_->paths(), ", ")));
    }
  }

 private:
  void print_line(const std::string& text) {
    progress_.finish();
    fmt::print(stderr, "{}\n", text);
  }

  void on_row(const Json& row) {
    const std::string type = row.value("type", "");
    if (type == "progress" && row.contains("of_rows")) {  // an approval: rows of the batch
      progress_.set_total(row["of_rows"].get<uint64_t>());
      progress_.update(row["rows"].get<uint64_t>(), row["rows"].get<uint64_t>());
    } else if (type == "progress") {
      progress_.update(row["rows"].get<uint64_t>(), row["bytes"].get<uint64_t>());
    } else if (type == "columns") {
      if (rejects_)
        rejects_->columns(
            strings_of(row["columns"]),
            io::parse_encoding(row["encoding"].get<std::string>()).value_or(io::Encoding::utf8));
    } else if (type == "unknown_column") {
      progress_.finish();
      ctx_.out().warn(fmt::format("{}: column {} is not a field of this kind: ignored",
                                  row["file"].get<std::string>(),
                                  row["column"].get<std::string>()));
    } else if (type == "warning") {
      if (++warnings_ <= kShownWarnings && !ctx_.options.quiet) {
        progress_.finish();
        ctx_.out().warn(located(row["file"].get<std::string>(), row));
      }
    } else if (type == "reject") {
      on_reject(row);
    }
  }

  void on_reject(const Json& row) {
    ++rejected_;
    const Json& first = row["errors"].front();
    if (rejects_)
      rejects_->add(strings_of(row["cells"]), row["row_line"].get<int64_t>(),
                    first["column"].get<std::string>(), row["reason"].get<std::string>());
    if (shown_ >= kShownRejects) return;
    ++shown_;
    size_t more = row["errors"].size() - 1;
    print_line(fmt::format("rejected {}{}", located(row["file"].get<std::string>(), first),
                           more ? fmt::format(" (and {} more problems in this row)", more) : ""));
  }

  Context& ctx_;
  io::ProgressBar progress_;
  std::optional<io::RejectsFile> rejects_;
  int64_t rejected_ = 0, shown_ = 0, warnings_ = 0;
};

// Calls an action whose rows are rendered by a BatchView; the view is finished either way.
Json call_with_view(Context& ctx, BatchView& view, const std::string& action, Json params,
                    std::vector<service::InputFile> inputs = {}) {
  try {
    Json result = ctx.call(action, std::move(params), std::move(inputs), view.sink());
    view.finish();
    return result;
  } catch (...) {
    view.finish();
    throw;
  }
}

const std::vector<io::Column>& batch_fields() {
  static const std::vector<io::Column> fields = {{"batch", "BATCH"},
                                                 {"operation", "OPERATION"},
                                                 {"kind", "KIND"},
                                                 {"status", "STATUS"},
                                                 {"dept", "DEPT"},
                                                 {"staged_by", "STAGED BY"},
                                                 {"staged_at", "STAGED AT"},
                                                 {"decided_by", "DECIDED BY"},
                                                 {"decided_at", "DECIDED AT"},
                                                 {"rows", "ROWS"},
                                                 {"accepted", "ACCEPTED"},
                                                 {"rejected", "REJECTED"},
                                                 {"inserted", "NEW"},
                                                 {"updated", "UPDATED"},
                                                 {"unchanged", "UNCHANGED"},
                                                 {"authorization", "AUTHORISATION"},
                                                 {"reason", "REASON"}};
  return fields;
}

std::string summary_line(const Json& r) {
  const std::string status = r["status"].get<std::string>();
  const std::string reason = r["reason"].get<std::string>();
  if (r["dry_run"].get<bool>())
    return fmt::format("dry run, nothing written (the batch would be {}): {}", status, reason);
  return fmt::format("batch {} {}: {}", r["batch"].get<int64_t>(), status, reason);
}

void render_run(Context& ctx, const Json& r) {
  if (ctx.out().format() != io::Format::table)
    ctx.out().object(r);
  else
    ctx.out().say(summary_line(r));
  if (const int64_t warnings = r["warnings"].get<int64_t>(); warnings > kShownWarnings)
    ctx.out().note(fmt::format("{} warnings in all (values cleaned); the first {} are shown",
                               warnings, kShownWarnings));
  const std::string status = r["status"].get<std::string>();
  if (status == "staged" && !r["dry_run"].get<bool>())
    ctx.out().note(fmt::format(
        "a reviewer of department {} commits it with `credit import approve "
        "{}` (or rejects it with `credit import reject {} --reason …`)",
        r["dept"].get<std::string>(), r["batch"].get<int64_t>(), r["batch"].get<int64_t>()));
  if (status != "rejected") return;
  const bool foreign = r["foreign_rows"].get<int64_t>() > 0;
  throw Error(
      foreign ? ErrorCode::permission_denied : ErrorCode::bad_input,
      fmt::format("{} of {} rows rejected{}; nothing was imported", r["rejected"].get<int64_t>(),
                  r["rows"].get<int64_t>(), foreign ? " (some belong to another department)" : ""),
      "correct the rows (--rejects FILE writes them with the reasons) and import again, or "
      "give --skip-invalid to import the valid rows now");
}

struct RunOptions {
  std::vector<std::string> files;
  std::string kind, input_format, encoding, rejects, reason, sheet;
  int64_t header_row = 0;
  bool skip_invalid = false, dry_run = false, strict_privacy = false;
};

void run_import(Context& ctx, const RunOptions& o) {
  if (o.files.empty())
    throw Error(ErrorCode::usage, "no input files",
                "give the files to import (or - for stdin), or a subcommand; see `credit import "
                "--help`");
  Json params = {{"kind", o.kind}, {"skip_invalid", o.skip_invalid}, {"dry_run", o.dry_run}};
  if (!o.input_format.empty()) params["input_format"] = o.input_format;
  if (!o.encoding.empty()) params["encoding"] = o.encoding;
  if (o.header_row > 0) params["header_row"] = o.header_row;
  if (!o.sheet.empty()) params["sheet"] = o.sheet;
  if (!o.reason.empty()) params["reason"] = o.reason;
  if (o.strict_privacy) params["strict_privacy"] = true;
  BatchView view(ctx, o.rejects, total_size(o.files), o.files);
  std::vector<service::InputFile> inputs;
  for (const auto& f : o.files)
    inputs.push_back({f == "-" ? "stdin" : f, io::open_file_source(f)});
  render_run(ctx, call_with_view(ctx, view, "import.run", params, std::move(inputs)));
}

void setup_decision(CLI::App& parent, Context& ctx, bool approve) {
  auto batch = std::make_shared<int64_t>(0);
  auto reason = std::make_shared<std::string>();
  auto skip = std::make_shared<bool>(false);
  auto rejects = std::make_shared<std::string>();
  auto* app = parent.add_subcommand(
      approve ? "approve" : "reject",
      approve ? "commit a staged batch (a reviewer of its department, never the one who staged it)"
              : "reject a staged batch, with a reason; nothing of it is committed");
  app->add_option("batch", *batch, "the batch number")->required();
  auto* r = app->add_option("--reason", *reason,
                            approve ? "a note kept with the decision" : "why it is rejected");
  if (!approve) r->required();
  if (approve) {
    app->add_flag("--skip-invalid", *skip,
                  "commit the rows still valid even if some no longer are");
    app->add_option("--rejects", *rejects, "write rows that no longer validate to FILE")
        ->type_name(kFileType);
  }
  app->callback([&ctx, batch, reason, skip, rejects, approve] {
    Json params = {{"batch", *batch}};
    if (!reason->empty()) params["reason"] = *reason;
    if (*skip) params["skip_invalid"] = true;
    BatchView view(ctx, *rejects, 0);
    Json result = call_with_view(ctx, view, approve ? "import.approve" : "import.reject", params);
    if (ctx.out().format() != io::Format::table) return ctx.out().object(result);
    ctx.out().say(fmt::format("batch {} {}: {} new, {} updated, {} unchanged, {} rejected", *batch,
                              result["status"].get<std::string>(),
                              result["inserted"].get<int64_t>(), result["updated"].get<int64_t>(),
                              result["unchanged"].get<int64_t>(),
                              result["rejected"].get<int64_t>()));
  });
}

void setup_list(CLI::App& parent, Context& ctx) {
  auto status = std::make_shared<std::string>();
  auto kind = std::make_shared<std::string>();
  auto limit = std::make_shared<int64_t>(50);
  auto* app = parent.add_subcommand("list", "list recent batches of your department");
  app->add_option("--status", *status, "only batches in this state")
      ->check(CLI::IsMember({"staged", "committed", "rejected"}).description(""))
      ->type_name("staged|committed|rejected");
  app->add_option("--kind", *kind, "only batches of this kind")
      ->check(CLI::IsMember({"penalty", "license", "dishonest", "red"}).description(""))
      ->type_name(kKinds);
  app->add_option("--limit", *limit, "at most this many, newest first (default 50)");
  app->callback([&ctx, status, kind, limit] {
    Json params = {{"limit", *limit}};
    if (!status->empty()) params["status"] = *status;
    if (!kind->empty()) params["kind"] = *kind;
    Json r = ctx.call("import.list", params);
    ctx.out().rows({{"batch", "BATCH"},
                    {"operation", "OPERATION"},
                    {"kind", "KIND"},
                    {"status", "STATUS"},
                    {"staged_by", "STAGED BY"},
                    {"staged_at", "STAGED AT"},
                    {"decided_by", "DECIDED BY"},
                    {"rows", "ROWS"},
                    {"inserted", "NEW"},
                    {"updated", "UPDATED"},
                    {"unchanged", "UNCHANGED"},
                    {"rejected", "REJECTED"}},
                   r["batches"]);
  });
}

void setup_show(CLI::App& parent, Context& ctx) {
  auto batch = std::make_shared<int64_t>(0);
  auto limit = std::make_shared<int64_t>(100);
  auto* app = parent.add_subcommand("show",
                                    "show a batch: who, when, files and digests, counts, "
                                    "rejected rows");
  app->add_option("batch", *batch, "the batch number")->required();
  app->add_option("--limit", *limit, "show at most this many rejects (default 100)");
  app->callback([&ctx, batch, limit] {
    Json r = ctx.call("import.show", {{"batch", *batch}, {"limit", *limit}});
    if (ctx.out().format() != io::Format::table) return ctx.out().object(r);
    ctx.out().object(r, batch_fields());
    ctx.out().say("");
    ctx.out().rows({{"name", "FILE"},
                    {"encoding", "ENCODING"},
                    {"format", "FORMAT"},
                    {"rows", "ROWS"},
                    {"bytes", "BYTES"},
                    {"sha256", "SHA-256"}},
                   r["files"]);
    if (r["rejects"].empty()) return;
    ctx.out().say("");
    ctx.out().rows({{"file", "FILE"},
                    {"line", "LINE"},
                    {"column", "COLUMN"},
                    {"value", "VALUE"},
                    {"reason", "REASON"}},
                   r["rejects"]);
  });
}

void setup_authorize(CLI::App& parent, Context& ctx) {
  struct Options {
    std::string dept, until, reason;
    std::vector<std::string> kinds;
    int64_t revoke = 0;
  };
  auto o = std::make_shared<Options>();
  auto* app = parent.add_subcommand(
      "authorize", "grant (or --revoke) a standing authorisation: imports commit without approval");
  app->add_option("--dept", o->dept, "the department (default: your own)")->type_name("USCC");
  app->add_option("--kind", o->kinds, "a kind it covers (repeat for several)")
      ->check(CLI::IsMember({"penalty", "license", "dishonest", "red"}).description(""))
      ->type_name(kKinds);
  app->add_option("--until", o->until, "the last day it is valid, YYYY-MM-DD")->type_name("DATE");
  app->add_option("--revoke", o->revoke, "revoke the authorisation with this number instead")
      ->type_name("ID");
  app->add_option("--reason", o->reason, "why it is granted or revoked");
  app->callback([&ctx, o] {
    Json params = Json::object();
    if (!o->reason.empty()) params["reason"] = o->reason;
    if (o->revoke > 0) {
      params["authorization"] = o->revoke;
      Json r = ctx.call("import.authorize.revoke", params);
      if (ctx.out().format() != io::Format::table) return ctx.out().object(r);
      return ctx.out().say(fmt::format("standing authorisation {} revoked", o->revoke));
    }
    if (o->kinds.empty() || o->until.empty())
      throw Error(ErrorCode::usage, "authorize needs --kind and --until (or --revoke ID)",
                  "e.g. credit import authorize --kind penalty --until 2026-12-31");
    params["kinds"] = o->kinds;
    params["until"] = o->until;
    if (!o->dept.empty()) params["dept"] = o->dept;
    Json r = ctx.call("import.authorize", params);
    if (ctx.out().format() != io::Format::table) return ctx.out().object(r);
    ctx.out().say(
        fmt::format("standing authorisation {}: department {} may commit {} imports "
                    "without approval until {}",
                    r["authorization"].get<int64_t>(), r["dept"].get<std::string>(),
                    fmt::join(strings_of(r["kinds"]), ", "), r["valid_until"].get<std::string>()));
  });
}

void setup_authorizations(CLI::App& parent, Context& ctx) {
  parent.add_subcommand("authorizations", "list standing authorisations and their state")
      ->callback([&ctx] {
        Json r = ctx.call("import.authorizations", Json::object());
        ctx.out().rows({{"authorization", "ID"},
                        {"dept", "DEPT"},
                        {"kinds", "KINDS"},
                        {"valid_until", "UNTIL"},
                        {"status", "STATUS"},
                        {"granted_by", "GRANTED BY"},
                        {"revoked_by", "REVOKED BY"},
                        {"reason", "REASON"}},
                       r["authorizations"]);
      });
}

void setup(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<RunOptions>();
  app.add_option("files", o->files, "the files to import; - reads stdin")->type_name(kFileType);
  app.add_option("--kind", o->kind, "what the files hold")
      ->check(CLI::IsMember({"penalty", "license", "dishonest", "red"}).description(""))
      ->type_name(kKinds);
  app.add_option("--input-format", o->input_format, "the format, when not detected from content")
      ->check(CLI::IsMember({"csv", "ndjson", "json"}).description(""))
      ->type_name("csv|ndjson|json");
  app.add_option("--encoding", o->encoding,
                 "the text encoding, when not detected (GBK files are read as GB18030)")
      ->check(CLI::IsMember({"utf-8", "gb18030", "gbk"}).description(""))
      ->type_name("utf-8|gb18030|gbk");
  app.add_option("--header-row", o->header_row,
                 "the line of the header row, when not found (title rows above it are skipped)")
      ->check(CLI::Range(int64_t{1}, int64_t{10000000}).description(""))
      ->type_name("N");
  app.add_option("--sheet", o->sheet,
                 "the workbook's sheet, by name or position (default: the first visible sheet "
                 "whose header names known columns)")
      ->type_name("NAME|N");
  app.add_flag("--skip-invalid", o->skip_invalid,
               "import the valid rows even when some are rejected (default: all or nothing)");
  app.add_flag("--dry-run", o->dry_run, "validate and report; write nothing (still audited)");
  app.add_flag("--strict-privacy", o->strict_privacy,
               "reject rows whose free text holds personal data (default: a warning per field)");
  app.add_option("--rejects", o->rejects,
                 "write every rejected row to FILE, with the reason, ready to correct and import")
      ->type_name(kFileType);
  app.add_option("--reason", o->reason, "a note kept with the batch and its record versions");
  setup_decision(app, ctx, true);
  setup_decision(app, ctx, false);
  setup_list(app, ctx);
  setup_show(app, ctx);
  setup_authorize(app, ctx);
  setup_authorizations(app, ctx);
  app.require_subcommand(0, 1);
  app.callback([&ctx, &app, o] {
    if (!app.get_subcommands().empty()) return;
    if (o->kind.empty())
      throw Error(ErrorCode::usage, "--kind is required",
                  "give --kind penalty, --kind license, --kind dishonest or --kind red");
    run_import(ctx, *o);
  });
}

}  // namespace

extern const CommandDef cmd_import{
    "import",
    "import 双公示 decisions and dishonest-list entries; approve, reject and list batches",
    "`credit import FILE… --kind K` reads a department's export — CSV (RFC 4180: quoted fields "
    "with commas, quotes and line breaks; CRLF; a UTF-8 BOM; comma, tab or semicolon "
    "delimited), NDJSON or a JSON array of objects, "
    "detected from the content — in UTF-8 or GB18030/GBK (detected, or --encoding). The header "
    "names the columns by the standard's Chinese names or codes (行政相对人名称 or CF_XDR_MC, "
    "许可决定日期 or XK_JDRQ …, also the 2016 codes) in any order; share/credit/kinds/*.json "
    "lists them with the dishonest-list codes (SX_…). The header row is found below title and "
    "填表说明 rows (--header-row N forces it); * required markers and a 序号 column are ignored. "
    "Unknown columns are reported and ignored; a missing required "
    "column stops the import before any row is read.\n\n"
    "Every row is validated: required fields per kind and subject type, unified social credit "
    "codes and resident ID numbers (check characters; the policy's allow-list), dates "
    "(YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYYMMDD, YYYY年M月D日, a trailing 00:00:00, Excel date "
    "numbers; a decision date may not be in the future), amounts in "
    "万元, value lists, cross-field rules, duplicates in the file and the store's records of other "
    "departments. Noise — a label inside a value, full-width digits, spaces — is cleaned with a "
    "warning. Free text (违法事实, 处罚内容, 备注 …) holding personal data — ID, phone or "
    "bank-card "
    "numbers, e-mail addresses, address details, health or religion — gets a warning naming the "
    "field and the kind of data, never the value; with --strict-privacy (or the profile's "
    "privacy.import.strict) such rows are rejected instead. Severity and the publicity dates are "
    "derived from the active policy, each with the "
    "rule that produced it. Rejected rows are reported on stderr with file, line, column, value "
    "and reason; --rejects FILE writes all of them in the input's columns and encoding (UTF-8 with "
    "a BOM) plus 原文件行号, 错误列 and 错误原因, ready to correct and import again.\n\n"
    "A batch is all or nothing: with any rejected row nothing is imported (exit 3; exit 5 when "
    "rows belong to another department) unless --skip-invalid is given. An operator imports only "
    "rows whose 数据来源单位统一社会信用代码 is its own department. The batch is staged until a "
    "reviewer of the department — never the user who staged it — runs `import approve`, which "
    "validates the rows again against the store as it is then; `import reject` discards it. Under "
    "a standing authorisation (`import authorize`, granted by a reviewer for a department, kinds "
    "and a last day, revocable) the import commits at once — the nightly job's mode. Importing the "
    "same file again changes nothing and says so (unchanged); a changed row for an existing "
    "record (same kind, authority USCC and document number) updates it and keeps the previous "
    "version in its history (`credit record show`). Each batch is one transaction with one audit "
    "entry holding the files' SHA-256 digests and the counts. --dry-run validates and reports "
    "without writing.\n\n"
    "With --format json the result is an object with batch, status (staged, committed or "
    "rejected), rows, accepted, rejected, inserted, updated, unchanged and more. A progress line "
    "shows on a terminal (not with --quiet), while importing and while approving.",
    {{"credit import 2026-04-penalties.csv --kind penalty --rejects rejects.csv",
      "Stage a month's penalty decisions; rejected rows go to rejects.csv"},
     {"credit import feed.ndjson --kind license --skip-invalid --format json",
      "Import the valid rows of an NDJSON feed and print the result as JSON"},
     {"credit import approve 12 --token-file reviewer.token", "A reviewer commits batch 12"},
     {"credit import reject 12 --reason '处罚机关代码有误' --token-file reviewer.token",
      "A reviewer rejects batch 12"},
     {"credit import authorize --kind penalty --until 2026-12-31 --token-file reviewer.token",
      "Let the department's nightly penalty import commit without approval"},
     {"credit import list --status staged", "Batches waiting for approval"},
     {"credit import show 12", "Counts, files, digests and rejects of batch 12"}},
    setup};

}  // namespace credit::cli
