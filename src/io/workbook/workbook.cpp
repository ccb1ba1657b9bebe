#include "io/workbook/workbook.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "io/workbook/book.hpp"
#include "io/workbook/cells.hpp"
#include "util/error.hpp"
#include "util/temp_file.hpp"

namespace credit::io::workbook {

namespace {

constexpr std::string_view kZipMagic("PK\x03\x04", 4);
constexpr std::string_view kOle2Magic("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);

// The input's bytes in an unlinked 0600 file, reachable by path through /proc while open.
class PrivateCopy {
 public:
  explicit PrivateCopy(ByteSource& raw) : fd_(open_unlinked_temp_file("reading workbooks")) {
    char buffer[64 * 1024];
    for (size_t n; (n = raw.read(buffer, sizeof buffer)) > 0;)
      for (size_t done = 0; done < n;) {
        ssize_t w = ::write(fd_, buffer + done, n - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0)
          fail(ErrorCode::internal,
               fmt::format("cannot copy {} to a temporary file: {}", raw.label(),
                           std::strerror(errno)),
               "free space in TMPDIR (a workbook is read from a private copy there)");
        done += static_cast<size_t>(w);
      }
  }
  ~PrivateCopy() { ::close(fd_); }
  PrivateCopy(const PrivateCopy&) = delete;
  PrivateCopy& operator=(const PrivateCopy&) = delete;
  std::string path() const { return fmt::format("/proc/self/fd/{}", fd_); }

 private:
  int fd_;
};

std::string sheet_names(const std::vector<SheetInfo>& sheets) {
  std::string out;
  for (size_t i = 0; i < sheets.size(); ++i)
    out += fmt::format("{}{} {}{}", i ? ", " : "", i + 1, sheets[i].name,
                       sheets[i].visible ? "" : " (hidden)");
  return out;
}

size_t named_sheet(const std::vector<SheetInfo>& sheets, const std::string& wanted,
                   const std::string& label) {
  for (size_t i = 0; i < sheets.size(); ++i)
    if (sheets[i].name == wanted) return i;
  if (!wanted.empty() &&
      std::all_of(wanted.begin(), wanted.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
      wanted.size() < 6) {
    size_t position = std::stoul(wanted);
    if (position >= 1 && position <= sheets.size()) return position - 1;
  }
  fail(ErrorCode::bad_input,
       fmt::format("{}: no sheet \"{}\"; the workbook has: {}", label, wanted, sheet_names(sheets)),
       "give --sheet a sheet's name or its position (1 is the first tab)");
}

class WorkbookTable : public TableReader {
 public:
  WorkbookTable(std::unique_ptr<PrivateCopy> copy, std::unique_ptr<Book> book, InputFormat format,
                const SheetChoice& choice, const std::string& label)
      : copy_(std::move(copy)), book_(std::move(book)), format_(format) {
    const auto& sheets = book_->sheets();
    if (sheets.empty())
      fail(ErrorCode::bad_input, fmt::format("{}: the workbook has no sheets", label),
           "save the data as a worksheet");
    if (!choice.sheet.empty()) {
      select(named_sheet(sheets, choice.sheet, label), choice.header);
    } else if (!find_sheet(choice.header)) {
      fail(
          ErrorCode::bad_input,
          fmt::format("{}: no sheet holds a row; the workbook has: {}", label, sheet_names(sheets)),
          "give --sheet the sheet that holds the data");
    }
    if (!found_)
      fail(ErrorCode::bad_input,
           choice.header.line
               ? fmt::format("{}: sheet {}: no row at or after row {} (--header-row)", label,
                             sheets[sheet_].name, *choice.header.line)
               : fmt::format("{}: sheet {} is empty: no header row", label, sheets[sheet_].name),
           "the header row names the columns, in Chinese or with the standard's codes");
    columns_ = std::move(found_->header.cells);
    header_line_ = found_->header.line;
    held_ = std::move(found_->after);
  }

  InputFormat format() const override { return format_; }
  const std::vector<std::string>& columns() const override { return columns_; }
  int64_t header_line() const override { return header_line_; }
  std::string sheet() const override { return book_->sheets()[sheet_].name; }
  // "处罚!D (行政相对人名称)": with the row of the message, a cell a person can find.
  std::string column_label(size_t column) const override {
    std::string cell = fmt::format("{}!{}", sheet(), column_letters(static_cast<int>(column)));
    return column < columns_.size() && !columns_[column].empty()
               ? fmt::format("{} ({})", cell, columns_[column])
               : cell;
  }

  bool next(TableRow& row) override {
    if (!held_.empty()) {
      current_ = std::move(held_.front());
      held_.erase(held_.begin());
    } else if (!read(current_)) {
      return false;
    }
    row.line = current_.line;
    row.problem.clear();
    for (size_t c = columns_.size(); c < current_.cells.size(); ++c)
      if (!current_.cells[c].empty() && row.problem.empty())
        row.problem = fmt::format("cell {}{} is right of the header's last column",
                                  column_letters(static_cast<int>(c)), current_.line);
    current_.cells.resize(columns_.size());
    row.cells.assign(current_.cells.begin(), current_.cells.end());
    row.cell_lines.assign(columns_.size(), current_.line);
    return true;
  }

 private:
  bool read(HeldRow& out) {
    SheetRow row;
    if (!rows_->next(row)) return false;
    out.cells = std::move(row.cells);
    out.cell_lines.assign(out.cells.size(), row.number);
    out.line = row.number;
    out.problem.clear();
    return true;
  }

  void select(size_t index, const HeaderSearch& search) {
    sheet_ = index;
    rows_ = book_->rows(index);
    found_ = find_header_row([this](HeldRow& r) { return read(r); }, search);
  }

  // The first visible sheet whose header names known columns, else the first visible one with rows.
  bool find_sheet(const HeaderSearch& search) {
    std::optional<size_t> fallback;
    const auto& sheets = book_->sheets();
    for (size_t i = 0; i < sheets.size(); ++i) {
      if (!sheets[i].visible) continue;
      select(i, search);
      if (found_ && (found_->score > 0 || search.line || !search.score)) return true;
      if (found_ && !fallback) fallback = i;
    }
    if (!fallback) return false;
    select(*fallback, search);
    return true;
  }

  std::unique_ptr<PrivateCopy> copy_;  // outlives the book, which reads it
  std::unique_ptr<Book> book_;
  InputFormat format_;
  size_t sheet_ = 0;
  std::unique_ptr<SheetRows> rows_;
  std::optional<FoundHeader> found_;
  std::vector<std::string> columns_;
  int64_t header_line_ = 0;
  std::vector<HeldRow> held_;
  HeldRow current_;
};

}  // namespace

std::optional<InputFormat> detect(std::string_view first_bytes) {
  if (first_bytes.starts_with(kZipMagic)) return InputFormat::xlsx;
  if (first_bytes.starts_with(kOle2Magic)) return InputFormat::xls;
  return std::nullopt;
}

std::unique_ptr<TableReader> open_workbook(ByteSource& raw, InputFormat format,
                                           const SheetChoice& choice) {
  std::string label = raw.label();
  auto copy = std::make_unique<PrivateCopy>(raw);
  auto book =
      format == InputFormat::xlsx ? open_xlsx(copy->path(), label) : open_xls(copy->path(), label);
  return std::make_unique<WorkbookTable>(std::move(copy), std::move(book), format, choice, label);
}

}  // namespace credit::io::workbook
