#include "io/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

namespace credit::io {

bool progress_wanted(std::FILE* stream, bool quiet) {
  return !quiet && ::isatty(::fileno(stream)) == 1;
}

ProgressBar::ProgressBar(std::FILE* out, uint64_t total_bytes, bool enabled)
    : out_(out), total_(total_bytes), enabled_(enabled), start_(std::chrono::steady_clock::now()) {}

void ProgressBar::update(uint64_t rows, uint64_t done_units) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  double seconds = std::chrono::duration<double>(now - start_).count();
  double rate = seconds > 0 ? static_cast<double>(rows) / seconds : 0;
  std::string line = fmt::format("{:>10} rows  {:>8.0f} rows/s", rows, rate);
  if (total_ > 0 && done_units > 0) {
    double done = std::min(1.0, static_cast<double>(done_units) / static_cast<double>(total_));
    auto left = static_cast<int64_t>(seconds / done * (1 - done));
    line += fmt::format("  {:3.0f}%  ETA {}:{:02}", done * 100, left / 60, left % 60);
  }
  fmt::print(out_, "\r{}\033[K", line);
  std::fflush(out_);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (!drawn_) return;
  fmt::print(out_, "\r\033[K");
  std::fflush(out_);
  drawn_ = false;
}

}  // namespace credit::io
