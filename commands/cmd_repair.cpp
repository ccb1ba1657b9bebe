// credit repair submit/approve/reject/object/annul/list/show: credit repair applications
// (信用修复).
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/app.hpp"
#include "cli/command.hpp"
#include "cli/context.hpp"
#include "cli/list_filters.hpp"
#include "io/byte_source.hpp"
#include "util/error.hpp"

namespace credit::cli {

namespace {

std::string text(const Json& v) {
  return io::Output::cell_text(v);
}

struct SubmitOptions {
  int64_t record = 0;
  std::string commitment, rectification, training, credit_report, note, credit_report_date;
  std::vector<std::string> evidence;  // REQUIREMENT=FILE
  std::optional<double> training_hours;
};

// Each evidence file with the requirement it meets, in the order the service pairs them.
void add_evidence(std::vector<std::string>& kinds, std::vector<service::InputFile>& inputs,
                  const std::string& requirement, const std::string& file) {
  if (file.empty()) return;
  kinds.push_back(requirement);
  inputs.push_back({file, std::shared_ptr<io::ByteSource>(io::open_file_source(file))});
}

void render_submit(Context& ctx, const Json& r) {
  if (ctx.out().format() != io::Format::table) return ctx.out().object(r);
  ctx.out().say(fmt::format("repair application {} for record {}: {} (eligible under {})",
                            text(r["application"]), text(r["record"]), text(r["status"]),
                            text(r["rule"])));
  ctx.out().say(fmt::format("decision due by {} [{}]", text(r["decision_deadline"]),
                            text(r["deadline_rule"])));
  for (const auto& e : r["evidence"])
    ctx.out().say(fmt::format("  {}: {} ({} bytes, {}) sha256 {}", text(e["requirement"]),
                              text(e["name"]), text(e["bytes"]), text(e["type"]),
                              text(e["sha256"])));
  if (r.contains("warning")) ctx.out().warn(text(r["warning"]));
}

void setup_submit(CLI::App& parent, Context& ctx) {
  auto o = std::make_shared<SubmitOptions>();
  auto* app = parent.add_subcommand(
      "submit", "record a repair application with its evidence; eligibility is checked at once");
  app->add_option("record", o->record, "the record number")->required();
  app->add_option("--commitment", o->commitment, "the credit commitment (信用承诺书)")
      ->required()
      ->type_name(kFileType);
  app->add_option("--rectification", o->rectification,
                  "proof of rectification and of the obligations met")
      ->type_name(kFileType);
  app->add_option("--training", o->training, "the training certificate (信用修复培训证明)")
      ->type_name(kFileType);
  app->add_option("--training-hours", o->training_hours,
                  "the class hours the training certificate shows");
  app->add_option("--credit-report", o->credit_report,
                  "the credit report of an approved credit service agency")
      ->type_name(kFileType);
  app->add_option("--credit-report-date", o->credit_report_date,
                  "the date the credit report was issued")
      ->type_name("YYYY-MM-DD");
  app->add_option("--evidence", o->evidence,
                  "other evidence the policy asks for, by requirement id (e.g. interview=FILE); "
                  "repeat")
      ->type_name("ID=FILE");
  app->add_option("--note", o->note, "a note kept with the application");
  app->callback([&ctx, o] {
    std::vector<std::string> kinds;
    std::vector<service::InputFile> inputs;
    add_evidence(kinds, inputs, "commitment", o->commitment);
    add_evidence(kinds, inputs, "rectification", o->rectification);
    add_evidence(kinds, inputs, "training", o->training);
    add_evidence(kinds, inputs, "credit_report", o->credit_report);
    for (const auto& e : o->evidence) {
      const size_t eq = e.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == e.size())
        throw Error(ErrorCode::usage, fmt::format("--evidence '{}' is not ID=FILE", e),
                    "e.g. --evidence interview=约谈记录.pdf");
      add_evidence(kinds, inputs, e.substr(0, eq), e.substr(eq + 1));
    }
    Json params = {{"record", o->record}, {"evidence", kinds}};
    if (!o->note.empty()) params["note"] = o->note;
    if (o->training_hours) params["training_hours"] = *o->training_hours;
    if (!o->credit_report_date.empty()) params["credit_report_date"] = o->credit_report_date;
    render_submit(ctx, ctx.call("repair.submit", params, std::move(inputs)));
  });
}

void render_decision(Context& ctx, const Json& r) {
  if (ctx.out().format() != io::Format::table) return ctx.out().object(r);
  std::string line =
      fmt::format("repair application {}: {}", text(r["application"]), text(r["status"]));
  if (r.contains("acceptance_rule") && !r["acceptance_rule"].is_null())
    line += fmt::format(" (accepted: 同意受理 [{}]; eligible [{}])", text(r["acceptance_rule"]),
                        text(r["rule"]));
  else if (r.contains("decision_number") && !r["decision_number"].is_null())
    line += fmt::format(" (decision {}, rule {})", text(r["decision_number"]), text(r["rule"]));
  ctx.out().say(line);
  if (r.contains("decision_rule"))
    ctx.out().say(fmt::format("the decision number is issued when the notice ends [{}]",
                              text(r["decision_rule"])));
  if (r.contains("notice_end"))
    ctx.out().say(
        fmt::format("public notice until {} [{}]; final after it unless objected "
                    "(`credit purge-expired`)",
                    text(r["notice_end"]), text(r["notice_rule"])));
  if (r.contains("record_restored"))
    ctx.out().say(r["record_restored"].get<bool>()
                      ? fmt::format("record {} restored to {}: the next `credit publish` "
                                    "publishes it again [{}]",
                                    text(r["record"]), text(r["record_status"]), text(r["rule"]))
                      : fmt::format("record {} was no longer repaired: unchanged [{}]",
                                    text(r["record"]), text(r["rule"])));
  if (r.contains("decision_deadline"))
    ctx.out().say(fmt::format("back to review: decision due by {} [{}]",
                              text(r["decision_deadline"]), text(r["deadline_rule"])));
}

void setup_decision(CLI::App& parent, Context& ctx, const std::string& name,
                    const std::string& summary, bool reason_required) {
  auto id = std::make_shared<int64_t>(0);
  auto reason = std::make_shared<std::string>();
  auto number = std::make_shared<std::string>();
  auto* app = parent.add_subcommand(name, summary);
  app->add_option("application", *id, "the application number")->required();
  if (reason_required)
    app->add_option("--reason", *reason, "why: kept in the timeline and the audit log")->required();
  if (name == "approve")
    app->add_option("--decision-number", *number,
                    "the number of the 信用修复决定书 (default: generated)");
  app->callback([&ctx, id, reason, number, name] {
    Json params = {{"application", *id}};
    if (!reason->empty()) params["reason"] = *reason;
    if (!number->empty()) params["decision_number"] = *number;
    render_decision(ctx, ctx.call("repair." + name, params));
  });
}

void setup_list(CLI::App& parent, Context& ctx) {
  auto* app = parent.add_subcommand("list", "list repair applications, newest first");
  auto filters = add_list_filters(
      app, {"submitted", "in_notice", "completed", "rejected", "annulled"}, "applications",
      "deciding authority", "undecided applications past their decision deadline");
  app->callback([&ctx, filters] {
    Json r = ctx.call("repair.list", filters->params());
    ctx.out().rows({{"application", "APP"},
                    {"record", "RECORD"},
                    {"status", "STATUS"},
                    {"submitted_on", "SUBMITTED"},
                    {"decision_deadline", "DECIDE BY"},
                    {"overdue", "OVERDUE"},
                    {"decided_on", "DECIDED"},
                    {"notice_end", "NOTICE ENDS"},
                    {"decision_number", "DECISION"},
                    {"dept", "AUTHORITY"}},
                   r["applications"]);
  });
}

void render_show(Context& ctx, const Json& a) {
  auto& out = ctx.out();
  out.say(fmt::format("repair application {}  record {}  {}{}", text(a["application"]),
                      text(a["record"]), text(a["status"]),
                      a["overdue"].get<bool>() ? "  OVERDUE" : ""));
  out.say(fmt::format("authority        {}", text(a["dept"])));
  out.say(fmt::format("submitted        {} by {} under {}", text(a["submitted_on"]),
                      text(a["submitted_by"]), text(a["policy"])));
  out.say(fmt::format("decide by        {}  [{}]", text(a["decision_deadline"]),
                      text(a["deadline_rule"])));
  if (!a["decided_on"].is_null() && !a["acceptance_rule"].is_null())
    out.say(fmt::format("accepted         {} by {} (同意受理) [{}]; eligible [{}]",
                        text(a["decided_on"]), text(a["decided_by"]), text(a["acceptance_rule"]),
                        text(a["rule"])));
  else if (!a["decided_on"].is_null())
    out.say(fmt::format("decided          {} by {}: {} [{}]", text(a["decided_on"]),
                        text(a["decided_by"]), text(a["decision_number"]), text(a["rule"])));
  if (!a["acceptance_rule"].is_null() && !a["decision_number"].is_null())
    out.say(fmt::format("decision         {}", text(a["decision_number"])));
  if (!a["notice_end"].is_null())
    out.say(
        fmt::format("notice until     {}  [{}]", text(a["notice_end"]), text(a["notice_rule"])));
  if (!a["completed_on"].is_null())
    out.say(fmt::format("completed        {}", text(a["completed_on"])));
  if (!a["processing_deadline"].is_null())
    out.say(fmt::format(
        "withdraw by      {}  [{}]{}", text(a["processing_deadline"]), text(a["processing_rule"]),
        a["processed_on"].is_null() ? std::string("  not yet withdrawn")
                                    : fmt::format("  withdrawn {}", text(a["processed_on"]))));
  if (!a["annulled_on"].is_null())
    out.say(fmt::format("annulled         {} by {}: {}", text(a["annulled_on"]),
                        text(a["annulled_by"]), text(a["annul_finding"])));
  if (!a["training_hours"].is_null())
    out.say(fmt::format("training hours   {}", text(a["training_hours"])));
  if (!a["credit_report_date"].is_null())
    out.say(fmt::format("credit report    issued {}", text(a["credit_report_date"])));
  out.say("\nevidence:");
  out.rows({{"requirement", "REQUIREMENT"},
            {"name", "FILE"},
            {"bytes", "BYTES"},
            {"type", "TYPE"},
            {"sha256", "SHA-256"}},
           a["evidence"]);
  out.say("\ntimeline:");
  out.rows({{"at", "AT"}, {"actor", "BY"}, {"event", "EVENT"}, {"detail", "DETAIL"}},
           a["timeline"]);
}

void setup_show(CLI::App& parent, Context& ctx) {
  auto id = std::make_shared<int64_t>(0);
  auto* app = parent.add_subcommand(
      "show", "show an application: its timeline, evidence digests and deadlines");
  app->add_option("application", *id, "the application number")->required();
  app->callback([&ctx, id] {
    Json a = ctx.call("repair.show", {{"application", *id}});
    if (ctx.out().format() != io::Format::table) return ctx.out().object(a);
    render_show(ctx, a);
  });
}

void setup(CLI::App& app, Context& ctx) {
  app.require_subcommand(1);
  setup_submit(app, ctx);
  setup_decision(app, ctx, "approve",
                 "approve an application (eligibility is checked again); starts the public "
                 "notice where the policy has one",
                 false);
  setup_decision(app, ctx, "reject", "reject an application, with a reason", true);
  setup_decision(app, ctx, "object",
                 "record an objection raised during the public notice: back to review", true);
  setup_decision(app, ctx, "annul",
                 "annul a completed repair obtained by untrue statements (the finding as "
                 "--reason): the record is restored and published again",
                 true);
  setup_list(app, ctx);
  setup_show(app, ctx);
}

}  // namespace

