#pragma once
// `credit --version`: what an administrator needs in a bug report or an upgrade check.
#include <string>

namespace credit::cli {

class Context;

// The version, the git commit it was built from, the SQLite and libsodium versions, the crypto
// suite, and — when a store and a token are given — the store's schema, engine and policy.
// In JSON when --format json asks for it.
std::string version_text(Context& ctx);

}  // namespace credit::cli
