#include "domain/text_clean.hpp"

#include <algorithm>
#include <iterator>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace credit::domain {

namespace {

bool is_trim_space(char32_t c) {
  switch (c) {
    case U' ':
    case U'\t':
    case U'\n':
    case U'\r':
    case U'\v':
    case U'\f':
    case 0x00A0:  // NBSP (Excel exports)
    case 0x3000:  // ideographic space
    case 0xFEFF:  // BOM left on the first cell
    case 0x200B:  // zero-width space
    case 0x202F:
    case 0x205F:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;  // en/em and other typographic spaces
  }
}

bool is_cjk_ideograph(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0xF900 && c <= 0xFAFF);
}

bool is_full_width_alnum(char32_t c) {
  return (c >= 0xFF10 && c <= 0xFF19) || (c >= 0xFF21 && c <= 0xFF3A) ||
         (c >= 0xFF41 && c <= 0xFF5A);
}

struct Range {
  char32_t lo, hi;
};

bool in_table(char32_t c, const Range* begin, const Range* end) {
  const Range* it =
      std::upper_bound(begin, end, c, [](char32_t v, const Range& r) { return v < r.lo; });
  return it != begin && c <= std::prev(it)->hi;
}

// East Asian Wide (W) and Fullwidth (F), condensed to the blocks that occur in
// Chinese administrative data plus common emoji. Sorted by lo.
constexpr Range kWide[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
    {0x25FD, 0x25FE},   {0x2614, 0x2615},   {0x2E80, 0x303E},   {0x3041, 0x33FF},
    {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},   {0xA960, 0xA97F},
    {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},   {0xFE30, 0xFE6F},
    {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF},
    {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

// Combining marks and zero-width format characters.
constexpr Range kZero[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A},
    {0x064B, 0x065F}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F},
    {0x202A, 0x202E}, {0x2060, 0x2064}, {0x20D0, 0x20FF}, {0x302A, 0x302D},
    {0x3099, 0x309A}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF},
};

}  // namespace

bool is_control(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c < 0xA0);
}

bool is_bidi_control(char32_t c) {
  return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069);
}

std::string escape_controls(std::string_view s, bool keep_line_breaks) {
  std::string out;
  out.reserve(s.size());
  for (size_t pos = 0; pos < s.size();) {
    const size_t at = pos;
    const auto cp = utf8_next(s, pos);
    if (!cp) {
      out += fmt::format("\\x{:02X}", static_cast<unsigned char>(s[at]));
    } else if (keep_line_breaks && (*cp == U'\n' || *cp == U'\t')) {
      out += static_cast<char>(*cp);
    } else if (is_control(*cp)) {
      out += fmt::format("\\x{:02X}", static_cast<unsigned>(*cp));
    } else if (is_bidi_control(*cp)) {
      out += fmt::format("\\u{:04X}", static_cast<unsigned>(*cp));
    } else {
      out.append(s.substr(at, pos - at));
    }
  }
  return out;
}

std::optional<char32_t> utf8_next(std::string_view s, size_t& pos) {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  if (b0 < 0x80) {
    ++pos;
    return b0;
  }
  size_t len;
  char32_t cp, min;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    ++pos;
    return std::nullopt;
  }
  if (pos + len > s.size()) {
    ++pos;
    return std::nullopt;
  }
  for (size_t i = 1; i < len; ++i) {
    const auto b = static_cast<unsigned char>(s[pos + i]);
    if ((b & 0xC0) != 0x80) {
      ++pos;
      return std::nullopt;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  // Overlong forms, UTF-16 surrogates and values past U+10FFFF are not UTF-8.
  if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    ++pos;
    return std::nullopt;
  }
  pos += len;
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_valid_utf8(std::string_view s) {
  size_t pos = 0;
  while (pos < s.size()) {
    if (static_cast<unsigned char>(s[pos]) < 0x80) {
      ++pos;  // ASCII fast path
    } else if (!utf8_next(s, pos)) {
      return false;
    }
  }
  return true;
}

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (size_t pos = 0; pos < s.size(); ++n)
    utf8_next(s, pos);
  return n;
}

size_t display_width(std::string_view utf8) {
  size_t width = 0;
  for (size_t pos = 0; pos < utf8.size();) {
    const auto cp = utf8_next(utf8, pos);
    if (!cp) {
      width += 1;
    } else if (*cp < 0x20 || (*cp >= 0x7F && *cp < 0xA0)) {
      // control characters occupy no column
    } else if (*cp < 0x300) {
      width += 1;
    } else if (in_table(*cp, std::begin(kZero), std::end(kZero))) {
      // combining / zero-width
    } else {
      width += in_table(*cp, std::begin(kWide), std::end(kWide)) ? 2 : 1;
    }
  }
  return width;
}

std::string CleanResult::describe() const {
  std::vector<std::string> parts;
  if (full_width) parts.emplace_back("full-width characters converted to ASCII");
  if (trimmed) parts.emplace_back("surrounding whitespace removed");
  if (!label.empty()) parts.push_back(fmt::format("label \"{}\" removed", label));
  if (controls > 0)
    parts.push_back(fmt::format("{} control character{} removed (first U+{:04X} at character {})",
                                controls, controls == 1 ? "" : "s",
                                static_cast<unsigned>(first_control), control_at));
  return fmt::format("{}", fmt::join(parts, "; "));
}

