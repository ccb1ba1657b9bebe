// The libFuzzer entry point, built once per harness function (tests/fuzz/CMakeLists.txt sets
// CREDIT_FUZZ_ENTRY): fuzz_table (CSV/NDJSON/JSON readers with detection), fuzz_encoding
// (detection and GB18030 conversion), fuzz_validator (row validation), fuzz_privacy (the
// free-text screener). Needs clang:
// cmake -DCREDIT_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++.
#include <cstdint>

#include "harness.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    credit::fuzz::CREDIT_FUZZ_ENTRY({reinterpret_cast<const char*>(data), size});
  } catch (const credit::Error&) {
    // a clean refusal is the expected outcome for bad input
  }
  return 0;
}
