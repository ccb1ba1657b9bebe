#pragma once
// The reference data a store applies: its active policy profile (held in the store).
#include <memory>
#include <string>

#include "domain/policy.hpp"

namespace credit::store {
class Db;
}

namespace credit::service {

struct ActivePolicy {
  int64_t id = 0;  // policy_profiles.id
  std::string sha256;
  domain::PolicyProfile profile;
};

// The profile in force; throws Error(store_unavailable) when none is set. Shared and immutable, so
// server threads can hold it while another call installs a new one.
std::shared_ptr<const ActivePolicy> active_policy(store::Db& db);

// Loads a profile (file content) into the store and makes it active; returns its row id.
// `source` says where it came from. Validates with domain::parse_policy first.
int64_t install_policy(store::Db& db, const std::string& content, const std::string& source,
                       const std::string& loaded_by, const std::string& now);

inline constexpr const char* kDefaultPolicy = "national-2026";
// Installs share/policy/national-2026.json (at init, and when a migration adds the policy tables).
void install_default_policy(store::Db& db, const std::string& loaded_by, const std::string& now);
bool has_active_policy(store::Db& db);

}  // namespace credit::service
