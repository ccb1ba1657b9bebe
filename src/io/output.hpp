#pragma once
// Renders results in the format the user chose. table is for people (aligned, CJK-aware, colour
// only on a terminal); json, ndjson and csv are stable machine interfaces.
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/json.hpp"

namespace credit {
class Error;
}

namespace credit::io {

enum class Format { table, json, ndjson, csv };
std::optional<Format> parse_format(std::string_view name);

struct Column {
  std::string key;    // the JSON key in each row
  std::string title;  // the table header; the key when empty
};

// Collects or streams rows: table buffers to align columns; the other formats stream.
class RowWriter {
 public:
  RowWriter(Format format, std::vector<Column> columns, std::FILE* out, bool color);
  void add(const Json& row);
  void finish();  // writes buffered rows (table) or closes the array (json)
  size_t count() const { return count_; }

 private:
  Format format_;
  std::vector<Column> columns_;
  std::FILE* out_;
  bool color_;
  size_t count_ = 0;
  std::vector<std::vector<std::string>> table_;
};

class Output {
 public:
  Output(Format format, bool quiet, bool verbose, std::FILE* out = stdout, std::FILE* err = stderr);

  Format format() const { return format_; }
  bool quiet() const { return quiet_; }
  bool verbose() const { return verbose_; }
  bool color_out() const { return color_out_; }

  // One result object. table: "key  value" lines (only `fields` when given, in that order).
  void object(const Json& value, const std::vector<Column>& fields = {});
  // A list of rows, all at once.
  void rows(const std::vector<Column>& columns, const Json& rows);
  RowWriter row_writer(const std::vector<Column>& columns);

  // The human result of a command, a line on stdout (table format; silenced by --quiet).
  void say(std::string_view text);
  // Human messages on stderr: notes are silenced by --quiet, warnings and errors are not.
  void note(std::string_view text);
  void info(std::string_view text);  // only with --verbose
  void warn(std::string_view text);
  void error(const Error& error);

  // Text as a table cell: null → "-", arrays joined, objects compact.
  static std::string cell_text(const Json& value);

 private:
  Format format_;
  bool quiet_, verbose_;
  std::FILE* out_;
  std::FILE* err_;
  bool color_out_, color_err_;
};

// Colour only on a terminal and only when NO_COLOR is unset (https://no-color.org).
bool use_color(std::FILE* stream);

// errno of the first failed write or flush of an Output (0: none), for the exit message.
int output_error();

}  // namespace credit::io
