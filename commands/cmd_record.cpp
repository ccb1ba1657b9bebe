// credit record show/amend/revoke: one record with its history; corrections with a reason.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/app.hpp"
#include "cli/command.hpp"
#include "cli/context.hpp"

namespace credit::cli {

namespace {

std::string text(const Json& v) {
  return io::Output::cell_text(v);
}

// The fields table; with --explain a column naming the rules that masked each value.
void render_fields(Context& ctx, const Json& fields, bool explain) {
  if (!explain)
    return ctx.out().rows({{"name", "FIELD"}, {"code", "CODE"}, {"value", "VALUE"}}, fields);
  Json rows = Json::array();
  for (const auto& f : fields) {
    Json row = f;
    std::string rules;
    for (const auto& id : f.value("masked_by", Json::array())) {
      if (!rules.empty()) rules += ' ';
      rules += id.get<std::string>();
    }
    row["rules"] = rules;
    rows.push_back(std::move(row));
  }
  ctx.out().rows({{"name", "FIELD"}, {"code", "CODE"}, {"value", "VALUE"}, {"rules", "MASKED BY"}},
                 rows);
}

void render_record(Context& ctx, const Json& r, bool explain) {
  auto& out = ctx.out();
  const Json& rec = r["record"];
  const Json& why = rec["derivation"];
  auto rule = [&](const char* key) {
    return why.contains(key) ? fmt::format("  [{}]", text(why[key])) : std::string();
  };
  auto note = [&](const char* key) {
    if (why.contains(key)) out.say(fmt::format("                 {}", text(why[key])));
  };
  out.say(fmt::format("record {}  {}  {}  version {}{}", text(rec["id"]), text(rec["kind"]),
                      text(rec["status"]), text(rec["version"]),
                      r["masked"].get<bool>() ? "  (personal data masked)" : ""));
  out.say(fmt::format("severity         {}{}", text(rec["severity"]), rule("severity")));
  note("severity_why");
  out.say(fmt::format("publicity        {} … {}{}", text(rec["publicity_start"]),
                      text(rec["publicity_until"]), rule("publicity_until")));
  note("publicity_notes");
  out.say(
      fmt::format("earliest repair  {}{}", text(rec["earliest_repair"]), rule("earliest_repair")));
  note("earliest_repair_why");
  // "yes" only while the portal shows it: the policy publishes it and it is published now.
  const bool archived = rec["archived"].get<int64_t>() != 0;
  if (!rec["publish"].get<int64_t>())
    out.say(fmt::format("published        no (not published by the policy){}", rule("publish")));
  else if (rec.value("published_now", false))
    out.say(fmt::format("published        yes{}", rule("publish")));
  else if (archived || rec["status"] != "active")
    out.say(fmt::format("published        no (withdrawn: {}{})", text(rec["status"]),
                        archived ? ", archived" : ""));
  else
    out.say(fmt::format("published        not yet (due by the next release){}", rule("publish")));
  out.say(fmt::format("disclosure       {}{}", text(rec["disclosure"]), rule("disclosure")));
  note("disclosure_why");
  if (why.contains("lenient")) out.say(fmt::format("lenient          yes{}", rule("lenient")));
  note("lenient_why");
  out.say(fmt::format("last change      batch {} at {}", text(rec["batch_id"]),
                      text(rec["updated_at"])));
  out.say("");
  render_fields(ctx, r["fields"], explain);
  if (r["history"].empty()) return;
  out.say("\nhistory (each earlier version and the change that replaced it):");
  for (const auto& h : r["history"]) {
    out.say(fmt::format("  version {} replaced {} by {} ({}, batch {}){}", text(h["version"]),
                        text(h["replaced_at"]), text(h["replaced_by"]), text(h["change"]),
                        text(h["batch"]),
                        h["reason"].get<std::string>().empty() ? "" : ": " + text(h["reason"])));
    for (const auto& c : h["changes"])
      out.say(fmt::format("    {}: {} → {}", text(c["name"]), text(c["before"]), text(c["after"])));
  }
}

void setup_show(CLI::App& parent, Context& ctx) {
  auto id = std::make_shared<int64_t>(0);
  auto explain = std::make_shared<bool>(false);
  auto purpose = std::make_shared<std::string>();
  auto* app = parent.add_subcommand(
      "show", "show a record: its fields, derived values with their rules, and its history");
  app->add_option("id", *id, "the record number")->required();
  app->add_flag("--explain", *explain,
                "name the rules that masked each field (personal data masked, free text screened)");
  app->add_option("--purpose", *purpose,
                  "why the record is read: required beyond the public level or for personal data "
                  "in clear, registered in the audit log (查询使用登记)");
  app->callback([&ctx, id, explain, purpose] {
    Json params = {{"record", *id}};
    if (!purpose->empty()) params["purpose"] = *purpose;
    Json r = ctx.call("record.show", params);
    if (ctx.out().format() != io::Format::table) return ctx.out().object(r);
    render_record(ctx, r, *explain);
  });
}

void render_change(Context& ctx, const Json& r) {
  if (ctx.out().format() != io::Format::table) return ctx.out().object(r);
  const int64_t batch = r["batch"].get<int64_t>();
  if (r["status"] == "committed")
    ctx.out().say(fmt::format("record {}: {} committed (batch {}, standing authorisation {})",
                              text(r["record"]), text(r["operation"]), batch,
                              text(r["authorization"])));
  else
    ctx.out().say(
        fmt::format("record {}: {} staged as batch {}; a reviewer of the department "
                    "commits it with `credit import approve {}`",
                    text(r["record"]), text(r["operation"]), batch, batch));
  for (const auto& c : r.value("changes", Json::array()))
    ctx.out().say(
        fmt::format("  {}: {} → {}", text(c["name"]), text(c["before"]), text(c["after"])));
}

void setup_change(CLI::App& parent, Context& ctx, bool amend) {
  auto id = std::make_shared<int64_t>(0);
  auto reason = std::make_shared<std::string>();
  auto sets = std::make_shared<std::vector<std::string>>();
  auto* app = parent.add_subcommand(
      amend ? "amend" : "revoke",
      amend ? "correct fields of a record (validated like an import row), with a reason"
            : "revoke a record (e.g. a decision annulled), with a reason");
  app->add_option("id", *id, "the record number")->required();
  if (amend)
    app->add_option("--set", *sets, "FIELD=VALUE, the field by its Chinese name or code; repeat")
        ->required()
        ->type_name("FIELD=VALUE");
  app->add_option("--reason", *reason, "why: kept in the history and the audit log")->required();
  app->callback([&ctx, id, reason, sets, amend] {
    Json params = {{"record", *id}, {"reason", *reason}};
    if (amend) params["set"] = *sets;
    render_change(ctx, ctx.call(amend ? "record.amend" : "record.revoke", params));
  });
}

void setup(CLI::App& app, Context& ctx) {
  app.require_subcommand(1);
  setup_show(app, ctx);
  setup_change(app, ctx, true);
  setup_change(app, ctx, false);
}

}  // namespace

extern const CommandDef cmd_record{
    "record",
    "show a record with its history; amend or revoke it with a reason",
    "`record show ID` prints a record: its fields by Chinese name and code, the values derived "
    "from the policy (severity, publicity start, earliest repair, end, whether it is published, "
    "disclosure level) each with the rule that produced it, and its history: every earlier "
    "version with who replaced it, when, how (import, amend, revoke) and the fields that changed. "
    "Personal data (a natural person's name and ID numbers) is masked unless the caller may see "
    "its own department's data unmasked, and free text (违法事实, 处罚内容, 备注 …) is screened: "
    "ID, "
    "phone and bank-card numbers, e-mail addresses, address details, health and religion and the "
    "subject's own name are masked by the policy's privacy rules; `--explain` names the rules "
    "that masked each field (JSON: `masked_by`). Like `credit query`, reading a record beyond "
    "the public level, or with personal data in clear, needs --purpose, registered in the audit "
    "log (查询使用登记). Withdrawn records (expired, repaired, revoked, archived) are no longer "
    "shared: only their own department and the credit centre read them, and they never show as "
    "published.\n\n"
    "`record amend ID --set FIELD=VALUE … --reason …` corrects fields; the result is validated "
    "like an imported row and the natural key stays unique. `record revoke ID --reason …` marks "
    "a record revoked (the publish run withdraws it). Both follow the import rules: an operator "
    "of the record's department proposes the change; under a standing authorisation for the "
    "department and kind it is committed at once, otherwise it is staged as a one-row batch that "
    "another reviewer of the department approves with `credit import approve BATCH` (or rejects). "
    "The previous version is kept; the audit entry holds the changed fields before and after, "
    "personal values as HMACs.",
    {{"credit record show 1042 --purpose '案卷核对 2026-001'",
      "A record with its history and the rules behind its dates (the purpose is registered)"},
     {"credit record amend 1042 --set 罚款金额=0.5 --set CF_NR='罚款人民币5000元' --reason "
      "'决定书更正'",
      "Correct two fields"},
     {"credit record revoke 1042 --reason '行政复议撤销原处罚决定'", "Revoke a record"}},
    setup};

}  // namespace credit::cli
