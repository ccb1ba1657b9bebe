#pragma once
// Deterministic, realistic sample files for tests, the demo and the benchmark: valid codes and ID
// numbers, Chinese names and texts (about 500 bytes a penalty row), about 12 % natural persons and
// a 处罚类别 mix that gives all three severities; optionally some invalid rows (one problem each,
// of rotating kinds) and some noise (labels, full-width digits, spaces) that cleaning fixes.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "domain/date.hpp"
#include "domain/policy.hpp"
#include "io/encoding.hpp"
#include "io/table_reader.hpp"

namespace credit::io {

struct SampleOptions {
  domain::Kind kind = domain::Kind::penalty;
  uint64_t rows = 100;
  uint64_t seed = 1;
  uint64_t invalid = 0;                     // rows with one validation problem each
  uint64_t noise = 0;                       // rows with a value that needs cleaning (still valid)
  std::string dept = "11110000000013127H";  // 数据来源单位统一社会信用代码
  std::string dept_name = "北京市市场监督管理局";
  domain::Date decided_from = *domain::Date::from_ymd(2025, 1, 1);
  domain::Date decided_to = *domain::Date::from_ymd(2025, 12, 31);
  InputFormat format = InputFormat::csv;
  Encoding encoding = Encoding::utf8;
  bool code_headers = false;  // CSV header of standard codes instead of Chinese names
  // Key order. By default subjects' codes and document numbers rise with the row (the easiest
  // order for every index). Real exports interleave several deciding authorities, each with its
  // own numbering, and name subjects in no order: `authorities` (1 … kMaxSampleAuthorities; 0
  // keeps the default mix) deciding bodies take turns at random, each numbering its own
  // documents, and `shuffle` names subjects in random order.
  unsigned authorities = 0;
  bool shuffle = false;
};
inline constexpr unsigned kMaxSampleAuthorities = 9;  // the department and its eight districts

// Writes the file through `sink` in pieces of about 1 MiB. Throws std::invalid_argument for
// inconsistent options (an empty date range, more invalid rows than rows).
void write_sample(const SampleOptions& options, const std::function<void(std::string_view)>& sink);
// The same, whole, in memory (tests and small samples).
std::string sample_text(const SampleOptions& options);

// What the invalid rows are made of, in rotation (for tests that expect them).
inline constexpr const char* kSampleProblems[] = {
    "USCC check character", "decision date in the future", "missing required field",
    "malformed date",       "resident ID check",           "amount not a number",
    "unknown category",     "duplicate document number"};

}  // namespace credit::io
