#include "domain/identifiers.hpp"

#include <array>
#include <stdexcept>

#include <fmt/format.h>

#include "domain/text_clean.hpp"

namespace credit::domain {

namespace {

constexpr std::string_view kUsccCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::array<int, 17> kUsccWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                              29, 25, 13, 8,  24, 10, 30, 28};
constexpr std::array<int, 8> kOrgWeights = {3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::array<int, 17> kIdWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kIdCheckChars = "10X98765432";

// Byte → charset value (-1 = not allowed); a table because this runs per imported row.
constexpr std::array<int8_t, 256> kUsccValues = [] {
  std::array<int8_t, 256> t{};
  t.fill(-1);
  for (size_t i = 0; i < kUsccCharset.size(); ++i)
    t[static_cast<unsigned char>(kUsccCharset[i])] = static_cast<int8_t>(i);
  return t;
}();

int uscc_value(char c) {
  return kUsccValues[static_cast<unsigned char>(c)];
}

// GB 11714 values: digits 0–9, letters A=10 … Z=35.
int org_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return -1;
}

// One character of the input for an error message, without ever splitting a
// multi-byte sequence or printing control bytes.
std::string show_char(std::optional<char32_t> cp) {
  if (!cp) return "a byte that is not valid UTF-8";
  if (*cp < 0x20 || *cp == 0x7F)
    return fmt::format("control character U+{:04X}", static_cast<uint32_t>(*cp));
  std::string s = "'";
  append_utf8(s, *cp);
  s += '\'';
  if (*cp >= 0xFF01 && *cp <= 0xFF5E) s += " (full-width)";
  return s;
}

// The first 19 code points of an identifier (invalid bytes as nullopt) without a
// heap allocation: identifiers are checked for every imported row. 19 is enough
// to tell "18 characters" from "more".
class Chars {
 public:
  explicit Chars(std::string_view s) {
    for (size_t pos = 0; pos < s.size() && n_ < cps_.size();) {
      const auto b = static_cast<unsigned char>(s[pos]);
      if (b < 0x80) {
        cps_[n_++] = b;
        ++pos;
      } else {
        cps_[n_++] = utf8_next(s, pos);
      }
    }
  }
  size_t size() const { return n_; }
  std::optional<char32_t> operator[](size_t i) const { return cps_[i]; }

 private:
  std::array<std::optional<char32_t>, 19> cps_{};
  size_t n_ = 0;
};

bool is_digit(std::optional<char32_t> c) {
  return c && *c >= U'0' && *c <= U'9';
}

}  // namespace

char uscc_check_char(std::string_view first17) {
  if (first17.size() < 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    const int v = uscc_value(first17[i]);
    if (v < 0) return '\0';
    sum += v * kUsccWeights[i];
  }
  return kUsccCharset[static_cast<size_t>((31 - sum % 31) % 31)];
}

char org_code_check_char(std::string_view body8) {
  if (body8.size() < 8) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 8; ++i) {
    const int v = org_value(body8[i]);
    if (v < 0) return '\0';
    sum += v * kOrgWeights[i];
  }
  const int c = 11 - sum % 11;
  return c == 10 ? 'X' : c == 11 ? '0' : static_cast<char>('0' + c);
}

bool is_individual_business(std::string_view uscc) {
  return uscc.substr(0, 2) == "92";
}

UsccCheck check_uscc(std::string_view code) {
  UsccCheck r;
  const Chars cps(code);
  if (cps.size() != 18) {
    r.error = code.empty() ? "is empty"
                           : fmt::format("has {} characters, expected 18", utf8_length(code));
    return r;
  }
  bool lower = false;
  r.code.reserve(18);
  for (size_t i = 0; i < 18; ++i) {
    auto c = cps[i];
    if (c && *c >= U'a' && *c <= U'z' && uscc_value(static_cast<char>(*c - 32)) >= 0) {
      c = *c - 32;
      lower = true;
    }
    if (!c || *c > 0x7F || uscc_value(static_cast<char>(*c)) < 0) {
      r.error = fmt::format("position {} has {}, which is not allowed", i + 1, show_char(cps[i]));
      r.code.clear();
      return r;
    }
    r.code += static_cast<char>(*c);
  }
  const char expected = uscc_check_char(r.code);
  if (r.code[17] != expected) {
    r.error = fmt::format("check character is '{}', expected '{}'", r.code[17], expected);
    r.code.clear();
    return r;
  }
  r.valid = true;
  const char inner = org_code_check_char(std::string_view(r.code).substr(8, 8));
  r.inner_ok = inner == r.code[16];
  if (!r.inner_ok) {
    r.warning =
        fmt::format("organisation code (positions 9–17) check character is '{}', expected '{}'",
                    r.code[16], inner);
  }
  if (lower) {
    if (!r.warning.empty()) r.warning += "; ";
    r.warning += "lower-case letters converted to upper case";
  }
  return r;
}