extern const CommandDef cmd_repair{
    "repair",
    "credit repair (信用修复): submit with evidence, approve or reject, public notice",
    "`repair submit RECORD --commitment FILE …` records a penalised subject's application to "
    "repair its credit. The evidence files are stored in the store by SHA-256 with their name, "
    "size and type. Eligibility is checked at once against the active policy profile: the record "
    "must be published, with no other application under way and no open objection; licences "
    "and non-repairable categories are refused; the minimum publicity period must have elapsed; "
    "the subject's repair-count and same-kind limits must hold within their windows; and the "
    "evidence the policy requires for the record's severity must be given: state the training "
    "certificate's class hours with --training-hours and the credit report's issue date with "
    "--credit-report-date (the report must be issued within the policy's months before the "
    "application). A refusal exits 11 naming every rule that refused and, when time lifts them, "
    "the first date from which the application would be allowed. An accepted application flags "
    "the record `under_repair` (still published, marked) and is due for decision within the "
    "policy's working days.\n\n"
    "`repair approve APP` and `repair reject APP --reason …` are for a reviewer of the deciding "
    "authority (谁认定、谁受理) who did not submit it. Approval checks eligibility again. Where "
    "the policy has a public notice (e.g. 5 working days) the application is `in_notice` until "
    "its last day; `repair object APP --reason …` during the notice sends it back for review; "
    "where the profile has an acceptance step (Dandong Art. 12(5)) approval is recorded as the "
    "decision to accept (同意受理) under that rule, and where it issues the decision after the "
    "notice (Art. 12(7)) no --decision-number is taken before it: the number is issued when "
    "the notice ends, and the record must be withdrawn within the profile's working days "
    "(repair.withdrawal; `repair show` and `credit report compliance` show late ones); "
    "`credit purge-expired` makes it final after the notice. Without a notice it is final on "
    "approval. A final repair withdraws and archives the record as `repaired`, with the decision "
    "number and the allowing rule in its history; the next `credit publish` withdraws it from "
    "the portal.\n\n"
    "`repair annul APP --reason …` is for a reviewer of the deciding authority where the profile "
    "has an annulment rule (Dandong Art. 17: a repair obtained by not truthfully stating the "
    "facts): the record gets back the state it had before the repair, and the next `credit "
    "publish` publishes it again; the finding is kept with the application (status `annulled`), "
    "in the record's history and in the audit log. Listing the subject for the fraud itself is "
    "a decision of its own, imported like any other.\n\n"
    "`repair list` (--status, --dept, --overdue) and `repair show APP` (timeline, evidence "
    "digests, deadlines) read applications: operators and reviewers those of their department, "
    "the auditor all.",
    {{"credit repair submit 1042 --commitment 承诺书.pdf --rectification 缴款凭证.pdf",
      "Apply for a general penalty's repair"},
     {"credit repair submit 1042 --commitment c.pdf --rectification r.pdf --training t.pdf "
      "--training-hours 3 --credit-report rep.pdf --credit-report-date 2026-05-20",
      "A severe case, with training and credit report"},
     {"credit repair approve 7 --decision-number '京信修〔2026〕7号'", "Approve application 7"},
     {"credit repair object 7 --reason '举报：仍在违法经营'", "An objection during the notice"},
     {"credit repair list --overdue", "Applications past their decision deadline"},
     {"credit repair annul 7 --reason '整改证明系伪造（核查报告2026-15号）'",
      "Annul a repair obtained with a forged rectification proof"}},
    setup};

}  // namespace credit::cli
