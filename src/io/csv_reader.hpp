#pragma once
// A streaming RFC 4180 reader (with a choice of delimiter): quoted fields with commas, doubled
// quotes and line breaks; CRLF, LF or CR line ends; a trailing empty line; rows whose fields are
// all empty are skipped (Excel pads exports with ",,,,"). Memory holds one record, never the file.
// Reads UTF-8 text (see Utf8Reader); bytes are passed through as they are.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/buffered_input.hpp"

namespace credit::io {

struct CsvRecord {
  std::vector<std::string_view> fields;  // valid until the next call to next()
  std::vector<int64_t> field_lines;      // the line each field starts on (1-based)
  int64_t line = 0;                      // the line the record starts on
  std::string problem;  // a malformed but recoverable record: text after a closing quote
};

class CsvReader {
 public:
  static constexpr size_t kMaxRecordBytes = 1 << 20;

  // `delimiter`: ',' (CSV), '\t' (TSV, as spreadsheets "save as text") or ';' (CSV in locales
  // with a decimal comma).
  explicit CsvReader(ByteSource& source, char delimiter = ',')
      : in_(source), delimiter_(delimiter) {}
  // The next non-blank record; false at the end. Throws Error(bad_input) for an unterminated
  // quote or a record longer than kMaxRecordBytes, naming the line where it starts.
  bool next(CsvRecord& record);
  int64_t line() const { return line_; }

 private:
  bool read_record(CsvRecord& record);
  void read_quoted(size_t column, int64_t opened);
  bool read_unquoted();  // true at the end of the record

  BufferedInput in_;
  char delimiter_;
  int64_t line_ = 1;
  std::string storage_;         // the record's unescaped field bytes
  std::vector<size_t> bounds_;  // field start offsets in storage_
};

}  // namespace credit::io
