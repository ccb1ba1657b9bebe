#include "store/audit_checkpoint.hpp"

#include <fmt/format.h>

#include "util/crypto.hpp"
#include "util/error.hpp"

namespace credit::store {

std::string Checkpoint::signed_text() const {
  std::string out = kCheckpointFormat;
  put_canonical_field(out, store_id);
  put_canonical_field(out, std::to_string(seq));
  put_canonical_field(out, head_hash);
  put_canonical_field(out, created_at);
  put_canonical_optional(out, simulated_at);
  put_canonical_field(out, created_by);
  put_canonical_field(out, key_id);
  return out;
}

Json Checkpoint::to_json() const {
  Json doc = {{"format", kCheckpointFormat},
              {"store_id", store_id},
              {"seq", seq},
              {"head_hash", head_hash},
              {"created_at", created_at}};
  doc["simulated_at"] = simulated_at ? Json(*simulated_at) : Json();
  doc["created_by"] = created_by;
  doc["key_id"] = key_id;
  doc["public_key"] = public_key;
  doc["signature_algorithm"] = "Ed25519";
  doc["signature"] = signature;
  return doc;
}

namespace {
[[noreturn]] void malformed(const std::string& label, const std::string& what) {
  fail(ErrorCode::bad_input, fmt::format("{}: not a valid audit checkpoint: {}", label, what),
       "give the file `credit audit checkpoint --out FILE` wrote");
}

std::string text_field(const Json& doc, const char* key, const std::string& label) {
  if (!doc.contains(key) || !doc[key].is_string())
    malformed(label, fmt::format("the field '{}' is missing or not a string", key));
  return doc[key].get<std::string>();
}
}  // namespace

Checkpoint Checkpoint::from_json(const Json& doc, const std::string& label) {
  if (!doc.is_object()) malformed(label, "it is not a JSON object");
  if (doc.value("format", Json()) != kCheckpointFormat)
    malformed(label, fmt::format("the field 'format' is not \"{}\"", kCheckpointFormat));
  Checkpoint cp;
  cp.store_id = text_field(doc, "store_id", label);
  if (!doc.contains("seq") || !doc["seq"].is_number_integer() || doc["seq"].get<int64_t>() < 1)
    malformed(label, "the field 'seq' is missing or not a positive integer");
  cp.seq = doc["seq"].get<int64_t>();
  cp.head_hash = text_field(doc, "head_hash", label);
  cp.created_at = text_field(doc, "created_at", label);
  if (doc.contains("simulated_at") && !doc["simulated_at"].is_null())
    cp.simulated_at = text_field(doc, "simulated_at", label);
  cp.created_by = text_field(doc, "created_by", label);
  cp.key_id = text_field(doc, "key_id", label);
  cp.public_key = text_field(doc, "public_key", label);
  if (doc.value("signature_algorithm", Json()) != "Ed25519")
    malformed(label, "the field 'signature_algorithm' is not \"Ed25519\"");
  cp.signature = text_field(doc, "signature", label);
  return cp;
}

Checkpoint Checkpoint::parse(const std::string& text, const std::string& label) {
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Json::parse_error& e) {
    malformed(label, fmt::format("it is not JSON ({})", e.what()));
  }
  return from_json(doc, label);
}

void sign_checkpoint(Checkpoint& cp, const std::string& private_pem) {
  cp.public_key = crypto::ed25519_public_pem(private_pem);
  cp.key_id = crypto::ed25519_key_id(cp.public_key);
  cp.signature = crypto::hex_encode(crypto::ed25519_sign(private_pem, cp.signed_text()));
}

std::string_view checkpoint_key_name(CheckpointKey key) {
  switch (key) {
    case CheckpointKey::given:
      return "given";
    case CheckpointKey::store:
      return "store";
    case CheckpointKey::embedded:
      break;
  }
  return "embedded";
}

CheckpointCheck check_checkpoint_signature(const Checkpoint& cp,
                                           const std::optional<std::string>& trusted_public_pem,
                                           CheckpointKey key) {
  CheckpointCheck check;
  check.key = trusted_public_pem ? key : CheckpointKey::embedded;
  const std::string& pem = trusted_public_pem ? *trusted_public_pem : cp.public_key;
  std::string key_id;
  try {
    key_id = crypto::ed25519_key_id(pem);
  } catch (const Error& e) {
    check.problem = trusted_public_pem
                        ? e.what()
                        : fmt::format("the checkpoint's public key is unreadable: {}", e.what());
    return check;
  }
  if (key_id != cp.key_id) {
    check.problem =
        trusted_public_pem
            ? fmt::format("the checkpoint was signed with key {}, not with the {} key {}",
                          cp.key_id, key == CheckpointKey::store ? "store's" : "given", key_id)
            : fmt::format(
                  "the checkpoint's public key is {}, not the key {} it names: it was "
                  "edited",
                  key_id, cp.key_id);
    return check;
  }
  auto signature = crypto::hex_decode(cp.signature);
  check.signature_ok = signature && crypto::ed25519_verify(pem, cp.signed_text(), *signature);
  if (!check.signature_ok)
    check.problem = fmt::format(
        "the signature of the checkpoint of entry {} does not verify with key {}: the "
        "checkpoint was edited or forged",
        cp.seq, key_id);
  return check;
}

ChainAnchor checkpoint_anchor(const Checkpoint& cp) {
  return {cp.seq, cp.head_hash, fmt::format("the checkpoint of {}", cp.created_at)};
}

}  // namespace credit::store
