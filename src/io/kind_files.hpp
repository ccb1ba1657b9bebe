#pragma once
// The kinds shipped in share/kinds/ (<kind>.json plus values.json), parsed once per process.
#include "domain/kind_spec.hpp"

namespace credit::io {

// Throws Error(internal) naming the file when a shipped kind file is missing or broken.
const domain::KindSpec& shipped_kind_spec(domain::Kind kind);

}  // namespace credit::io
