// .xls (BIFF8, Excel 97–2003): read with FreeXL, which loads a sheet's cells and types them (dates
// from date-formatted numbers, in the workbook's date system). A BIFF8 sheet has at most 65,536
// rows, so holding one sheet is bounded.
#include <fmt/format.h>
#include <freexl.h>

#include <array>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

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

uint32_t little_endian(const char* bytes, int size) {
  uint32_t value = 0;
  for (int i = size - 1; i >= 0; --i)
    value = value << 8 | static_cast<unsigned char>(bytes[i]);
  return value;
}

// FreeXL 1.0.6 trusts the compound file's directory: a name length above the 64 bytes an entry
// holds makes it read past its stack buffer, and a length of 0 makes it write one byte past an
// empty allocation. So the entries it will scan are checked here first, scanned as it scans them:
// the first directory sector, until an entry named Workbook or Book (its name as a C string of
// UTF-16 units) whose start sector is set. Office, WPS and xlwt never write such entries.
bool names_workbook_stream(const char* entry, uint32_t name_size) {
  std::string name;
  for (uint32_t i = 0; i + 1 < name_size; i += 2) {
    uint32_t unit = little_endian(entry + i, 2);
    if (unit == 0) break;
    if (unit >= 0x80) return false;  // not ASCII, so neither name
    name += static_cast<char>(unit);
  }
  constexpr uint32_t kNoSector = 0xFFFFFFFF;  // FreeXL scans on past a stream without a start
  return (name == "Workbook" || name == "Book") && little_endian(entry + 0x74, 4) != kNoSector;
}

void check_directory(const std::string& path, const std::string& label) {
  std::ifstream in(path, std::ios::binary);
  std::array<char, 512> header{};
  if (!in.read(header.data(), header.size()))
    fail_xls(label, "the compound file header is truncated", FREEXL_CFBF_READ_ERROR);
  uint32_t shift = little_endian(&header[0x1E], 2);
  if (shift != 9 && shift != 12)
    fail_xls(label, "the compound file has an invalid sector size",
             FREEXL_CFBF_INVALID_SECTOR_SIZE);
  uint64_t sector_size = uint64_t{1} << shift;
  uint64_t directory = little_endian(&header[0x30], 4);
  std::vector<char> block(sector_size);
  if (!in.seekg(static_cast<std::streamoff>((directory + 1) * sector_size)) ||
      !in.read(block.data(), static_cast<std::streamsize>(block.size())))
    fail_xls(label, "the compound file directory cannot be read", FREEXL_CFBF_READ_ERROR);
  for (size_t entry = 0; entry < (shift == 12 ? 32U : 4U); ++entry) {
    const char* at = block.data() + entry * 128;
    uint32_t name_size = little_endian(at + 0x40, 2);
    if (name_size < 2 || name_size > 64 || name_size % 2 != 0)
      fail_xls(label, fmt::format("directory entry {} has an invalid name length", entry + 1),
               FREEXL_CFBF_READ_ERROR);
    if (names_workbook_stream(at, name_size)) return;
  }
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
    check_directory(path, label);
    int rc = freexl_open(path.c_str(), &handle_);
    if (rc != FREEXL_OK) {
      freexl_close(handle_);
      handle_ = nullptr;
      fail_xls(label, "not a readable .xls workbook", rc);
    }
    unsigned int count = 0;
    // FreeXL 1.0.6 answers FREEXL_BIFF_PLAIN or, for an obfuscated workbook, not that.
    if (freexl_get_info(handle_, FREEXL_BIFF_PASSWORD, &count) == FREEXL_OK &&
        count != FREEXL_BIFF_PLAIN)
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
