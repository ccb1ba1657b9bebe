#pragma once
// RFC 4180 output: fields with commas, quotes or line breaks are quoted, quotes doubled; CRLF ends
// a record, as the RFC and spreadsheet programs expect.
#include <string>
#include <string_view>
#include <vector>

namespace credit::io {

void append_csv_field(std::string& out, std::string_view field);
std::string csv_record(const std::vector<std::string>& fields);  // ends with "\r\n"

}  // namespace credit::io
