// credit consent add/revoke/list: the subjects' authorisations for authorised queries (授权查询).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>

#include "cli/app.hpp"
#include "cli/command.hpp"
#include "cli/context.hpp"
#include "io/byte_source.hpp"
#include "util/error.hpp"

namespace credit::cli {

namespace {

std::string cell(const Json& v) {
  return io::Output::cell_text(v);
}

struct AddOptions {
  std::string subject, purpose, until, evidence;
  std::vector<std::string> kinds;
};

void setup_add(CLI::App& parent, Context& ctx) {
  auto o = std::make_shared<AddOptions>();
  auto* app = parent.add_subcommand(
      "add", "record a subject's authorisation: purpose, kinds of record, last day, evidence");
  app->add_option("--subject", o->subject, "the organisation's USCC or the person's ID number")
      ->required()
      ->type_name("USCC|ID-NUMBER");
  app->add_option("--purpose", o->purpose, "what the subject authorised the query for")
      ->required()
      ->type_name("TEXT");
  app->add_option("--scope", o->kinds, "the kinds of record it covers (comma-separated)")
      ->required()
      ->delimiter(',')
      ->check(CLI::IsMember({"penalty", "license", "dishonest"}).description(""))
      ->type_name("KINDS");
  app->add_option("--until", o->until,
                  "the last day it covers, YYYY-MM-DD (at most the profile's maximum validity)")
      ->required()
      ->type_name("DATE");
  app->add_option("--evidence", o->evidence,
                  "the subject's signed authorisation; only its SHA-256 digest is kept")
      ->required()
      ->type_name(kFileType);
  app->callback([&ctx, o] {
    Json params = {
        {"subject", o->subject}, {"purpose", o->purpose}, {"kinds", o->kinds}, {"until", o->until}};
    std::vector<service::InputFile> inputs;
    inputs.push_back(
        {o->evidence, std::shared_ptr<io::ByteSource>(io::open_file_source(o->evidence))});
    Json r = ctx.call("consent.add", params, std::move(inputs));
    if (ctx.out().format() != io::Format::table) return ctx.out().object(r);
    ctx.out().say(fmt::format(
        "authorisation {}: {} authorises queries of its {} records for '{}', {} to {} [{}]",
        cell(r["consent"]), cell(r["subject"]), cell(r["kinds"]), cell(r["purpose"]),
        cell(r["valid_from"]), cell(r["valid_until"]), cell(r["rule"])));
    ctx.out().say(fmt::format("evidence sha256 {} ({} bytes; the file is not kept)",
                              cell(r["evidence_sha256"]), cell(r["evidence_bytes"])));
  });
}

void setup_revoke(CLI::App& parent, Context& ctx) {
  auto id = std::make_shared<int64_t>(0);
  auto reason = std::make_shared<std::string>();
  auto* app = parent.add_subcommand("revoke", "revoke an authorisation (the subject withdrew it)");
  app->add_option("consent", *id, "the authorisation's number")->required();
  app->add_option("--reason", *reason, "why: kept with it and in the audit log");
  app->callback([&ctx, id, reason] {
    Json params = {{"consent", *id}};
    if (!reason->empty()) params["reason"] = *reason;
    Json r = ctx.call("consent.revoke", params);
    if (ctx.out().format() != io::Format::table) return ctx.out().object(r);
    ctx.out().say(fmt::format("authorisation {} revoked", *id));
  });
}

void setup_list(CLI::App& parent, Context& ctx) {
  auto subject = std::make_shared<std::string>();
  auto* app = parent.add_subcommand("list", "list authorisations and their state");
  app->add_option("--subject", *subject, "only this subject's")->type_name("USCC|ID-NUMBER");
  app->callback([&ctx, subject] {
    Json params = Json::object();
    if (!subject->empty()) params["subject"] = *subject;
    Json r = ctx.call("consent.list", params);
    ctx.out().rows({{"consent", "ID"},
                    {"subject", "SUBJECT"},
                    {"purpose", "PURPOSE"},
                    {"kinds", "KINDS"},
                    {"valid_from", "FROM"},
                    {"valid_until", "UNTIL"},
                    {"status", "STATUS"},
                    {"dept", "DEPT"},
                    {"recorded_by", "RECORDED BY"}},
                   r["consents"]);
  });
}

void setup(CLI::App& app, Context& ctx) {
  app.require_subcommand(1);
  setup_add(app, ctx);
  setup_revoke(app, ctx);
  setup_list(app, ctx);
}

}  // namespace

extern const CommandDef cmd_consent{
    "consent",
    "subjects' authorisations for authorised queries (授权查询)",
    "Records reach the authorised disclosure level (授权查询) of another department only under "
    "the subject's own authorisation: `consent add` records one — the subject (an "
    "organisation's USCC or a person's ID number, kept only as an HMAC), the purpose, the kinds "
    "of record it covers, its last day (at most the profile's consent.max_validity, one year in "
    "the shipped profiles: no lifetime authorisation, 甘信用办发〔2021〕5号（十四）) and the "
    "signed "
    "authorisation, kept by SHA-256 digest only. A query or `record show` that would disclose an "
    "authorised-level record of another department without a valid authorisation covering its "
    "purpose, kind and day is refused with exit 11 naming <profile>/consent.required. Operators "
    "record and revoke authorisations (own department's); operators, reviewers and auditors list "
    "them.",
    {{"credit consent add --subject 91110000600037341L --purpose 贷款审批 --scope penalty,license "
      "--until 2027-03-31 --evidence 授权书.pdf",
      "Record an organisation's authorisation"},
     {"credit query --uscc 91110000600037341L --level authorised --purpose '贷款审批 2026-017'",
      "An authorised query under it (the purpose starts with the authorised one)"},
     {"credit consent revoke 3 --reason '主体撤回授权'", "The subject withdrew it"},
     {"credit consent list --subject 91110000600037341L", "One subject's authorisations"}},
    setup};

}  // namespace credit::cli
