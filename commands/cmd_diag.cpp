// credit diag upload: a hidden transport diagnostic (admin): sends files through the store's
// service and prints the size and SHA-256 the service read, row by row as they arrive.
#include <CLI/CLI.hpp>

#include "cli/app.hpp"
#include "cli/command.hpp"
#include "cli/context.hpp"

namespace credit::cli {

namespace {
void setup(CLI::App& app, Context& ctx) {
  app.require_subcommand(1);
  auto files = std::make_shared<std::vector<std::string>>();
  auto* upload =
      app.add_subcommand("upload", "read FILEs through the service; print size, SHA-256");
  upload->add_option("files", *files, "the files to send ('-' is stdin)")->required();
  upload->callback([&ctx, files] {
    std::vector<service::InputFile> inputs;
    for (const auto& file : *files)
      inputs.push_back({file, std::shared_ptr<io::ByteSource>(io::open_file_source(file))});
    auto writer =
        ctx.out().row_writer({{"input", "INPUT"}, {"bytes", "BYTES"}, {"sha256", "SHA-256"}});
    ctx.call("diag.upload", Json::object(), std::move(inputs),
             [&writer](const Json& row) { writer.add(row); });
    writer.finish();
  });
}
}  // namespace

extern const CommandDef cmd_diag{"diag", "transport diagnostics (admin)", "", {}, setup, true};

}  // namespace credit::cli
