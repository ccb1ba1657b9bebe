#include "io/csv_reader.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/error.hpp"

namespace credit::io {

namespace {
bool blank(const CsvRecord& r) {
  return std::all_of(r.fields.begin(), r.fields.end(), [](std::string_view f) {
    return f.find_first_not_of(" \t") == std::string_view::npos;
  });
}
}  // namespace

bool CsvReader::next(CsvRecord& record) {
  while (read_record(record))
    if (!blank(record)) return true;
  return false;
}

void CsvReader::read_quoted(size_t column, int64_t opened) {
  in_.get();  // the opening quote
  for (;;) {
    int c = in_.get();
    if (c < 0)
      fail(ErrorCode::bad_input,
           fmt::format("{}: line {}: the quoted field in column {} is never closed",
                       in_.source().label(), opened, column),
           "a field that starts with \" must end with \"; a quote inside it is written \"\"");
    if (c == '"') {
      if (in_.peek() != '"') return;
      in_.get();
    } else if (c == '\n') {
      ++line_;
    }
    storage_ += static_cast<char>(c);
    if (storage_.size() > kMaxRecordBytes) return;  // the caller reports it
  }
}

bool CsvReader::read_unquoted() {
  for (;;) {
    // Fast path: copy the run up to the next delimiter or line end.
    std::string_view run = in_.available();
    size_t end = 0;
    while (end < run.size() && run[end] != delimiter_ && run[end] != '\n' && run[end] != '\r')
      ++end;
    storage_.append(run.substr(0, end));
    in_.advance(end);
    if (storage_.size() > kMaxRecordBytes) return true;
    int c = in_.get();
    if (c == delimiter_) return false;
    if (c == -1) return true;
    if (c == '\n' || c == '\r') {
      if (c == '\r' && in_.peek() == '\n') in_.get();
      ++line_;
      return true;
    }
    storage_ += static_cast<char>(c);  // fetched after a buffer refill
  }
}

// One record: fields are unescaped into storage_, then exposed as views.
bool CsvReader::read_record(CsvRecord& record) {
  storage_.clear();
  bounds_.clear();
  record.field_lines.clear();
  record.problem.clear();
  record.line = line_;
  if (in_.peek() < 0) return false;
  bool end_of_record = false;
  while (!end_of_record) {
    bounds_.push_back(storage_.size());
    record.field_lines.push_back(line_);
    const bool quoted = in_.peek() == '"';
    if (quoted) read_quoted(bounds_.size(), line_);
    const size_t after_quote = storage_.size();
    end_of_record = read_unquoted();
    if (storage_.size() > kMaxRecordBytes)
      fail(ErrorCode::bad_input,
           fmt::format("{}: the record starting at line {} is longer than {} bytes",
                       in_.source().label(), record.line, kMaxRecordBytes),
           "a quote is probably not closed; check the quoting around that line");
    if (quoted && storage_.size() > after_quote && record.problem.empty())
      record.problem = fmt::format("text after the closing quote in column {}", bounds_.size());
  }
  record.fields.clear();
  for (size_t i = 0; i < bounds_.size(); ++i) {
    size_t end = i + 1 < bounds_.size() ? bounds_[i + 1] : storage_.size();
    record.fields.emplace_back(storage_.data() + bounds_[i], end - bounds_[i]);
  }
  return true;
}

}  // namespace credit::io
