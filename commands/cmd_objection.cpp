// credit objection file/resolve/list: objections to records (异议), verified by the provider.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/app.hpp"
#include "cli/command.hpp"
#include "cli/context.hpp"
#include "cli/list_filters.hpp"
#include "io/byte_source.hpp"

namespace credit::cli {

namespace {

std::string text(const Json& v) {
  return io::Output::cell_text(v);
}

void setup_file(CLI::App& parent, Context& ctx) {
  auto record = std::make_shared<int64_t>(0);
  auto reason = std::make_shared<std::string>();
  auto evidence = std::make_shared<std::string>();
  auto* app = parent.add_subcommand(
      "file", "record a subject's objection to a record: flagged disputed until verified");
  app->add_option("record", *record, "the record number")->required();
  app->add_option("--reason", *reason, "what the subject disputes")->required();
  app->add_option("--evidence", *evidence, "a file supporting the objection")->type_name(kFileType);
  app->callback([&ctx, record, reason, evidence] {
    std::vector<service::InputFile> inputs;
    if (!evidence->empty())
      inputs.push_back(
          {*evidence, std::shared_ptr<io::ByteSource>(io::open_file_source(*evidence))});
    Json r =
        ctx.call("objection.file", {{"record", *record}, {"reason", *reason}}, std::move(inputs));
    if (ctx.out().format() != io::Format::table) return ctx.out().object(r);
    ctx.out().say(fmt::format("objection {} to record {}: disputed; verify by {} [{}]",
                              text(r["objection"]), text(r["record"]), text(r["deadline"]),
                              text(r["rule"])));
  });
}

void setup_resolve(CLI::App& parent, Context& ctx) {
  auto id = std::make_shared<int64_t>(0);
  auto reason = std::make_shared<std::string>();
  auto sets = std::make_shared<std::vector<std::string>>();
  auto uphold = std::make_shared<bool>(false);
  auto dismiss = std::make_shared<bool>(false);
  auto revoke = std::make_shared<bool>(false);
  auto* app = parent.add_subcommand(
      "resolve", "uphold (correct or revoke the record) or dismiss an objection, with a reason");
  app->add_option("objection", *id, "the objection number")->required();
  auto* up = app->add_flag("--uphold", *uphold, "the objection is founded");
  auto* down = app->add_flag("--dismiss", *dismiss, "the objection is unfounded: clear the flag");
  up->excludes(down);
  app->add_option("--set", *sets, "with --uphold: FIELD=VALUE to correct; repeat")
      ->type_name("FIELD=VALUE");
  app->add_flag("--revoke", *revoke, "with --uphold: revoke the record");
  app->add_option("--reason", *reason, "why: kept in the history and the audit log")->required();
  app->callback([&ctx, id, reason, sets, uphold, dismiss, revoke] {
    Json params = {{"objection", *id},
                   {"reason", *reason},
                   {"uphold", *uphold},
                   {"dismiss", *dismiss},
                   {"revoke", *revoke}};
    if (!sets->empty()) params["set"] = *sets;
    Json r = ctx.call("objection.resolve", params);
    if (ctx.out().format() != io::Format::table) return ctx.out().object(r);
    ctx.out().say(fmt::format("objection {}: {} (record {} {}{})", text(r["objection"]),
                              text(r["status"]), text(r["record"]), text(r["outcome"]),
                              r.contains("batch") ? ", batch " + text(r["batch"]) : ""));
    for (const auto& c : r.value("changes", Json::array()))
      ctx.out().say(
          fmt::format("  {}: {} → {}", text(c["name"]), text(c["before"]), text(c["after"])));
  });
}

void setup_list(CLI::App& parent, Context& ctx) {
  auto* app = parent.add_subcommand("list", "list objections, newest first");
  auto filters =
      add_list_filters(app, {"open", "upheld", "dismissed"}, "objections", "providing department",
                       "open objections past their verification deadline");
  app->callback([&ctx, filters] {
    Json r = ctx.call("objection.list", filters->params());
    ctx.out().rows({{"objection", "OBJ"},
                    {"record", "RECORD"},
                    {"status", "STATUS"},
                    {"filed_on", "FILED"},
                    {"deadline", "VERIFY BY"},
                    {"overdue", "OVERDUE"},
                    {"outcome", "OUTCOME"},
                    {"resolved_on", "RESOLVED"},
                    {"dept", "PROVIDER"}},
                   r["objections"]);
  });
}

void setup(CLI::App& app, Context& ctx) {
  app.require_subcommand(1);
  setup_file(app, ctx);
  setup_resolve(app, ctx);
  setup_list(app, ctx);
}

}  // namespace

extern const CommandDef cmd_objection{
    "objection",
    "objections to records (异议): file, resolve, list",
    "`objection file RECORD --reason … [--evidence FILE]` records a subject's objection to a "
    "record, by an operator of the department that provided it. The record is flagged "
    "`disputed` (异议核实中: still published, marked; joint punishment suspended) and the "
    "provider must verify it by a deadline counted in working days from the policy "
    "(deadlines.objection). The evidence file is stored by SHA-256.\n\n"
    "`objection resolve OBJ --reason …` is for a reviewer of the providing department who did "
    "not file it: `--uphold --set FIELD=VALUE …` corrects the record (validated like an import "
    "row; the previous version is kept and the change shows before and after), `--uphold "
    "--revoke` revokes it (the next publish withdraws it), `--dismiss` clears the flag. The "
    "correction or revocation is committed at once as a one-row batch decided by the reviewer.\n\n"
    "`objection list` (--status, --dept, --overdue) shows objections; overdue ones are open past "
    "their deadline.",
    {{"credit objection file 1042 --reason '罚款金额有误' --evidence 缴款凭证.pdf",
      "File an objection with evidence"},
     {"credit objection resolve 3 --uphold --set 罚款金额=0.5 --reason '核实：决定书金额为0.5万元'",
      "Correct the record"},
     {"credit objection resolve 3 --dismiss --reason '核实无误'", "Dismiss an objection"},
     {"credit objection list --overdue", "Objections past their verification deadline"}},
    setup};

}  // namespace credit::cli
