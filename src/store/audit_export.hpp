#pragma once
// Audit log exports: the entries exactly as stored (every field the chain hash covers), in NDJSON,
// JSON or CSV, with a manifest beside the file; and their offline verification, which needs no
// store: each entry's hash, the links inside each contiguous run, the manifest's counts and digest,
// and optionally a signed checkpoint.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/audit_chain.hpp"
#include "store/audit_checkpoint.hpp"
#include "util/json.hpp"

namespace credit::store {

enum class ExportFormat { ndjson, json, csv };
std::string_view export_format_name(ExportFormat format);
std::optional<ExportFormat> parse_export_format(std::string_view name);

// The fields of an exported entry, in order: the audit_log columns.
const std::vector<std::string>& audit_export_columns();
Json audit_entry_to_json(const AuditEntry& entry);
// Throws Error(bad_input) naming the field that is missing, of the wrong type or unexpected.
AuditEntry audit_entry_from_json(const Json& row);

// Serialises entries to a sink and keeps what the manifest needs. In CSV an empty unquoted ts_sim
// means none, and an empty string is written "".
class AuditExportWriter {
 public:
  using Sink = std::function<void(std::string_view)>;
  AuditExportWriter(ExportFormat format, Sink sink);
  void add(const AuditEntry& entry);
  void finish();

  int64_t count() const { return count_; }
  std::optional<int64_t> first_seq() const { return first_seq_; }
  std::optional<int64_t> last_seq() const { return last_seq_; }
  const std::string& last_hash() const { return last_hash_; }
  bool contiguous() const { return contiguous_; }

 private:
  friend struct ExportManifest;
  ExportFormat format_;
  Sink sink_;
  std::string buffer_;
  int64_t count_ = 0;
  std::optional<int64_t> first_seq_, last_seq_;
  std::string last_hash_;
  bool contiguous_ = true;
};

inline constexpr const char* kManifestFormat = "credit-audit-export-manifest-v1";

// What `credit audit export --out FILE` writes to FILE.manifest.json.
struct ExportManifest {
  std::string export_file;  // the export's file name, without directories
  ExportFormat export_format = ExportFormat::ndjson;
  int64_t entries = 0;
  std::optional<int64_t> first_seq, last_seq;
  std::string head_hash;   // the last exported entry's hash; empty when nothing was exported
  bool contiguous = true;  // the entries are one unbroken range of the chain
  std::string sha256;      // of the export file
  int64_t bytes = 0;
  Json filters = Json::object();
  std::string store_id;
  int64_t store_head_seq = 0;  // the store's head when the export was read
  std::string store_head_hash;
  int64_t export_entry_seq = 0;  // the audit entry that records this export
  std::string created_at;
  std::optional<std::string> simulated_at;
  std::string exported_by;

  // Takes the format and what was written (count, first and last, head hash, contiguity).
  void describe(const AuditExportWriter& writer);
  Json to_json() const;
  static ExportManifest from_json(const Json& doc, const std::string& label);
};

std::string manifest_path_for(const std::string& export_path);  // FILE.manifest.json

struct ExportVerifyOptions {
  std::optional<std::string> manifest_path;  // default: FILE.manifest.json when it exists
  bool allow_gaps = false;                   // without a manifest: a filtered export
  std::optional<Checkpoint> checkpoint;
  std::optional<std::string> trusted_key_pem;
};

// The outcome of verifying the store or an export, with anything found beside the chain.
struct VerifyOutcome {
  std::string source = "store";                 // "store", or the export's path
  std::optional<std::string> sha256, manifest;  // exports: the file's digest, the manifest read
  AuditVerifyReport chain;
  std::optional<Checkpoint> checkpoint;
  std::optional<CheckpointCheck> checkpoint_check;
  std::vector<std::string> problems;  // beside the chain: signature, digest, counts, store
  std::vector<std::string> notes;     // what was not checked, and why

  bool ok() const { return chain.ok() && problems.empty(); }
  // The first problem: the chain's first break, else the first other problem.
  std::string problem() const;
  // The stable JSON of `credit audit verify`.
  Json to_json() const;
};

// Verifies an export file offline. Throws Error(not_found/bad_input) only when the files cannot
// be read at all (a missing file, a manifest that is not a manifest); any sign of alteration is
// reported in the outcome.
VerifyOutcome verify_audit_export(const std::string& path, const ExportVerifyOptions& options);

// Checks a checkpoint's signature into the outcome and returns the anchor it puts on the chain,
// or nothing when the signature fails (shared by store and export verification).
// `trusted_key_pem` comes from `key`; without it the embedded key is used (and a note says so).
std::optional<ChainAnchor> admit_checkpoint(VerifyOutcome& outcome, const Checkpoint& cp,
                                            const std::optional<std::string>& trusted_key_pem,
                                            CheckpointKey key = CheckpointKey::given);

}  // namespace credit::store
