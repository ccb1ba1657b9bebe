// Workbook cells as text: column letters, numbers as typed, date serials, date formats; and a
// workbook written by Python's openpyxl-free path (the fuzz seeds) read back cell by cell.
#include <doctest/doctest.h>

#include "io/byte_source.hpp"
#include "io/workbook/cells.hpp"
#include "io/workbook/workbook.hpp"
#include "util/error.hpp"
#include "util/paths.hpp"

using namespace credit;
using namespace credit::io::workbook;

TEST_CASE("workbook cells: column letters both ways") {
  CHECK(column_letters(0) == "A");
  CHECK(column_letters(25) == "Z");
  CHECK(column_letters(26) == "AA");
  CHECK(column_letters(16383) == "XFD");
  CHECK(column_of_reference("A1") == 0);
  CHECK(column_of_reference("ab12") == 27);
  CHECK(column_of_reference("XFD1048576") == 16383);
  CHECK_FALSE(column_of_reference("XFE1").has_value());  // past the OOXML limit
  CHECK_FALSE(column_of_reference("ZZZZ1").has_value());
  CHECK_FALSE(column_of_reference("12").has_value());
  for (int c : {0, 1, 25, 26, 51, 52, 701, 702, 16383})
    CHECK(column_of_reference(column_letters(c) + "9") == c);
}

TEST_CASE("workbook cells: numbers read as they were typed") {
  CHECK(number_text(2.6499999999999999) == "2.65");  // Excel's stored binary double
  CHECK(number_text(0.1 + 0.2) == "0.3");
  CHECK(number_text(5000) == "5000");
  CHECK(number_text(-12.5) == "-12.5");
  CHECK(number_text(-0.0) == "0");
  CHECK(number_text(123456789012345.0) == "123456789012345");
  CHECK(number_text(1.10105195001e17) == "1.10105195001e+17");  // an ID typed as a number is lost
}

TEST_CASE("workbook cells: date serials in both systems") {
  CHECK(serial_date_text(45752, false) == "2025-04-05");
  CHECK(serial_date_text(45752 - 1462, true) == "2025-04-05");
  CHECK(serial_date_text(45752.5, false) == "2025-04-05 12:00:00");
  CHECK(serial_date_text(45752.99999999, false) == "2025-04-06");  // rounds to midnight
  CHECK(serial_date_text(0.25, false) == "06:00:00");
  CHECK_FALSE(serial_date_text(-1, false).has_value());
  CHECK_FALSE(serial_date_text(60, false).has_value());  // the phantom 1900-02-29
  CHECK_FALSE(serial_date_text(1e300, false).has_value());
}

TEST_CASE("workbook cells: which number formats are dates") {
  CHECK(is_date_format(14, ""));
  CHECK(is_date_format(31, ""));  // a built-in CJK date
  CHECK_FALSE(is_date_format(0, "General"));
  CHECK_FALSE(is_date_format(4, "#,##0.00"));
  CHECK(is_date_format(-1, "yyyy\"年\"m\"月\"d\"日\""));
  CHECK(is_date_format(-1, "[$-F800]dddd, mmmm dd, yyyy"));
  CHECK(is_date_format(-1, "yyyy/m/d;@"));
  CHECK(is_date_format(-1, "[h]:mm:ss"));
  CHECK_FALSE(is_date_format(-1, "0.00E+00"));
  CHECK_FALSE(is_date_format(-1, "\"days\" 0"));  // letters in quotes say nothing
  CHECK_FALSE(is_date_format(-1, "[Red]#,##0;[Blue]-#,##0"));
  CHECK_FALSE(is_date_format(-1, "0_);\\(0\\)"));
}

TEST_CASE("workbook: formats recognised by their first bytes") {
  CHECK(detect(std::string("PK\x03\x04rest", 8)) == io::InputFormat::xlsx);
  CHECK(detect("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") == io::InputFormat::xls);
  CHECK_FALSE(detect("行政相对人名称,").has_value());
  CHECK_FALSE(detect("PK").has_value());
}

