#pragma once
// A release as the portal receives it (docs/publication.md): upsert.ndjson and withdraw.ndjson,
// rendered from the record versions its items name with the masking rules of the policy it was
// cut under, and manifest.json. Rendering is deterministic, so a release re-sent later has the
// same bytes and digests as the first time.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/policy.hpp"
#include "util/json.hpp"

namespace credit::store {
class Db;
}

namespace credit::service {

inline constexpr const char* kUpsertFile = "upsert.ndjson";
inline constexpr const char* kWithdrawFile = "withdraw.ndjson";
inline constexpr const char* kManifestFile = "manifest.json";
inline constexpr const char* kNoticeFile = "repair_notices.ndjson";  // only when there are some
inline constexpr const char* kReleaseFormat = "credit-release/1";

struct ReleaseFile {
  std::string name;
  int64_t lines = 0, bytes = 0;
  std::string sha256;
};
Json files_json(const std::vector<ReleaseFile>& files);
std::vector<ReleaseFile> files_from_json(const Json& files);

// What the manifest says besides the files; read from the releases table.
struct ReleaseHeader {
  int64_t sequence = 0;
  std::string type, status, as_of, created_at;
  int64_t policy_id = 0;
  int64_t upserts = 0, withdrawals = 0;
};
ReleaseHeader load_release_header(store::Db& db, int64_t sequence);  // Error(not_found)

// The policy a release was cut under: its masking and privacy rules render the release.
std::shared_ptr<const domain::PolicyProfile> release_policy(store::Db& db, int64_t policy_id);

// Passes every line of the release (without its newline) to `line`, file by file: the upserts,
// then the withdrawals, each in record order, then the repair notices (if any) by application.
// Returns the files with their digests.
using LineSink = std::function<void(const std::string& file, const std::string& line)>;
std::vector<ReleaseFile> render_release(store::Db& db, int64_t sequence,
                                        const domain::PolicyProfile& policy, const LineSink& line);

// manifest.json for the release: counts, sequence and previous sequence, policy, files.
std::string manifest_text(store::Db& db, const ReleaseHeader& header,
                          const std::vector<ReleaseFile>& files);

}  // namespace credit::service
