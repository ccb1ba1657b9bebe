#include "support.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <random>
#include <sstream>

namespace credit::test {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("credit-test-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

TestStore::TestStore() {
  store = store::Store::create(dir.file("store.db"));
  admin_token = service().bootstrap("admin")["token"].get<std::string>();
}

Json TestStore::call(const std::string& action, Json params, const std::string& token) {
  service::Call call{action, std::move(params), token, {}, {}};
  return service().call(call);
}

std::string TestStore::add_user(const std::string& name, const std::string& role,
                                const std::string& dept) {
  Json params = {{"name", name}, {"role", role}};
  if (!dept.empty()) params["dept"] = dept;
  return call("user.add", params, admin_token)["token"].get<std::string>();
}

}  // namespace credit::test