char resident_id_check_char(std::string_view first17) {
  if (first17.size() < 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    if (first17[i] < '0' || first17[i] > '9') return '\0';
    sum += (first17[i] - '0') * kIdWeights[i];
  }
  return kIdCheckChars[static_cast<size_t>(sum % 11)];
}

namespace {

// Shared by 15- and 18-character numbers: digits everywhere except an 18-char
// number's last position, which may also be X.
bool id_charset_ok(const Chars& cps, ResidentIdCheck& r) {
  for (size_t i = 0; i < cps.size(); ++i) {
    const bool last18 = cps.size() == 18 && i == 17;
    const auto c = cps[i];
    if (is_digit(c) || (last18 && c && (*c == U'X' || *c == U'x'))) {
      r.number += static_cast<char>(last18 && *c == U'x' ? 'X' : *c);
      continue;
    }
    r.error = fmt::format("position {} has {}, expected a digit{}", i + 1, show_char(c),
                          last18 ? " or X" : "");
    r.number.clear();
    return false;
  }
  return true;
}

int num(std::string_view s, size_t pos, size_t n) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i)
    v = v * 10 + (s[i] - '0');
  return v;
}

}  // namespace

ResidentIdCheck check_resident_id(std::string_view id) {
  ResidentIdCheck r;
  const Chars cps(id);
  if (cps.size() != 18 && cps.size() != 15) {
    r.error = id.empty() ? "is empty"
                         : fmt::format("has {} characters, expected 18 (or 15 for a legacy number)",
                                       utf8_length(id));
    return r;
  }
  if (!id_charset_ok(cps, r)) return r;
  r.legacy = cps.size() == 15;
  const std::string_view n = r.number;
  const int y = r.legacy ? 1900 + num(n, 6, 2) : num(n, 6, 4);
  const int m = num(n, r.legacy ? 8 : 10, 2), d = num(n, r.legacy ? 10 : 12, 2);
  const auto birth = Date::from_ymd(y, m, d);
  if (!birth) {
    r.error = fmt::format("birth date {:04}{:02}{:02} in positions 7–{} is not a date", y, m, d,
                          r.legacy ? 12 : 14);
    return r;
  }
  if (y < 1850) {
    r.error = fmt::format("birth year {} in positions 7–10 is implausible", y);
    return r;
  }
  if (!r.legacy) {
    const char expected = resident_id_check_char(n);
    if (n[17] != expected) {
      r.error = fmt::format("check character is '{}', expected '{}'", n[17], expected);
      return r;
    }
  }
  r.birth_date = birth;
  r.valid = true;
  return r;
}

std::string resident_id_to_18(std::string_view id15) {
  const auto r = check_resident_id(id15);
  if (!r.valid || !r.legacy) return {};
  std::string out = r.number.substr(0, 6) + "19" + r.number.substr(6);
  out += resident_id_check_char(out);
  return out;
}

std::string make_uscc(uint64_t n, std::string_view prefix) {
  if (prefix.empty() || prefix.size() > 8)
    throw std::invalid_argument("USCC prefix must have 1–8 characters");
  for (char c : prefix) {
    if (uscc_value(c) < 0)
      throw std::invalid_argument("USCC prefix has a character outside the USCC charset");
  }
  // Region digits vary with the high part of n so that codes stay distinct past 10^8.
  const std::string region = fmt::format("{:06}", (110105 + n / 100'000'000) % 1'000'000);
  std::string code = (std::string(prefix) + region).substr(0, 8);
  code += fmt::format("{:08}", n % 100'000'000);
  code += org_code_check_char(std::string_view(code).substr(8, 8));
  // An inner check of 'X' is in the USCC charset, so the code is always well-formed.
  code += uscc_check_char(code);
  return code;
}

std::string make_resident_id(uint64_t n) {
  // Real county-level area codes (Beijing, Shanghai, Shenzhen, Dandong, Dongying,
  // Shijiazhuang, Lanzhou, Chongqing) so generated data looks like real data.
  static constexpr std::array<std::string_view, 8> kAreas = {
      "110105", "310104", "440305", "210602", "370502", "130102", "620102", "500103"};
  constexpr uint64_t kBirthDays = 25000;  // 1940-01-01 … 2008-06
  constexpr uint64_t kPerArea = kBirthDays * 1000;
  const Date birth = Date::from_ymd(1940, 1, 1)->add_days(static_cast<int>(n % kBirthDays));
  std::string id(kAreas[(n / kPerArea) % kAreas.size()]);
  id += fmt::format("{:04}{:02}{:02}{:03}", birth.year(), birth.month(), birth.day(),
                    (n / kBirthDays) % 1000);
  id += resident_id_check_char(id);
  return id;
}

}  // namespace credit::domain
