// credit generate man|completions (hidden): the docs, from the command definitions themselves.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <fstream>

#include "cli/app.hpp"
#include "cli/command.hpp"
#include "cli/context.hpp"
#include "cli/docs.hpp"
#include "io/sample_data.hpp"
#include "util/error.hpp"

namespace credit::cli {

namespace {

void write_files(const std::map<std::string, std::string>& files, const std::string& dir,
                 Context& ctx) {
  for (const auto& [name, content] : files) {
    std::string path = dir + "/" + name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out)
      fail(ErrorCode::bad_input, fmt::format("cannot write {}", path),
           "check that the directory exists");
    ctx.out().info("wrote " + path);
  }
}

void setup_kind(CLI::App& parent, Context& ctx, const char* name, bool man) {
  auto dir = std::make_shared<std::string>(man ? "man" : "completions");
  auto* app = parent.add_subcommand(
      name, man ? "write the man pages" : "write bash, zsh and fish completions");
  app->add_option("--out", *dir, "the directory to write into")->type_name(kDirType);
  app->callback([&ctx, dir, man] {
    // A fresh tree, so the output never depends on what this process parsed.
    Context scratch;
    auto tree = build_app(scratch);
    write_files(man ? generate_man_pages(*tree) : generate_completions(*tree), *dir, ctx);
  });
}

struct SampleArgs {
  std::string kind = "penalty", encoding = "utf-8", format = "csv", headers = "chinese";
  std::string from, to;
  io::SampleOptions options;
};

domain::Date sample_date(const std::string& text, const char* option) {
  auto date = domain::Date::parse_iso(text);
  if (!date)
    throw Error(ErrorCode::usage, fmt::format("{} '{}' is not a date", option, text),
                "write it as YYYY-MM-DD");
  return *date;
}

void write_sample_file(const SampleArgs& a) {
  io::SampleOptions o = a.options;
  o.kind = *domain::parse_kind(a.kind);
  o.encoding = *io::parse_encoding(a.encoding);
  o.format = *io::parse_input_format(a.format);
  o.code_headers = a.headers == "code";
  if (!a.from.empty()) o.decided_from = sample_date(a.from, "--decided-from");
  if (!a.to.empty()) o.decided_to = sample_date(a.to, "--decided-to");
  try {
    io::write_sample(o, [](std::string_view chunk) {
      if (std::fwrite(chunk.data(), 1, chunk.size(), stdout) != chunk.size())
        throw Error(ErrorCode::bad_input, "cannot write the sample to stdout");
    });
  } catch (const std::invalid_argument& e) {
    throw Error(ErrorCode::usage, e.what());
  }
  std::fflush(stdout);
}

// credit generate sample: deterministic test data on stdout.
void setup_sample(CLI::App& parent) {
  auto a = std::make_shared<SampleArgs>();
  auto* app = parent.add_subcommand("sample", "write a deterministic sample import file to stdout");
  app->add_option("--kind", a->kind, "the record kind")
      ->check(CLI::IsMember({"penalty", "license", "dishonest"}).description(""))
      ->type_name("penalty|license|dishonest");
  app->add_option("--rows", a->options.rows, "number of data rows");
  app->add_option("--seed", a->options.seed, "the same seed gives the same file");
  app->add_option("--invalid", a->options.invalid, "rows with one validation problem each");
  app->add_option("--noise", a->options.noise, "rows with a value that needs cleaning");
  app->add_option("--authorities", a->options.authorities,
                  "N deciding authorities (the department and its districts) taking turns at "
                  "random, each numbering its own documents, as real exports interleave them")
      ->type_name("N");
  app->add_flag("--shuffle", a->options.shuffle,
                "subjects in random order instead of rising with the row");
  app->add_option("--dept", a->options.dept, "数据来源单位统一社会信用代码")->type_name("USCC");
  app->add_option("--dept-name", a->options.dept_name, "数据来源单位");
  app->add_option("--decided-from", a->from, "first decision date")->type_name("DATE");
  app->add_option("--decided-to", a->to, "last decision date")->type_name("DATE");
  app->add_option("--encoding", a->encoding, "output encoding")
      ->check(CLI::IsMember({"utf-8", "gbk", "gb18030"}).description(""))
      ->type_name("utf-8|gbk|gb18030");
  app->add_option("--format", a->format, "output format")
      ->check(CLI::IsMember({"csv", "ndjson", "json"}).description(""))
      ->type_name("csv|ndjson|json");
  app->add_option("--headers", a->headers, "CSV header: Chinese names or standard codes")
      ->check(CLI::IsMember({"chinese", "code"}).description(""))
      ->type_name("chinese|code");
  app->callback([a] { write_sample_file(*a); });
}

void setup(CLI::App& app, Context& ctx) {
  app.require_subcommand(1);
  setup_kind(app, ctx, "man", true);
  setup_kind(app, ctx, "completions", false);
  setup_sample(app);
}

}  // namespace

extern const CommandDef cmd_generate{
    "generate", "generate the man pages, shell completions and sample data (for maintainers)",
    "",         {},
    setup,      true};

}  // namespace credit::cli
