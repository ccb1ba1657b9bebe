// credit policy show/list/set: the rules in force.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/app.hpp"
#include "cli/command.hpp"
#include "cli/context.hpp"
#include "util/paths.hpp"

namespace credit::cli {

namespace {

void render_profile(Context& ctx, const Json& p) {
  auto& out = ctx.out();
  out.say(fmt::format("{}  {}", p["id"].get<std::string>(), p["title"].get<std::string>()));
  out.say(fmt::format("in force since {}; sha256 {}", p["in_force"].get<std::string>(),
                      p["sha256"].get<std::string>()));
  for (const auto& b : p["legal_basis"])
    out.say(fmt::format("  {} {}", b["number"].get<std::string>(), b["title"].get<std::string>()));
  out.say("");
  out.rows({{"kind", "KIND"},
            {"severity", "SEVERITY"},
            {"published", "PUBLISHED"},
            {"min_months", "MIN MONTHS"},
            {"max_months", "MAX MONTHS"},
            {"rule", "RULE"}},
           p["penalty_periods"]);
  out.say("");
  out.rows({{"id", "RULE"}, {"cite", "SOURCE"}}, p["rules"]);
}

void setup(CLI::App& app, Context& ctx) {
  app.require_subcommand(1);
  app.add_subcommand("show", "print the active profile with every rule and its source")
      ->callback([&ctx] {
        Json p = ctx.call("policy.show", Json::object());
        if (ctx.out().format() == io::Format::table)
          render_profile(ctx, p);
        else
          ctx.out().object(p);
      });
  app.add_subcommand("list", "list the profiles shipped in share/credit/policy")->callback([&ctx] {
    Json r = ctx.call("policy.list", Json::object());
    ctx.out().rows(
        {{"name", "NAME"}, {"active", "ACTIVE"}, {"in_force", "IN FORCE"}, {"title", "TITLE"}},
        r["profiles"]);
  });
  auto target = std::make_shared<std::string>();
  auto* set = app.add_subcommand("set", "make a profile the active one (admin; audited)");
  set->add_option("profile", *target, "a profile name from `policy list`, or a profile FILE")
      ->required();
  set->callback([&ctx, target] {
    std::vector<service::InputFile> inputs;
    Json params = Json::object();
    if (file_exists(*target))
      inputs.push_back({*target, std::shared_ptr<io::ByteSource>(io::open_file_source(*target))});
    else
      params["name"] = *target;
    Json r = ctx.call("policy.set", params, std::move(inputs));
    if (ctx.out().format() != io::Format::table) return ctx.out().object(r);
    ctx.out().say(fmt::format("active policy: {} (was {})", r["policy"].get<std::string>(),
                              r["previous"].get<std::string>()));
  });
}

}  // namespace

extern const CommandDef cmd_policy{
    "policy",
    "show and choose the policy profile: periods, severity, repair and masking rules",
    "All the numbers the rules depend on — severity classification, minimum and maximum publicity "
    "periods per kind and severity, non-repairable categories, repair limits, the public notice, "
    "the publication and objection deadlines, masking and the USCC allow-list — come from the "
    "store's active policy profile, never from code. Profiles ship in share/credit/policy: "
    "national-2026 (NDRC Order No. 36 of 2025, in force 2026-04-01; the default), national-2019 "
    "(发改办财金〔2019〕527号) and dandong-2019 (the municipal repair regulation).\n\n"
    "`policy set` copies a profile into the store (with its SHA-256) and makes it active; later "
    "edits of the file do not change the store's rules until it is set again. Every derived date "
    "and decision names the rule it came from, as \"PROFILE/path\".",
    {{"credit policy show", "See the rules in force"},
     {"credit policy set dandong-2019 --token-file admin.token", "Apply the municipal profile"}},
    setup};

}  // namespace credit::cli
