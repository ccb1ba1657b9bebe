#include "io/table_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "io/buffered_input.hpp"
#include "io/csv_reader.hpp"
#include "util/error.hpp"

namespace credit::io {

namespace {

constexpr size_t kMaxElementBytes = CsvReader::kMaxRecordBytes;

bool is_space(int c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

class CsvTable : public TableReader {
 public:
  CsvTable(ByteSource& text, char delimiter, const HeaderSearch& search)
      : csv_(text, delimiter), label_(text.label()) {
    HeldRow header = find_header(search);
    columns_ = std::move(header.cells);
    header_line_ = header.line;
  }
  InputFormat format() const override { return InputFormat::csv; }
  const std::vector<std::string>& columns() const override { return columns_; }
  std::string column_label(size_t column) const override {
    return column < columns_.size() ? fmt::format("{} ({})", column + 1, columns_[column])
                                    : std::to_string(column + 1);
  }
  int64_t header_line() const override { return header_line_; }
  bool next(TableRow& row) override {
    if (!held_.empty()) {
      current_ = std::move(held_.front());
      held_.erase(held_.begin());
      record_.fields.assign(current_.cells.begin(), current_.cells.end());
      record_.field_lines = current_.cell_lines;
      record_.line = current_.line;
      record_.problem = current_.problem;
    } else if (!csv_.next(record_)) {
      return false;
    }
    row.line = record_.line;
    row.cells = record_.fields;
    row.cell_lines = record_.field_lines;
    row.problem = record_.problem;
    if (row.problem.empty() && record_.fields.size() != columns_.size())
      row.problem = fmt::format("the row has {} fields, the header has {}", record_.fields.size(),
                                columns_.size());
    return true;
  }

 private:
  bool read_held(HeldRow& out) {
    if (!csv_.next(record_)) return false;
    out.cells.assign(record_.fields.begin(), record_.fields.end());
    out.cell_lines = record_.field_lines;
    out.line = record_.line;
    out.problem = record_.problem;
    return true;
  }

  // Rows above the header (a title, 填表说明) are dropped; those read ahead after it are kept
  // for next().
  HeldRow find_header(const HeaderSearch& search) {
    auto found = find_header_row([this](HeldRow& r) { return read_held(r); }, search);
    if (!found)
      fail(ErrorCode::bad_input,
           search.line
               ? fmt::format("{}: no row at or after line {} (--header-row)", label_, *search.line)
               : fmt::format("{}: the file is empty: no header row", label_),
           "the header row names the columns, in Chinese or with the standard's codes");
    held_ = std::move(found->after);
    return std::move(found->header);
  }

  CsvReader csv_;
  std::string label_;
  std::vector<std::string> columns_;
  int64_t header_line_ = 1;
  std::vector<HeldRow> held_;
  HeldRow current_;
  CsvRecord record_;
};

// Shared by the two JSON formats: an object becomes cells by key.
class JsonTable : public TableReader {
 public:
  explicit JsonTable(ByteSource& text) : in_(text) {}
  const std::vector<std::string>& columns() const override { return columns_; }
  std::string column_label(size_t column) const override {
    return column < columns_.size() ? columns_[column] : std::to_string(column + 1);
  }
  bool next(TableRow& row) override {
    int64_t start = 0;
    if (!next_text(start)) return false;
    row.line = start;
    row.problem.clear();
    for (auto& v : values_)
      v.clear();
    try {
      auto object = nlohmann::json::parse(text_);
      if (!object.is_object())
        row.problem = "not a JSON object: each record is an object of field → value";
      else
        flatten(object, row);
    } catch (const nlohmann::json::exception& e) {
      row.problem = fmt::format("not valid JSON: {}", e.what());
    }
    values_.resize(columns_.size());
    row.cells.assign(values_.begin(), values_.end());
    row.cell_lines.assign(columns_.size(), start);
    return true;
  }

 protected:
  // The text of the next record into text_; false at the end.
  virtual bool next_text(int64_t& start_line) = 0;
  [[noreturn]] void fail_at(int64_t line, const std::string& what) {
    fail(ErrorCode::bad_input, fmt::format("{}: line {}: {}", in_.source().label(), line, what),
         "check the JSON syntax around that line (a JSON validator shows the exact spot)");
  }
  void append(int c) {
    text_ += static_cast<char>(c);
    if (c == '\n') ++line_;
    if (text_.size() > kMaxElementBytes)
      fail_at(line_, fmt::format("a record longer than {} bytes", kMaxElementBytes));
  }

  BufferedInput in_;
  std::string text_;
  int64_t line_ = 1;

 private:
  void flatten(const nlohmann::json& object, TableRow& row) {
    for (const auto& [key, value] : object.items()) {
      auto [it, added] = index_.try_emplace(key, columns_.size());
      if (added) columns_.push_back(key);
      if (values_.size() < columns_.size()) values_.resize(columns_.size());
      std::string& cell = values_[it->second];
      if (value.is_string())
        cell = value.get<std::string>();
      else if (value.is_number() || value.is_boolean())
        cell = value.dump();
      else if (!value.is_null() && row.problem.empty())
        row.problem = fmt::format("the value of \"{}\" is not text or a number", key);
    }
  }

  std::vector<std::string> columns_;
  std::map<std::string, size_t> index_;
  std::vector<std::string> values_;
};

class NdjsonTable : public JsonTable {
 public:
  using JsonTable::JsonTable;
  InputFormat format() const override { return InputFormat::ndjson; }

 private:
  bool next_text(int64_t& start_line) override {
    for (;;) {
      text_.clear();
      start_line = line_;
      int c;
      while ((c = in_.get()) >= 0 && c != '\n')
        append(c);
      if (c == '\n') ++line_;
      if (text_.find_first_not_of(" \t\r") != std::string::npos) return true;
      if (c < 0) return false;
    }
  }
};

// A JSON array, split into its elements without holding more than one in memory.
class JsonArrayTable : public JsonTable {
 public:
  using JsonTable::JsonTable;
  InputFormat format() const override { return InputFormat::json; }

 private:
  int skip_space() {
    int c;
    while (is_space(c = in_.peek())) {
      if (c == '\n') ++line_;
      in_.get();
    }
    return c;
  }

  bool next_text(int64_t& start_line) override {
    if (done_) return false;
    int c = skip_space();
    if (!started_) {
      if (c != '[') fail_at(line_, "a JSON file holds an array of objects: [ {…}, {…} ]");
      in_.get();
      started_ = true;
      if (skip_space() == ']') {
        in_.get();
        return finish();
      }
    } else {
      in_.get();
      if (c == ']') return finish();
      if (c != ',') fail_at(line_, c < 0 ? "the array is not closed with ]" : "expected , or ]");
    }
    skip_space();
    start_line = line_;
    read_element(start_line);
    return true;
  }

  void read_element(int64_t start_line) {
    text_.clear();
    int depth = 0;
    bool in_string = false, escaped = false;
    for (;;) {
      int c = in_.peek();
      if (c < 0) fail_at(start_line, "the record starting here is not closed");
      if (!in_string && depth == 0 && (c == ',' || c == ']')) return;
      in_.get();
      append(c);
      if (in_string) {
        if (escaped)
          escaped = false;
        else if (c == '\\')
          escaped = true;
        else if (c == '"')
          in_string = false;
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if ((c == '}' || c == ']') && --depth <= 0) {
        if (depth < 0) fail_at(line_, "unbalanced brackets");
        return;
      }
    }
  }

  bool finish() {
    done_ = true;
    if (skip_space() >= 0) fail_at(line_, "text after the end of the array");
    return false;
  }

  bool started_ = false, done_ = false;
};

}  // namespace

std::string_view to_string(InputFormat f) {
  switch (f) {
    case InputFormat::csv:
      return "csv";
    case InputFormat::ndjson:
      return "ndjson";
    case InputFormat::json:
      return "json";
    case InputFormat::xlsx:
      return "xlsx";
    case InputFormat::xls:
      return "xls";
  }
  return "?";
}

std::optional<InputFormat> parse_input_format(std::string_view name) {
  for (auto f : {InputFormat::csv, InputFormat::ndjson, InputFormat::json, InputFormat::xlsx,
                 InputFormat::xls})
    if (to_string(f) == name) return f;
  return std::nullopt;
}

InputFormat detect_input_format(std::string_view prefix) {
  for (char c : prefix) {
    if (is_space(c)) continue;
    if (c == '[') return InputFormat::json;
    if (c == '{') return InputFormat::ndjson;
    break;
  }
  return InputFormat::csv;
}

char detect_delimiter(std::string_view prefix) {
  // The most of each candidate on one line, over the first lines; quoted text does not count.
  constexpr std::string_view kCandidates = ",\t;";
  int most[3] = {0, 0, 0}, on_line[3] = {0, 0, 0};
  bool quoted = false;
  int lines = 0;
  for (char c : prefix) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n') {
      for (int i = 0; i < 3; ++i)
        most[i] = std::max(most[i], std::exchange(on_line[i], 0));
      if (++lines == HeaderSearch::kRowsSearched) break;
    } else if (size_t i = kCandidates.find(c); i != std::string_view::npos) {
      ++on_line[i];
    }
  }
  for (int i = 0; i < 3; ++i)
    most[i] = std::max(most[i], on_line[i]);
  if (most[1] > most[0] && most[1] >= most[2]) return '\t';
  if (most[2] > most[0] && most[2] > most[1]) return ';';
  return ',';
}

std::optional<FoundHeader> find_header_row(const std::function<bool(HeldRow&)>& read,
                                           const HeaderSearch& search) {
  FoundHeader found;
  HeldRow r;
  bool any = false;
  while ((any = read(r)) && search.line && r.line < *search.line) {
  }
  if (!any) return std::nullopt;
  if (search.line || !search.score) {
    found.header = std::move(r);
    return found;
  }
  std::vector<HeldRow> rows;
  rows.push_back(std::move(r));
  while (rows.size() < HeaderSearch::kRowsSearched && read(r))
    rows.push_back(std::move(r));
  size_t best = 0;
  for (size_t i = 0; i < rows.size(); ++i)
    if (int score = search.score(rows[i].cells); score > found.score) {
      best = i;
      found.score = score;
    }
  found.header = std::move(rows[best]);
  found.after.assign(std::make_move_iterator(rows.begin() + static_cast<std::ptrdiff_t>(best) + 1),
                     std::make_move_iterator(rows.end()));
  return found;
}

std::unique_ptr<TableReader> open_table(Utf8Reader& text, std::optional<InputFormat> format,
                                        const HeaderSearch& header) {
  switch (format.value_or(detect_input_format(text.peek()))) {
    case InputFormat::csv:
      return std::make_unique<CsvTable>(text, detect_delimiter(text.peek()), header);
    case InputFormat::ndjson:
      return std::make_unique<NdjsonTable>(text);
    case InputFormat::json:
      return std::make_unique<JsonArrayTable>(text);
    case InputFormat::xlsx:
    case InputFormat::xls:
      fail(ErrorCode::bad_input,
           fmt::format("{}: --format {} given, but the file is not a workbook", text.label(),
                       to_string(*format)),
           "leave out --format: workbooks and text files are told apart by their content");
  }
  return nullptr;
}

}  // namespace credit::io
