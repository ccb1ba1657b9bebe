#pragma once
// A one-line progress display on a terminal's stderr: rows, rate, and (when the input size is
// known) percentage and time left. Silent when stderr is not a terminal or output is quiet.
#include <chrono>
#include <cstdint>
#include <cstdio>

namespace credit::io {

class ProgressBar {
 public:
  // total_bytes 0: unknown (stdin), no percentage or ETA.
  ProgressBar(std::FILE* out, uint64_t total_bytes, bool enabled);
  ~ProgressBar() { finish(); }
  // `done` counts toward the total (bytes of the input, or rows of a staged batch).
  void update(uint64_t rows, uint64_t done);
  void set_total(uint64_t total) { total_ = total; }
  void finish();  // clears the line

 private:
  std::FILE* out_;
  uint64_t total_;
  bool enabled_, drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

// Whether a progress display belongs on `stream` (a terminal, output not quiet).
bool progress_wanted(std::FILE* stream, bool quiet);

}  // namespace credit::io
