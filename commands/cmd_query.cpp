// credit query: records by code, ID number, name and more; masked per role, purpose registered.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/app.hpp"
#include "cli/command.hpp"
#include "cli/context.hpp"

namespace credit::cli {

namespace {

struct QueryOptions {
  std::string uscc, id_number, name, kind, status, severity, authority, decided_from, decided_to;
  std::string purpose;
  std::vector<std::string> levels;
  bool in_publicity = false, include_archived = false, count = false;
  int64_t after = 0, limit = 100;
};

Json params_of(const QueryOptions& o) {
  Json p = Json::object();
  auto text = [&](const char* key, const std::string& value) {
    if (!value.empty()) p[key] = value;
  };
  text("uscc", o.uscc);
  text("id_number", o.id_number);
  text("name_contains", o.name);
  text("kind", o.kind);
  text("status", o.status);
  text("severity", o.severity);
  text("authority", o.authority);
  text("decided_from", o.decided_from);
  text("decided_to", o.decided_to);
  text("purpose", o.purpose);
  if (!o.levels.empty()) p["levels"] = o.levels;
  if (o.in_publicity) p["in_publicity"] = true;
  if (o.include_archived) p["include_archived"] = true;
  if (o.count) p["count_only"] = true;
  if (o.after > 0) p["after"] = o.after;
  p["limit"] = o.limit;
  return p;
}

// Every key of a record row, in the order of the NDJSON line (csv header).
const std::vector<io::Column>& all_columns() {
  static const std::vector<io::Column> columns = {{"id", ""},
                                                  {"kind", ""},
                                                  {"status", ""},
                                                  {"severity", ""},
                                                  {"subject_name", ""},
                                                  {"subject_type", ""},
                                                  {"uscc", ""},
                                                  {"id_number", ""},
                                                  {"document_number", ""},
                                                  {"authority", ""},
                                                  {"authority_uscc", ""},
                                                  {"source_dept_uscc", ""},
                                                  {"decided_on", ""},
                                                  {"publicity_start", ""},
                                                  {"publicity_until", ""},
                                                  {"disclosure", ""},
                                                  {"under_repair", ""},
                                                  {"disputed", ""},
                                                  {"archived", ""},
                                                  {"masked", ""}};
  return columns;
}

const std::vector<io::Column>& table_columns() {
  static const std::vector<io::Column> columns = {{"id", "ID"},
                                                  {"kind", "KIND"},
                                                  {"status", "STATUS"},
                                                  {"severity", "SEV"},
                                                  {"subject_name", "SUBJECT"},
                                                  {"code", "USCC / ID NUMBER"},
                                                  {"document_number", "DOCUMENT"},
                                                  {"decided_on", "DECIDED"},
                                                  {"publicity_until", "PUBLICITY UNTIL"},
                                                  {"disclosure", "LEVEL"}};
  return columns;
}

void render(Context& ctx, const QueryOptions& o, const Json& r) {
  auto& out = ctx.out();
  if (o.count) {
    if (out.format() == io::Format::table)
      return out.say(fmt::format("{} records", r["count"].get<int64_t>()));
    return out.object({{"count", r["count"]}});
  }
  const bool table = out.format() == io::Format::table;
  auto writer = out.row_writer(table ? table_columns() : all_columns());
  if (!(table && out.quiet())) {
    for (const auto& row : r["records"]) {
      if (!table) {
        writer.add(row);
        continue;
      }
      Json shown = row;
      shown["code"] = row["uscc"].is_null() ? row["id_number"] : row["uscc"];
      writer.add(shown);
    }
    writer.finish();
  }
  if (r["more"].get<bool>())
    out.note(fmt::format("more records: continue with --after {} (same filter)",
                         r["next_after"].get<int64_t>()));
}

void setup(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<QueryOptions>();
  const char* filters = "Filters (combinable)";
  app.add_option("--uscc", o->uscc, "the subject's unified social credit code")
      ->type_name("CODE")
      ->group(filters);
  app.add_option("--id-number", o->id_number, "a natural person's ID number (证件号码)")
      ->type_name("ID")
      ->group(filters);
  app.add_option("--name", o->name,
                 "part of the subject's name (行政相对人名称), one character or more; indexed")
      ->type_name("TEXT")
      ->group(filters);
  app.add_option("--kind", o->kind, "the kind of record")
      ->type_name("license|penalty|dishonest|red")
      ->group(filters);
  app.add_option("--status", o->status,
                 "the record's status (a withdrawn status implies --include-archived)")
      ->type_name("active|published|expired|repaired|revoked")
      ->group(filters);
  app.add_option("--severity", o->severity, "the severity the policy gave the record")
      ->type_name("minor|general|severe")
      ->group(filters);
  app.add_option("--authority", o->authority,
                 "the deciding authority's unified social credit code (处罚机关/许可机关)")
      ->type_name("CODE")
      ->group(filters);
  app.add_option("--decided-from", o->decided_from, "decided on or after this date")
      ->type_name("YYYY-MM-DD")
      ->group(filters);
  app.add_option("--decided-to", o->decided_to, "decided on or before this date")
      ->type_name("YYYY-MM-DD")
      ->group(filters);
  app.add_flag("--in-publicity", o->in_publicity,
               "only records published now: status published, publicity not yet ended")
      ->group(filters);
  app.add_flag("--include-archived", o->include_archived,
               "also withdrawn records (expired, repaired, revoked): the archive")
      ->group(filters);
  app.add_option("--level", o->levels,
                 "only records at this disclosure level (repeat for several; default: every "
                 "level your role may see)")
      ->type_name("public|shared|authorised")
      ->group(filters);
  app.add_option("--purpose", o->purpose,
                 "why you query (查询使用登记); required unless the query can return only what "
                 "the public sees")
      ->type_name("TEXT");
  app.add_option("--limit", o->limit, "at most N records (1–10000)")
      ->type_name("N")
      ->default_str("100");
  app.add_option("--after", o->after,
                 "continue after this record number: the next page (records come in id order)")
      ->type_name("ID");
  app.add_flag("--count", o->count, "print only how many records match");
  app.callback([&ctx, o] { render(ctx, *o, ctx.call("query.run", params_of(*o))); });
}

}  // namespace

extern const CommandDef cmd_query{
    "query",
    "find records by credit code, ID number or name; masked per role, every use registered",
    "Finds records by the subject's unified social credit code (--uscc), a natural person's ID "
    "number (--id-number) or part of the subject's name (--name, any part of one "
    "character or more, answered from a name index), narrowed by kind, status, severity, deciding "
    "authority, "
    "decision dates and whether the record is published now. Filters combine; records come in "
    "record-number order, --limit at a time (100 by default): when there are more, a note on "
    "stderr gives the --after value for the next page. --count prints only the number.\n\n"
    "What you see depends on your role. Each record has a disclosure level: public (社会公开), "
    "shared (政务共享, government sharing) or authorised (授权查询); viewers see public and "
    "shared records, operators and reviewers also their own department's authorised records, "
    "administrators, publishers and auditors none. Only a record published now is public: one "
    "not yet published or withdrawn (expired, repaired, revoked, archived) needs the shared "
    "level, and its disclosure column says so. Withdrawn records are left out unless "
    "--include-archived or a withdrawn --status is given. A natural person's name keeps "
    "its surname (张*) and an ID number only its first and last characters, unless your role "
    "may see personal data and the record belongs to your department; `credit record show` "
    "masks the same way.\n\n"
    "Every query is registered in the audit log (查询使用登记): who, when, the filter (names "
    "and ID numbers as HMACs), the purpose and how many records were found — never the records. "
    "A query that can return more than the public sees needs --purpose; without it the query is "
    "refused (exit 2) and the refusal is registered too.\n\n"
    "NDJSON and JSON rows carry id, kind, status, severity, subject_name, subject_type, uscc, "
    "id_number, document_number, authority, authority_uscc, source_dept_uscc, decided_on, "
    "publicity_start, publicity_until, disclosure, under_repair, disputed, archived and masked "
    "(whether personal data was masked); CSV has the same columns.",
    {{"credit query --uscc 91110000600037341L --purpose '招标投标资格审查'",
      "A bidder's records, with the purpose registered"},
     {"credit query --name 黄记烟酒 --in-publicity --format ndjson --purpose '投诉核查'",
      "Records published now whose subject's name contains 黄记烟酒, one JSON object a line"},
     {"credit query --kind penalty --severity severe --decided-from 2026-01-01 --count "
      "--purpose '季度统计'",
      "How many severe penalties were decided this year"},
     {"credit query --authority 11110105000005071J --limit 1000 --after 52000 --format csv "
      "--purpose '数据核对'",
      "The next page of an authority's records as CSV"},
     {"credit query --name 王伟 --level public",
      "Only public records: no purpose needed (viewer)"}},
    setup};

}  // namespace credit::cli