TEST_CASE("workbook: the seeds read cell by cell (xlsx with inline strings, xls)") {
  for (const char* name : {"inline-stored.xlsx", "small.xls"}) {
    CAPTURE(name);
    std::string path = std::string(CREDIT_SOURCE_DIR) + "/tests/fuzz/corpus/workbook/" + name;
    auto source = io::make_string_source(read_text_file(path), name);
    io::PeekedSource peeked(*source, kMagicBytes);
    auto format = detect(peeked.prefix());
    REQUIRE(format.has_value());
    auto table = open_workbook(peeked, *format, {});
    REQUIRE(table->columns().size() == 5);
    CHECK(table->columns()[0] == "行政相对人名称");
    io::TableRow row;
    REQUIRE(table->next(row));
    CHECK(row.line == 2);
    CHECK(row.cells[0] == "北京永安化工有限公司");
    CHECK(row.cells[2] == "911101260000000009");
    CHECK(row.cells[4] == "2025-04-02");
    CHECK(table->column_label(4).ends_with("!E (处罚决定日期)"));
    REQUIRE(table->next(row));
    CHECK(row.cells[4] == "2025-10-09");
    CHECK_FALSE(table->next(row));
  }
}

TEST_CASE("workbook: a sheet that does not exist is named with the ones that do") {
  std::string path = std::string(CREDIT_SOURCE_DIR) + "/tests/fuzz/corpus/workbook/small.xls";
  auto source = io::make_string_source(read_text_file(path), "small.xls");
  io::PeekedSource peeked(*source, kMagicBytes);
  CHECK_THROWS_WITH_AS(open_workbook(peeked, io::InputFormat::xls, {"其他", {}}),
                       doctest::Contains("no sheet \"其他\"; the workbook has: 1 处罚信息"), Error);
}

TEST_CASE("workbook: a compound-file directory FreeXL would overrun is refused as damaged") {
  std::string path = std::string(CREDIT_SOURCE_DIR) + "/tests/fuzz/corpus/workbook/small.xls";
  const std::string seed = read_text_file(path);
  // The directory's first entry (Root Entry) with a name length of 0x7400 bytes, then of 0: the
  // first made FreeXL 1.0.6 read 29 KB past its stack buffer (found by the mutated-seed test).
  const size_t directory = (static_cast<unsigned char>(seed[0x30]) + 1) * 512;
  for (uint16_t length : {0x7400, 0}) {
    std::string bytes = seed;
    bytes[directory + 0x40] = static_cast<char>(length & 0xFF);
    bytes[directory + 0x41] = static_cast<char>(length >> 8);
    auto source = io::make_string_source(bytes, "bad.xls");
    io::PeekedSource peeked(*source, kMagicBytes);
    CHECK_THROWS_WITH_AS(open_workbook(peeked, io::InputFormat::xls, {}),
                         doctest::Contains("bad.xls: directory entry 1 has an invalid name length"),
                         Error);
  }
}

TEST_CASE("workbook: FreeXL's directory scan past a Workbook entry it skips is checked too") {
  std::string path = std::string(CREDIT_SOURCE_DIR) + "/tests/fuzz/corpus/workbook/small.xls";
  const std::string seed = read_text_file(path);
  const size_t workbook_entry = (static_cast<unsigned char>(seed[0x30]) + 1) * 512 + 128;
  // FreeXL goes on scanning past a Workbook entry without a start sector, or whose name is not
  // ASCII "Workbook", to the empty entries after it (name length 0, or 0xFFFF as the fuzzer found).
  std::string no_start = seed;
  no_start.replace(workbook_entry + 0x74, 4, 4, '\xFF');
  std::string not_ascii = seed;
  not_ascii[workbook_entry + 1] = '\x01';  // U+0157 instead of W
  for (const std::string& bytes : {no_start, not_ascii}) {
    auto source = io::make_string_source(bytes, "bad.xls");
    io::PeekedSource peeked(*source, kMagicBytes);
    CHECK_THROWS_WITH_AS(open_workbook(peeked, io::InputFormat::xls, {}),
                         doctest::Contains("bad.xls: directory entry 3 has an invalid name length"),
                         Error);
  }
}
