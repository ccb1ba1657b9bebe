#include "cli/render.hpp"

#include <fmt/format.h>

#include "cli/context.hpp"

namespace credit::cli {

void print_issued_token(Context& ctx, const Json& result) {
  Json shown = {{"user", result.at("user")}, {"token", result.at("token")}};
  ctx.out().object(shown);
  ctx.out().note(fmt::format(
      "The token of '{}' is shown only now: save it to a file readable only by its owner "
      "(chmod 600) and use it with --token-file.",
      result.at("user").get<std::string>()));
}

}  // namespace credit::cli
