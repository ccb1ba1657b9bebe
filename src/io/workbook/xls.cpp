// .xls (BIFF8, Excel 97–2003): read with FreeXL, which loads a sheet's cells and types them (dates
// from date-formatted numbers, in the workbook's date system). A BIFF8 sheet has at most 65,536
// rows, so holding one sheet is bounded.
#include <fmt/format.h>
#include <freexl.h>

#include "io/workbook/book.hpp"
#include "io/workbook/cells.hpp"
#include "util/error.hpp"

namespace credit::io::workbook {

namespace {

[[noreturn]] void fail_xls(const std::string& label, const std::string& what, int code) {
  std::string hint =
      code == FREEXL_BIFF_PASSWORD || code == FREEXL_BIFF_WORKBOOK_NOT_FOUND
          ? "an Office file without a readable workbook: a password-protected workbook, or not a "
            "workbook at all; save it without a password, as .xlsx, .xls or CSV"
          : "the workbook is damaged or not Excel 97–2003: open it in a spreadsheet program and "
            "save it again (as .xlsx, .xls or CSV)";
  fail(ErrorCode::bad_input, fmt::format("{}: {} (FreeXL error {})", label, what, code), hint);
}

class XlsRows : public SheetRows {
 public:
  XlsRows(const void* handle, size_t index, std::string label)
      : handle_(handle), label_(std::move(label)) {
    int rc = freexl_select_active_worksheet(handle_, static_cast<unsigned short>(index));
    if (rc == FREEXL_OK) rc = freexl_worksheet_dimensions(handle_, &rows_, &columns_);
    if (rc != FREEXL_OK) fail_xls(label_, fmt::format("cannot read sheet {}", index + 1), rc);
  }

  bool next(SheetRow& row) override {
    while (row_ < rows_) {
      row.number = static_cast<int64_t>(row_) + 1;
      row.cells.assign(columns_, std::string());
      bool any = false;
      for (unsigned short c = 0; c < columns_; ++c) {
        FreeXL_CellValue value;
        int rc = freexl_get_cell_value(handle_, row_, c, &value);
        if (rc != FREEXL_OK)
          fail_xls(label_, fmt::format("cell {}{} cannot be read", column_letters(c), row_ + 1),
                   rc);
        row.cells[c] = cell_text(value);
        any = any || !row.cells[c].empty();
      }
      ++row_;
      if (any) return true;
    }
    return false;
  }

 private:
  static std::string cell_text(const FreeXL_CellValue& value) {
    switch (value.type) {
      case FREEXL_CELL_INT:
        return std::to_string(value.value.int_value);
      case FREEXL_CELL_DOUBLE:
        return number_text(value.value.double_value);
      case FREEXL_CELL_TEXT:
      case FREEXL_CELL_SST_TEXT:
      case FREEXL_CELL_DATE:
      case FREEXL_CELL_DATETIME:
      case FREEXL_CELL_TIME:
        return value.value.text_value ? value.value.text_value : "";
      default:
        return {};
    }
  }

  const void* handle_;
  std::string label_;
  unsigned int rows_ = 0, row_ = 0;
  unsigned short columns_ = 0;
};

class XlsBook : public Book {
 public:
  XlsBook(const std::string& path, const std::string& label) : label_(label) {
    int rc = freexl_open(path.c_str(), &handle_);
    if (rc != FREEXL_OK) {
      freexl_close(handle_);
      handle_ = nullptr;
      fail_xls(label, "not a readable .xls workbook", rc);
    }
    unsigned int count = 0;
    if (freexl_get_info(handle_, FREEXL_BIFF_PASSWORD, &count) == FREEXL_OK &&
        count == FREEXL_BIFF_OBFUSCATED)
      fail_xls(label, "the workbook is password-protected", FREEXL_BIFF_PASSWORD);
    rc = freexl_get_info(handle_, FREEXL_BIFF_SHEET_COUNT, &count);
    if (rc != FREEXL_OK) fail_xls(label, "cannot list the sheets", rc);
    for (unsigned int i = 0; i < count; ++i) {
      const char* name = nullptr;
      rc = freexl_get_worksheet_name(handle_, static_cast<unsigned short>(i), &name);
      if (rc != FREEXL_OK) fail_xls(label, "cannot read the sheet names", rc);
      sheets_.push_back({name ? name : "", true});  // FreeXL does not say which are hidden
    }
  }
  ~XlsBook() override {
    if (handle_) freexl_close(handle_);
  }
  XlsBook(const XlsBook&) = delete;
  XlsBook& operator=(const XlsBook&) = delete;

  const std::vector<SheetInfo>& sheets() const override { return sheets_; }
  std::unique_ptr<SheetRows> rows(size_t index) override {
    return std::make_unique<XlsRows>(handle_, index, label_);
  }

 private:
  const void* handle_ = nullptr;
  std::string label_;
  std::vector<SheetInfo> sheets_;
};

}  // namespace

std::unique_ptr<Book> open_xls(const std::string& path, const std::string& label) {
  return std::make_unique<XlsBook>(path, label);
}

}  // namespace credit::io::workbook
