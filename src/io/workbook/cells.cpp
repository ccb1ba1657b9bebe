#include "io/workbook/cells.hpp"

#include <fmt/format.h>

#include <cmath>

#include "domain/date.hpp"

namespace credit::io::workbook {

std::optional<int> column_of_reference(std::string_view reference) {
  int column = 0;
  size_t letters = 0;
  for (char c : reference) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') break;
    column = column * 26 + (c - 'A' + 1);
    if (++letters > 3 || column > kMaxColumns) return std::nullopt;
  }
  if (letters == 0) return std::nullopt;
  return column - 1;
}

std::string column_letters(int column) {
  std::string out;
  for (int n = column + 1; n > 0; n = (n - 1) / 26)
    out += static_cast<char>('A' + (n - 1) % 26);
  return {out.rbegin(), out.rend()};
}

std::string number_text(double value) {
  if (!std::isfinite(value)) return fmt::format("{}", value);
  if (value == 0) return "0";  // also -0
  if (value == std::trunc(value) && std::fabs(value) < 1e15) return fmt::format("{:.0f}", value);
  return fmt::format("{:.15g}", value);
}

std::optional<std::string> serial_date_text(double serial, bool date1904) {
  if (!std::isfinite(serial) || serial < 0 || serial > 3e6) return std::nullopt;
  double whole = std::floor(serial);
  auto seconds = static_cast<int64_t>(std::llround((serial - whole) * 86400.0));
  if (seconds >= 86400) {  // rounding reached midnight
    whole += 1;
    seconds = 0;
  }
  std::string time =
      fmt::format("{:02}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60);
  if (whole == 0 && !date1904) return time;  // a time of day alone
  auto date = domain::excel_serial_date(static_cast<int64_t>(whole), date1904);
  if (!date) return std::nullopt;
  return seconds == 0 ? date->iso() : date->iso() + " " + time;
}

bool is_date_format(int builtin_id, std::string_view code) {
  if ((builtin_id >= 14 && builtin_id <= 22) || (builtin_id >= 27 && builtin_id <= 36) ||
      (builtin_id >= 45 && builtin_id <= 47) || (builtin_id >= 50 && builtin_id <= 58))
    return true;
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == '"') {
      size_t end = code.find('"', i + 1);
      if (end == std::string_view::npos) return false;
      i = end;
    } else if (c == '[') {
      size_t end = code.find(']', i + 1);
      if (end == std::string_view::npos) return false;
      // [h], [mm], [ss]: elapsed time; [$-804], [Red], [>100]: locale, colour, condition
      std::string_view inside = code.substr(i + 1, end - i - 1);
      if (!inside.empty() && (inside[0] == 'h' || inside[0] == 'H' || inside[0] == 'm' ||
                              inside[0] == 'M' || inside[0] == 's' || inside[0] == 'S'))
        return true;
      i = end;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;  // an escaped character, a space the width of the next, a fill character
    } else if (c == ';') {
      return false;  // only the first section (positive numbers) says what the cell holds
    } else {
      switch (c) {
        case 'd':
        case 'D':
        case 'm':
        case 'M':
        case 'y':
        case 'Y':
        case 'h':
        case 'H':
        case 's':
        case 'S':
          return true;
        default:
          break;
      }
    }
  }
  return false;
}

}  // namespace credit::io::workbook