namespace {

bool plain_ascii(std::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

// Removes "<CJK label><spaces>:" at the start of a trimmed code value; returns
// false when there is none.
bool strip_one_label(std::vector<char32_t>& cps, CleanResult& r) {
  size_t i = 0;
  while (i < cps.size() && is_cjk_ideograph(cps[i]))
    ++i;
  if (i == 0) return false;
  size_t j = i;
  while (j < cps.size() && is_trim_space(cps[j]))
    ++j;
  if (j == cps.size() || (cps[j] != U':' && cps[j] != 0xFF1A)) return false;
  std::string label;
  for (size_t k = 0; k < i; ++k)
    append_utf8(label, cps[k]);
  r.label = r.label.empty() ? label : r.label + "：" + label;
  ++j;
  while (j < cps.size() && is_trim_space(cps[j]))
    ++j;  // "代码： 9111…"
  cps.erase(cps.begin(), cps.begin() + static_cast<std::ptrdiff_t>(j));
  return true;
}

// A value pasted twice ("代码：代码：9111…") loses both labels, so cleaning is idempotent.
void strip_label(std::vector<char32_t>& cps, CleanResult& r) {
  while (strip_one_label(cps, r)) {
  }
}

// Removes the control and bidi characters that `unwanted` selects, counting them.
template <class Pred>
void remove_controls(std::vector<char32_t>& cps, Pred unwanted, CleanResult& r) {
  for (size_t i = 0; i < cps.size(); ++i) {
    if (!unwanted(cps[i])) continue;
    if (r.controls++ == 0) r.first_control = cps[i], r.control_at = i + 1;
  }
  std::erase_if(cps, unwanted);
}

}  // namespace

bool is_clean_value(std::string_view raw, bool code_field) {
  // Conservative: false only means clean_value has a closer look.
  char32_t first = 0, last = 0;
  for (size_t pos = 0; pos < raw.size();) {
    const auto b = static_cast<unsigned char>(raw[pos]);
    char32_t cp = b;
    if (b < 0x80) {
      ++pos;
      if (b < 0x20 || b == 0x7F || (code_field && b == ':')) return false;
    } else {
      const auto decoded = utf8_next(raw, pos);
      if (!decoded) return false;
      cp = *decoded;
      if (is_control(cp) || is_bidi_control(cp)) return false;
      if (code_field ? (cp >= 0xFF01 && cp <= 0xFF5E) || cp == 0x3000 : is_full_width_alnum(cp))
        return false;
    }
    if (first == 0) first = cp;
    last = cp;
  }
  return raw.empty() || (!is_trim_space(first) && !is_trim_space(last));
}

CleanResult clean_value(std::string_view raw, bool code_field) {
  CleanResult r;
  // Most values need nothing: printable ASCII cannot carry a CJK label or
  // full-width forms, so only the two ends need a look.
  if (raw.empty() || (plain_ascii(raw) && raw.front() != ' ' && raw.back() != ' ') ||
      is_clean_value(raw, code_field)) {
    r.value = raw;
    return r;
  }
  std::vector<char32_t> cps;
  cps.reserve(raw.size());
  for (size_t pos = 0; pos < raw.size();) {
    const size_t at = pos;
    const auto cp = utf8_next(raw, pos);
    if (!cp) {
      r.error = fmt::format("value is not valid UTF-8 (byte 0x{:02X} at offset {})",
                            static_cast<unsigned char>(raw[at]), at);
      return r;
    }
    cps.push_back(*cp);
  }
  // Controls go before trimming (so what they hid at either end is trimmed too), except the
  // whitespace ones, which trimming handles at the ends and the second pass inside.
  remove_controls(
      cps, [](char32_t c) { return (is_control(c) && !is_trim_space(c)) || is_bidi_control(c); },
      r);
  auto first = std::find_if_not(cps.begin(), cps.end(), is_trim_space);
  auto last =
      std::find_if_not(cps.rbegin(), std::make_reverse_iterator(first), is_trim_space).base();
  if (first != cps.begin() || last != cps.end()) {
    r.trimmed = true;
    cps = std::vector<char32_t>(first, last);
  }
  // Inside the value: text fields keep TAB, LF and CR (multi-line descriptions), codes keep none.
  remove_controls(
      cps,
      [code_field](char32_t c) {
        return is_control(c) && (code_field || (c != U'\t' && c != U'\n' && c != U'\r'));
      },
      r);
  for (char32_t& c : cps) {
    if ((code_field && c >= 0xFF01 && c <= 0xFF5E) || (!code_field && is_full_width_alnum(c))) {
      c -= 0xFEE0;
      r.full_width = true;
    } else if (code_field && c == 0x3000) {
      c = U' ';
      r.full_width = true;
    }
  }
  if (code_field) strip_label(cps, r);
  for (char32_t c : cps)
    append_utf8(r.value, c);
  return r;
}

}  // namespace credit::domain
