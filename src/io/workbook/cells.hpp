#pragma once
// Spreadsheet cells as the text an import reads: column letters, numbers without float
// artefacts, date serials as ISO dates.
#include <optional>
#include <string>
#include <string_view>

namespace credit::io::workbook {

constexpr int kMaxColumns = 16384;  // A … XFD, the OOXML limit

// "A" → 0, "AB" → 27 from a reference such as "AB12" (the letters only); nullopt when there are
// none or the column is past XFD.
std::optional<int> column_of_reference(std::string_view reference);
// 0 → "A", 27 → "AB".
std::string column_letters(int column);

// A number as a person typed it: 15 significant digits (what Excel shows and keeps), so the
// stored 2.6499999999999999 reads 2.65; integers without a decimal point or exponent.
std::string number_text(double value);

// A date serial (whole days, 1900 or 1904 system) and its time of day as "YYYY-MM-DD" or
// "YYYY-MM-DD HH:MM:SS"; nullopt when out of range.
std::optional<std::string> serial_date_text(double serial, bool date1904);

// Whether a number format shows a date or time: the built-in ids 14–22, 27–36, 45–47, 50–58,
// or a format code with d, m, y, h or s outside quotes, brackets and escapes.
bool is_date_format(int builtin_id, std::string_view code);

}  // namespace credit::io::workbook
