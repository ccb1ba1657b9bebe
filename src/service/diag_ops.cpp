// Transport diagnostics: diag.upload reads every input to its end and reports its size and
// SHA-256, so an administrator can check that files reach a remote store whole, and measure the
// upload rate (bench/remote.sh). It touches no store data; like every action it is audited.
#include "io/byte_source.hpp"
#include "service/modules.hpp"
#include "service/service.hpp"
#include "util/crypto.hpp"

namespace credit::service {

namespace {
Json diag_upload(ActionContext& ctx) {
  std::vector<char> buffer(size_t{1} << 20);
  int64_t total = 0;
  Json inputs = Json::array();
  for (const auto& input : ctx.call.inputs) {
    crypto::Sha256 digest;
    int64_t bytes = 0;
    while (size_t got = input.source->read(buffer.data(), buffer.size())) {
      digest.update(std::string_view(buffer.data(), got));
      bytes += static_cast<int64_t>(got);
    }
    total += bytes;
    Json row = {{"input", input.name}, {"bytes", bytes}, {"sha256", digest.hex_digest()}};
    inputs.push_back(row);
    ctx.emit_row(std::move(row));
  }
  ctx.audit.targets.push_back("diag");
  ctx.audit.params["inputs"] = inputs;
  return {{"inputs", std::move(ctx.collected)}, {"bytes", total}};
}
}  // namespace

void register_diag_actions(ActionRegistry& r) {
  r.add({"diag.upload", "diag.run", Access::read, diag_upload,
         "read the inputs and report their size and SHA-256"});
}

}  // namespace credit::service
