#pragma once
#include <cstdint>
#include <string>

namespace credit::service {

// The authenticated caller.
struct Principal {
  int64_t id = 0;
  std::string name = "-";
  std::string role = "-";
  std::string dept = "-";
};

}  // namespace credit::service
