#pragma once
// Renderings shared by several commands.
#include "util/json.hpp"

namespace credit::cli {

class Context;

// A token just issued ({"user", "token"}): shown once, with a warning to keep it safe.
void print_issued_token(Context& ctx, const Json& result);

}  // namespace credit::cli
