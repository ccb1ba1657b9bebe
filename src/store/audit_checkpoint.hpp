#pragma once
// Signed checkpoints of the audit chain: (sequence, head hash, time, store) signed with Ed25519.
// Kept away from the store, a checkpoint proves later that the log still contains that entry
// with that hash, so neither rewriting nor removing the newest entries goes unnoticed.
#include <cstdint>
#include <optional>
#include <string>

#include "store/audit_chain.hpp"
#include "util/json.hpp"

namespace credit::store {

inline constexpr const char* kCheckpointFormat = "credit-audit-checkpoint-v1";

struct Checkpoint {
  std::string store_id;
  int64_t seq = 0;  // the last entry covered
  std::string head_hash;
  std::string created_at;                   // real UTC time
  std::optional<std::string> simulated_at;  // CREDIT_NOW, when set
  std::string created_by;
  std::string key_id;      // crypto::ed25519_key_id of the signing key
  std::string public_key;  // PEM; lets anyone check the signature, but only a key obtained
                           // separately (`credit audit key`) says who signed
  std::string signature;   // hex Ed25519 signature of signed_text()

  // What the signature covers: the format name and every field above but the last two, in the
  // audit chain's length-prefixed encoding.
  std::string signed_text() const;
  Json to_json() const;
  // Throws Error(bad_input) naming `label` and the field for anything malformed.
  static Checkpoint from_json(const Json& doc, const std::string& label);
  static Checkpoint parse(const std::string& text, const std::string& label);
};

// Fills key_id, public_key and signature.
void sign_checkpoint(Checkpoint& cp, const std::string& private_pem);

// Which key a signature was checked with.
enum class CheckpointKey {
  given,     // the public key the verifier was given (--key): proves who signed
  store,     // the store's own key (verifying a store without --key)
  embedded,  // the key inside the checkpoint: proves only that the checkpoint is unedited
};
std::string_view checkpoint_key_name(CheckpointKey key);

struct CheckpointCheck {
  bool signature_ok = false;
  CheckpointKey key = CheckpointKey::embedded;
  std::string problem;  // empty when the signature verifies
};

// Checks the signature with `trusted_public_pem` when given (its origin is `key`), else with the
// embedded key.
CheckpointCheck check_checkpoint_signature(const Checkpoint& cp,
                                           const std::optional<std::string>& trusted_public_pem,
                                           CheckpointKey key = CheckpointKey::given);

// The anchor a verified checkpoint puts on the chain.
ChainAnchor checkpoint_anchor(const Checkpoint& cp);

}  // namespace credit::store
