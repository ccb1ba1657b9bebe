#include "util/json.hpp"

namespace credit {
std::string canonical_json(const Json& value) {
  // nlohmann::json keeps object keys in a std::map, so converting sorts them recursively.
  return nlohmann::json::parse(value.dump())
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
}
}  // namespace credit
