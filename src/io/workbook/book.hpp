#pragma once
// The inside of a workbook reader: a book is a list of sheets, a sheet a stream of rows of text
// cells. The .xlsx and .xls readers implement it; workbook.cpp turns a sheet into a TableReader.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace credit::io::workbook {

struct SheetInfo {
  std::string name;
  bool visible = true;
};

struct SheetRow {
  int64_t number = 0;              // 1-based, as the spreadsheet shows it
  std::vector<std::string> cells;  // by column from A; trailing empty cells may be missing
};

class SheetRows {
 public:
  virtual ~SheetRows() = default;
  // The next row that has a cell; false at the end. Throws Error(bad_input) on a damaged sheet.
  virtual bool next(SheetRow& row) = 0;
};

class Book {
 public:
  virtual ~Book() = default;
  virtual const std::vector<SheetInfo>& sheets() const = 0;
  // Rows of sheets()[index] from its top.
  virtual std::unique_ptr<SheetRows> rows(size_t index) = 0;
};

// `path` names a private copy of the file (see spool.hpp); `label` is the input's name.
std::unique_ptr<Book> open_xlsx(const std::string& path, const std::string& label);
std::unique_ptr<Book> open_xls(const std::string& path, const std::string& label);

}  // namespace credit::io::workbook
