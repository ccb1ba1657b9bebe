// Noise cleaning for imported 双公示 values, and small UTF-8 helpers.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace credit::domain {

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view s);

// Decodes the code point at `pos` and advances `pos` past it. On an invalid
// sequence returns nullopt and advances by one byte, so loops always progress.
std::optional<char32_t> utf8_next(std::string_view s, size_t& pos);

void append_utf8(std::string& out, char32_t cp);

// Number of code points; each invalid byte counts as one.
size_t utf8_length(std::string_view s);

// Terminal columns: East Asian Wide/Fullwidth = 2, combining marks and
// zero-width/control characters = 0, everything else 1 (invalid bytes = 1).
size_t display_width(std::string_view utf8);

// C0/C1 control characters (U+0000–U+001F, U+007F–U+009F).
bool is_control(char32_t c);

// Invisible characters that reorder the text around them (bidi embeddings, overrides, isolates
// and marks: U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069). "Trojan source": they make a value
// look like something else on screen.
bool is_bidi_control(char32_t c);

// `s` with every control character, bidi control and invalid byte spelled out visibly (\x1B,
// \u202E, \xFF), so text from a file, a request or the store can never move the cursor, recolour
// a terminal, forge a log line or reorder what is shown. With keep_line_breaks, LF and TAB stay
// (multi-line messages); otherwise they are escaped too.
std::string escape_controls(std::string_view s, bool keep_line_breaks = false);

// What clean_value did, so the importer can emit one precise warning.
struct CleanResult {
  std::string value;        // cleaned text (empty when error is set)
  bool full_width = false;  // full-width forms / U+3000 converted to ASCII
  bool trimmed = false;     // surrounding whitespace removed
  std::string label;        // label removed from the value, e.g. "统一社会信用代码"
  size_t controls = 0;      // control or bidi characters removed
  size_t control_at = 0;    // 1-based character position of the first one
  char32_t first_control = 0;
  std::string error;  // input is not valid UTF-8

  bool ok() const { return error.empty(); }
  bool changed() const { return full_width || trimmed || !label.empty() || controls > 0; }
  std::string describe() const;  // "full-width characters converted; …", empty if unchanged
};

// Cleans one imported value.
// - code_field = true (codes and numbers: USCC, ID numbers, document numbers, amounts):
//   every full-width ASCII form U+FF01–U+FF5E and U+3000 becomes ASCII, and a
//   leading label such as "统一社会信用代码：" (CJK run + ASCII or full-width colon)
//   is removed.
// - code_field = false (names, free text): only full-width digits and letters become
//   ASCII; full-width punctuation such as （）and ：is correct Chinese typography
//   (registered company names use full-width brackets) and is kept.
// Both remove C0/C1 control characters and bidi controls anywhere in the value (a NUL inside a
// company name made it unfindable; U+202E makes a value display reversed); text fields keep TAB,
// LF and CR inside the value (multi-line descriptions).
// Both trim ASCII whitespace, U+3000, NBSP, BOM and zero-width spaces at either end.
CleanResult clean_value(std::string_view raw, bool code_field);

// True when clean_value would return `raw` unchanged (valid UTF-8, nothing to trim, convert or
// strip): lets bulk imports skip building a CleanResult for the common clean value.
bool is_clean_value(std::string_view raw, bool code_field);

}  // namespace credit::domain
