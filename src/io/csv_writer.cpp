#include "io/csv_writer.hpp"

namespace credit::io {

namespace {
// [+-]digits[.digits]: a number, which a spreadsheet never runs.
bool plain_number(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  size_t digits = 0, dot = 0;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9')
      ++digits;
    else if (s[i] == '.' && dot == 0 && digits > 0)
      dot = i;
    else
      return false;
  }
  return digits > 0 && (dot == 0 || dot + 1 != s.size());
}
}  // namespace

bool csv_needs_guard(std::string_view field) {
  if (field.empty()) return false;
  switch (field.front()) {
    case '\'':
    case '=':
    case '@':
    case '\t':
    case '\r':
      return true;
    case '+':
    case '-':
      return !plain_number(field);
    default:
      return false;
  }
}

std::string_view csv_unguarded(std::string_view cell) {
  return !cell.empty() && cell.front() == '\'' ? cell.substr(1) : cell;
}

void append_csv_field(std::string& out, std::string_view field) {
  std::string guarded;
  if (csv_needs_guard(field)) {
    guarded.reserve(field.size() + 1);
    guarded += '\'';
    guarded += field;
    field = guarded;
  }
  bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos ||
               (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!quote) {
    out += field;
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string csv_record(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    append_csv_field(out, fields[i]);
  }
  out += "\r\n";
  return out;
}

}  // namespace credit::io
