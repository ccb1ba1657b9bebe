#pragma once
// RFC 4180 output: fields with commas, quotes or line breaks are quoted, quotes doubled; CRLF ends
// a record, as the RFC and spreadsheet programs expect.
//
// Every CSV the tool writes (query and list output, reports, audit exports, rejects files) is
// opened in spreadsheet programs, which run a cell that starts with = + - @, a tab or a CR as a
// formula (OWASP, "CSV Injection"). Such a cell gets a leading apostrophe, as OWASP advises —
// except a plain number (-5, +3.25): a spreadsheet reads it as a number, never as a formula, and
// numeric columns stay numeric. A cell that starts with an apostrophe itself gets a second one, so
// that dropping one leading apostrophe (csv_unguarded) always gives the value back.
#include <string>
#include <string_view>
#include <vector>

namespace credit::io {

// True for a cell that a spreadsheet could run, or that starts with an apostrophe.
bool csv_needs_guard(std::string_view field);
// The value of a cell written guarded: without its one leading apostrophe.
std::string_view csv_unguarded(std::string_view cell);

void append_csv_field(std::string& out, std::string_view field);  // guarded, then quoted
std::string csv_record(const std::vector<std::string>& fields);   // ends with "\r\n"

}  // namespace credit::io
