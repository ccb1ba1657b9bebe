#pragma once
// The project's JSON value: insertion-ordered, so machine output keeps its documented key order.
#include <nlohmann/json.hpp>

namespace credit {
using Json = nlohmann::ordered_json;

// Compact, key-sorted serialisation: the same value always gives the same bytes (used for hashing).
std::string canonical_json(const Json& value);
}  // namespace credit
