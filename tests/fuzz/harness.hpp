#pragma once
// One input through the parsers, as an import would feed it: shared by the libFuzzer targets
// (tests/fuzz/fuzz_*.cpp) and the deterministic robustness test (tests/unit). Each function
// throws nothing but credit::Error for bad input, and aborts when an invariant breaks.
#include <cstddef>
#include <string_view>

namespace credit::fuzz {

// Encoding and format detected from the content, then every row read.
size_t read_table_bytes(std::string_view data);
// The bytes decoded as UTF-8 (passed through) and as GB18030 (converted), read in odd chunks.
size_t decode_bytes(std::string_view data);
// The bytes cut into fields at 0x1F (unit separator) and validated as a penalty row; a valid
// row's canonical data must be canonical JSON that gives back the same values.
size_t validate_bytes(std::string_view data);
// The bytes screened for personal data as free text (the part before the first 0x1F is the
// subject's name): detect and screen agree, nothing found leaves the text as it was, a rule is
// named for every change, and valid UTF-8 stays valid UTF-8.
size_t screen_bytes(std::string_view data);

// The bytes as an imported file that may be a workbook: when its first bytes say .xlsx or .xls,
// every sheet is opened and read to its end (a damaged part is a clean refusal).
size_t read_workbook_bytes(std::string_view data);

}  // namespace credit::fuzz
