#pragma once
// Test support: real temporary directories and real stores.
#include <filesystem>
#include <memory>
#include <string>

#include "service/service.hpp"
#include "store/store.hpp"
#include "util/clock.hpp"

#ifndef CREDIT_SOURCE_DIR
#define CREDIT_SOURCE_DIR "."
#endif

namespace credit::test {

// A whole file, for tests that read the project's own data (share/…); fails the test if missing.
std::string read_text(const std::string& path);
// A shipped policy profile's text (share/policy/ID.json).
inline std::string shipped_policy_text(const std::string& id) {
  return read_text(std::string(CREDIT_SOURCE_DIR) + "/share/policy/" + id + ".json");
}

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A fresh store with an admin; keeps the admin's token.
struct TestStore {
  TempDir dir;
  std::unique_ptr<store::Store> store;
  std::string admin_token;
  Clock clock = Clock::fixed(*parse_timestamp("2026-05-06T10:00:00+08:00"));

  TestStore();
  service::Service service() { return service::Service(*store, clock); }
  Json call(const std::string& action, Json params, const std::string& token);
  // Creates a user with the role (and department) and returns its token.
  std::string add_user(const std::string& name, const std::string& role,
                       const std::string& dept = "");
};

}  // namespace credit::test
