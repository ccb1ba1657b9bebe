#pragma once
// Imported files as tables: a header and rows of text cells, whatever the format — CSV (RFC 4180;
// comma, tab or semicolon delimited),
// NDJSON (one object a line) or a JSON array of objects — detected from the content or given.
// JSON objects are flattened to cells by key; the header grows as new keys appear. Every cell
// keeps the line it came from, so problems are reported by file, line and column.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/encoding.hpp"

namespace credit::io {

enum class InputFormat { csv, ndjson, json, xlsx, xls };
std::string_view to_string(InputFormat f);
std::optional<InputFormat> parse_input_format(std::string_view name);
// Whether the format's columns are named by a header row (CSV, workbooks), not by keys (JSON).
constexpr bool has_header_row(InputFormat f) {
  return f == InputFormat::csv || f == InputFormat::xlsx || f == InputFormat::xls;
}
// From the first non-blank character of the decoded text: '[' → JSON, '{' → NDJSON, else CSV.
InputFormat detect_input_format(std::string_view prefix);

struct TableRow {
  int64_t line = 0;                     // where the row starts
  std::vector<std::string_view> cells;  // one per header column (missing JSON keys are empty)
  std::vector<int64_t> cell_lines;      // CSV: the line each cell starts on; JSON: the row's line
  std::string problem;  // malformed row (wrong field count, not an object …): reject it
};

class TableReader {
 public:
  virtual ~TableReader() = default;
  virtual InputFormat format() const = 0;
  // The column names: the CSV header, or the JSON keys seen so far (grows while reading).
  virtual const std::vector<std::string>& columns() const = 0;
  // The next row, valid until the next call; false at the end. Throws Error(bad_input) for a
  // problem that makes the rest of the input unreadable.
  virtual bool next(TableRow& row) = 0;
  // How messages name a column: "3 (统一社会信用代码)" for CSV, the key for JSON.
  virtual std::string column_label(size_t column) const = 0;
  // The line of the header row (rows above it were skipped); 0 when there is none (JSON).
  virtual int64_t header_line() const { return 0; }
  // The sheet read, for workbooks; empty otherwise.
  virtual std::string sheet() const { return {}; }
};

inline bool has_header_row(const TableReader& table) {
  return has_header_row(table.format());
}

// Where a delimited text's header row is. Templates put a title and 填表说明 rows above it.
struct HeaderSearch {
  static constexpr int kRowsSearched = 10;
  // How many cells of a row name known columns. The header is the first of the first
  // kRowsSearched non-blank rows with the highest score (the first row when none scores).
  std::function<int(const std::vector<std::string>&)> score;
  std::optional<int64_t> line;  // --header-row: the header is the first row from this line on
};

// A row read ahead while looking for the header; it outlives the reader's buffer.
struct HeldRow {
  std::vector<std::string> cells;
  std::vector<int64_t> cell_lines;
  int64_t line = 0;
  std::string problem;
};

// The header row a search found, the rows read ahead after it (to be returned first), and how
// many of its cells name known columns.
struct FoundHeader {
  HeldRow header;
  std::vector<HeldRow> after;
  int score = 0;
};

// Reads rows through `read` (false at the end) until the header is found: the row at or after
// `search.line`, else the best-scoring of the first kRowsSearched rows. nullopt: no row at all
// (or none at or after `search.line`).
std::optional<FoundHeader> find_header_row(const std::function<bool(HeldRow&)>& read,
                                           const HeaderSearch& search);

// ',' unless the first lines of `prefix` have more tabs or semicolons (outside quotes) on one
// line than commas: TSV and the semicolon CSV of decimal-comma locales.
char detect_delimiter(std::string_view prefix);

// Opens a table on decoded text (csv, ndjson, json; workbooks are io/workbook's). A CSV file's
// header is found and read at once (Error(bad_input) when there is none).
std::unique_ptr<TableReader> open_table(Utf8Reader& text, std::optional<InputFormat> format,
                                        const HeaderSearch& header = {});

}  // namespace credit::io
