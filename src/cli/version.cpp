#include "cli/version.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include "cli/context.hpp"
#include "store/sqlite.hpp"
#include "util/error.hpp"

// Written at build time by cmake/git_commit.cmake.
extern const char* const kCreditGitCommit;

namespace credit::cli {

namespace {

Json local_facts() {
  return {{"version", CREDIT_VERSION},
          {"commit", kCreditGitCommit},
          {"sqlite", store::sqlite_library_version()},
          {"libsodium", sodium_version_string()}};
}

// The store's facts, or why they are not known; never throws (--version must always answer).
Json store_facts(Context& ctx) {
  if (ctx.options.store.empty()) return nullptr;
  try {
    Json info = ctx.call("store.info", Json::object());
    info["store"] = ctx.options.store;
    return info;
  } catch (const Error& e) {
    return {{"store", ctx.options.store}, {"error", e.what()}};
  }
}

std::string as_text(const Json& local, const Json& store) {
  std::string text =
      fmt::format("credit {}\ncommit     {}\nSQLite     {}\nlibsodium  {}\n",
                  local["version"].get<std::string>(), local["commit"].get<std::string>(),
                  local["sqlite"].get<std::string>(), local["libsodium"].get<std::string>());
  if (store.is_null()) return text;
  text += fmt::format("store      {}\n", store["store"].get<std::string>());
  if (store.contains("error"))
    return text + fmt::format("           (not read: {})\n", store["error"].get<std::string>());
  return text +
         fmt::format("schema     {}\nengine     {}\npolicy     {} (sha256 {})\ncrypto     {}\n",
                     store["schema"].get<int>(), store["engine"].get<std::string>(),
                     store["policy"].get<std::string>(), store["policy_sha256"].get<std::string>(),
                     store["crypto"].get<std::string>());
}

}  // namespace

std::string version_text(Context& ctx) {
  const Json local = local_facts();
  const Json store = store_facts(ctx);
  if (ctx.options.format == "json" || ctx.options.format == "ndjson") {
    Json doc = local;
    if (!store.is_null()) doc["store"] = store;
    return doc.dump();
  }
  std::string text = as_text(local, store);
  text.pop_back();  // CLI11 adds the final newline
  return text;
}

}  // namespace credit::cli
