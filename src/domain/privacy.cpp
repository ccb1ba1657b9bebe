#include "domain/privacy.hpp"

#include <algorithm>
#include <cctype>

#include "domain/identifiers.hpp"
#include "domain/text_clean.hpp"

namespace credit::domain {

namespace {

// ---- characters ----

struct CodePoint {
  char32_t c;
  size_t len;
};

// The code point at i; invalid UTF-8 reads as one byte U+FFFD, so any input is scanned safely.
CodePoint code_point(std::string_view s, size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) return {b, 1};
  const size_t len = b >= 0xF8 ? 0 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
  if (len == 0 || i + len > s.size()) return {0xFFFD, 1};
  char32_t c = b & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    const auto cb = static_cast<unsigned char>(s[i + k]);
    if ((cb & 0xC0) != 0x80) return {0xFFFD, 1};
    c = (c << 6) | (cb & 0x3F);
  }
  return {c, len};
}

// 0–9 for ASCII and full-width digits, -1 otherwise.
int digit_value(char32_t c) {
  if (c >= '0' && c <= '9') return static_cast<int>(c - '0');
  if (c >= 0xFF10 && c <= 0xFF19) return static_cast<int>(c - 0xFF10);
  return -1;
}

bool is_check_x(char32_t c) {
  return c == 'X' || c == 'x' || c == 0xFF38 || c == 0xFF58;
}

bool is_space_separator(char32_t c) {
  return c == ' ' || c == 0x3000;
}
bool is_dash(char32_t c) {
  return c == '-' || c == 0xFF0D;
}

bool is_ascii_alnum(char32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// Where a clause ends: ，。；！？（）【】, their ASCII forms and line ends. Not ：, so a label
// (电话：…) stays in the clause of its number; not 、, so an enumeration stays one clause.
bool is_clause_boundary(char32_t c) {
  switch (c) {
    case ',':
    case ';':
    case '!':
    case '?':
    case '(':
    case ')':
    case '\n':
    case '\r':
    case 0xFF0C:
    case 0x3002:
    case 0xFF1B:
    case 0xFF01:
    case 0xFF1F:
    case 0xFF08:
    case 0xFF09:
    case 0x3010:
    case 0x3011:
      return true;
    default:
      return false;
  }
}

bool is_bracket(char32_t c) {
  return c == '(' || c == ')' || c == 0xFF08 || c == 0xFF09 || c == 0x3010 || c == 0x3011;
}

// Characters of an address detail's numbers: 8, 八, 3A, 8-3-201, 甲, 3#.
bool is_detail_char(char32_t c) {
  static constexpr std::u32string_view kChinese = U"〇一二三四五六七八九十百零甲乙丙丁之";
  return digit_value(c) >= 0 || (c < 0x80 && is_ascii_alnum(c)) || is_dash(c) || c == '#' ||
         c == 0xFF03 || kChinese.find(c) != std::u32string_view::npos;
}

bool is_chinese_numeral(char32_t c) {
  static constexpr std::u32string_view kNumerals = U"〇一二三四五六七八九十百零";
  return kNumerals.find(c) != std::u32string_view::npos;
}

bool ends_with_any(std::string_view text, size_t at, const std::vector<std::string>& words) {
  const std::string_view before = text.substr(0, at);
  return std::any_of(words.begin(), words.end(),
                     [&](const std::string& w) { return before.ends_with(w); });
}

bool contains_any(std::string_view text, const std::vector<std::string>& words) {
  return std::any_of(words.begin(), words.end(),
                     [&](const std::string& w) { return text.find(w) != std::string_view::npos; });
}

// Where a term may start: its first character (an ASCII term: its first two bytes), as 16 bits.
unsigned term_key(std::string_view s, size_t i, char32_t c) {
  if (c >= 0x80) return static_cast<unsigned>(c) & 0xFFFF;
  const unsigned next = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
  return static_cast<unsigned>(c) << 8 | next;
}

// ---- numbers ----

// The digits of a number as written (full-width ones as ASCII, separators dropped, X upper).
std::string number_digits(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const CodePoint cp = code_point(text, i);
    if (const int v = digit_value(cp.c); v >= 0)
      out += static_cast<char>('0' + v);
    else if (is_check_x(cp.c))
      out += 'X';
    i += cp.len;
  }
  return out;
}

bool two_digits_in(std::string_view d, size_t at, int lo, int hi) {
  const int v = (d[at] - '0') * 10 + (d[at + 1] - '0');
  return v >= lo && v <= hi;
}

// A birth date YYYYMMDD (19xx or 20xx) or, for 15-digit numbers, YYMMDD.
bool birth_date_at(std::string_view d, size_t at, bool century) {
  if (century) {
    if (!(d.substr(at, 2) == "19" || d.substr(at, 2) == "20")) return false;
    at += 2;
  }
  return two_digits_in(d, at + 2, 1, 12) && two_digits_in(d, at + 4, 1, 31);
}

bool all_digits(std::string_view d) {
  return std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// 17 digits and a digit or X, a province digit first and a birth date — the check character
// may be wrong (a typo is still someone's ID number).
bool id18_shape(std::string_view d) {
  return d.size() == 18 && all_digits(d.substr(0, 17)) && d[0] >= '1' &&
         (d[17] == 'X' || (d[17] >= '0' && d[17] <= '9')) && birth_date_at(d, 6, true);
}
bool id15_shape(std::string_view d) {
  return d.size() == 15 && all_digits(d) && d[0] >= '1' && d[0] <= '8' &&
         birth_date_at(d, 6, false);
}
// An all-digit USCC (121200004013590816) is an organisation's code, not an ID number.
bool organisation_code(std::string_view d) {
  return d.size() == 18 && uscc_check_char(d) == d[17] && resident_id_check_char(d) != d[17];
}
bool mobile_shape(std::string_view d) {
  if (d.size() == 13 && d.starts_with("86")) d.remove_prefix(2);  // +86 139…
  return d.size() == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}
bool luhn(std::string_view d) {
  int sum = 0;
  for (size_t i = 0; i < d.size(); ++i) {
    int v = d[d.size() - 1 - i] - '0';
    if (i % 2 == 1) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
    sum += v;
  }
  return sum % 10 == 0;
}

// Keeps the policy's first and last digits, but hides at least four (a 7-digit local number
// keeps only its last three).
std::string mask_digits(std::string_view d, int keep_first, int keep_last, char mask) {
  const size_t n = d.size(), hidden = std::min<size_t>(n, 4);
  const size_t first =
      std::min(static_cast<size_t>(keep_first),
               n > 4 + static_cast<size_t>(keep_last) ? n - 4 - static_cast<size_t>(keep_last) : 0);
  const size_t last = std::min(static_cast<size_t>(keep_last), n - first - hidden);
  return std::string(d.substr(0, first)) + std::string(n - first - last, mask) +
         std::string(d.substr(n - last));
}

// A number as the scanner read it.
struct Token {
  size_t begin = 0, end = 0;
  std::string digits;  // capped: longer numbers are no personal data the screener knows
  bool dash = false;
  size_t first_group = 0;            // digits before the first separator
  std::vector<size_t> space_splits;  // byte offsets of space separators
};

constexpr size_t kMaxDigits = 32;

}  // namespace

// ---- the scan ----

class Screener::Scan {
 public:
  // A name that is not UTF-8 (an import never stores one) could match the start of a character
  // and leave its rest behind; valid UTF-8 matches only whole characters.
  Scan(const Screener& s, std::string_view text, std::string_view name, std::vector<Span>& out)
      : s_(s), r_(s.rules_), t_(text), name_(is_valid_utf8(name) ? name : ""), out_(out) {}

  void run() {
    size_t i = 0;
    while (i < t_.size()) {
      const CodePoint cp = code_point(t_, i);
      if (digit_value(cp.c) >= 0) {
        i = number(i);
      } else if (cp.c == '@') {
        i = email(i);
      } else if (is_clause_boundary(cp.c)) {
        clause_ = i + cp.len;
        if (!is_bracket(cp.c)) sentence_ = clause_;
        i = clause_;
      } else if (size_t next = term(i, cp.c); next != i) {
        i = next;
      } else if (is_chinese_numeral(cp.c) && (next = address(i)) != i) {
        i = next;
      } else {
        i += cp.len;
      }
    }
  }

 private:
  void add(size_t begin, size_t end, PersonalData d, int term = -1) {
    // A span found later may cover earlier ones (an e-mail's digits, a clause): it replaces them.
    while (!out_.empty() && out_.back().end > begin) {
      begin = std::min(begin, out_.back().begin);
      out_.pop_back();
    }
    out_.push_back({begin, end, d, term});
  }

  size_t clause_end(size_t i) const {
    while (i < t_.size()) {
      const CodePoint cp = code_point(t_, i);
      if (is_clause_boundary(cp.c)) break;
      i += cp.len;
    }
    return i;
  }

  // The subject's name or a term at i (its code point c): the position after what it took, or i.
  size_t term(size_t i, char32_t c) {
    if (name_.size() >= 4 && t_.substr(i).starts_with(name_)) {
      add(i, i + name_.size(), PersonalData::name);
      return i + name_.size();
    }
    const unsigned key = term_key(t_, i, c);
    if (!(s_.first_chars_[key / 64] >> (key % 64) & 1)) return i;
    for (const auto& term : s_.terms_) {
      if (term.key != key || !t_.substr(i).starts_with(term.text)) continue;
      const size_t end = clause_end(i);
      add(clause_, end, r_.terms[static_cast<size_t>(term.rule)].data, term.rule);
      return end;
    }
    return i;
  }

  // An address detail (8号3单元201室) right after a level word (幸福路): the position after it.
  size_t address(size_t i) {
    if (i == 0 || static_cast<unsigned char>(t_[i - 1]) < 0x80 ||
        !ends_with_any(t_, i, r_.address_levels))
      return i;
    size_t j = i;
    bool detail = false;
    for (;;) {
      size_t run = j;
      while (run < t_.size()) {
        const CodePoint cp = code_point(t_, run);
        if (!is_detail_char(cp.c)) break;
        run += cp.len;
      }
      size_t marker = 0;
      for (const auto& m : r_.address_details)
        if (m.size() > marker && t_.substr(run).starts_with(m)) marker = m.size();
      if (marker == 0) {
        if (detail) j = run;  // 3单元201: the number after the last marker
        break;
      }
      detail = true;
      j = run + marker;
    }
    if (!detail) return i;
    add(i, j, PersonalData::address);
    return j;
  }

  size_t email(size_t at) {
    auto local = [](char c) {
      return is_ascii_alnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '%' ||
             c == '+' || c == '-';
    };
    auto domain = [](char c) {
      return is_ascii_alnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
    };
    size_t begin = at;
    while (begin > 0 && at - begin < 64 && local(t_[begin - 1]))
      --begin;
    size_t end = at + 1;
    while (end < t_.size() && end - at < 255 && domain(t_[end]))
      ++end;
    while (end > at + 1 && (t_[end - 1] == '.' || t_[end - 1] == '-'))
      --end;
    const std::string_view host = t_.substr(at + 1, end - at - 1);
    const size_t dot = host.rfind('.');
    const bool ok = begin < at && dot != std::string_view::npos && dot > 0 &&
                    dot + 1 < host.size() && std::isalpha(static_cast<unsigned char>(host.back()));
    if (!ok) return at + 1;
    add(begin, end, PersonalData::email);
    return end;
  }

  // ---- numbers ----

  size_t number(size_t i) {
    Token tok = read_number(i);
    if (const size_t end = address(i); end != i) return std::max(end, tok.end);
    if (!amount_or_code(tok)) classify_pieces(tok);
    return tok.end;
  }

  Token read_number(size_t i) const {
    Token tok;
    tok.begin = i;
    size_t j = i, last = i;
    while (j < t_.size()) {
      const CodePoint cp = code_point(t_, j);
      if (const int v = digit_value(cp.c); v >= 0) {
        if (tok.digits.size() < kMaxDigits + 1) tok.digits += static_cast<char>('0' + v);
        j += cp.len;
        last = j;
        continue;
      }
      const bool space = is_space_separator(cp.c);
      if ((!space && !is_dash(cp.c)) || j + cp.len >= t_.size() ||
          digit_value(code_point(t_, j + cp.len).c) < 0)
        break;
      if (tok.first_group == 0) tok.first_group = tok.digits.size();
      if (space)
        tok.space_splits.push_back(j);
      else
        tok.dash = true;
      j += cp.len;
    }
    tok.end = last;
    if (tok.digits.size() == 17 && last < t_.size()) {
      const CodePoint cp = code_point(t_, last);
      if (is_check_x(cp.c)) {
        tok.digits += 'X';
        tok.end = last + cp.len;
      }
    }
    if (tok.first_group == 0) tok.first_group = tok.digits.size();
    return tok;
  }

  bool digit_at(size_t i) const {
    return i < t_.size() && std::isdigit(static_cast<unsigned char>(t_[i]));
  }

  // Glued to letters (a licence number JY1110…, a USCC …341L), a decimal part, thousands
  // (1,234,567), or followed by 元/万/亿/%: a code or an amount, never personal data.
  bool amount_or_code(const Token& tok) const {
    if (tok.begin > 0) {
      const char before = t_[tok.begin - 1];
      if (is_ascii_alnum(static_cast<unsigned char>(before))) return true;
      if (before == '.' && tok.begin > 1 && digit_at(tok.begin - 2)) return true;
    }
    if (tok.end >= t_.size()) return false;
    const CodePoint after = code_point(t_, tok.end);
    if (after.c < 0x80 && is_ascii_alnum(after.c)) return true;
    if (after.c == '.' && digit_at(tok.end + 1)) return true;
    if (after.c == ',' && digit_at(tok.end + 1) && digit_at(tok.end + 2) && digit_at(tok.end + 3) &&
        !digit_at(tok.end + 4))
      return true;
    static constexpr std::u32string_view kUnits = U"元万亿%％";
    return kUnits.find(after.c) != std::u32string_view::npos;
  }

  // The whole number; failing that, each part between spaces (13912345678 3单元 …).
  void classify_pieces(const Token& tok) {
    if (classify(tok) || tok.space_splits.empty()) return;
    size_t begin = tok.begin;
    for (size_t k = 0; k <= tok.space_splits.size(); ++k) {
      const size_t end = k < tok.space_splits.size() ? tok.space_splits[k] : tok.end;
      Token piece;
      piece.begin = begin;
      piece.end = end;
      piece.digits = number_digits(t_.substr(begin, end - begin));
      piece.dash = t_.substr(begin, end - begin).find('-') != std::string_view::npos;
      piece.first_group = piece.digits.size();
      classify(piece);
      if (end < tok.end) begin = end + code_point(t_, end).len;
    }
  }

  bool label_in_clause(size_t at, const std::vector<std::string>& labels) const {
    const size_t from = std::max(sentence_, at > 90 ? at - 90 : 0);
    return contains_any(t_.substr(from, at - from), labels);
  }

  bool classify(const Token& tok) {
    const std::string_view d = tok.digits;
    const size_t n = d.size();
    if (n < 7 || n > 25) return false;
    // Labels right before the number (许可证编号：…): 24 bytes are eight Chinese characters.
    const size_t from = std::max(sentence_, tok.begin > 24 ? tok.begin - 24 : 0);
    if (contains_any(t_.substr(from, tok.begin - from), r_.not_personal_labels)) return true;
    auto found = [&](PersonalData data) {
      add(tok.begin, tok.end, data);
      return true;
    };
    if ((id18_shape(d) && !organisation_code(d)) || id15_shape(d))
      return found(PersonalData::id_number);
    // 2025-01-15, 2025-01-01-2025-12-31: dates, whatever their digit count.
    const bool date =
        tok.dash && tok.first_group == 4 && (d.starts_with("19") || d.starts_with("20"));
    if (!all_digits(d) || date) return false;
    if (mobile_shape(d)) return found(PersonalData::phone);
    if (d[0] == '0' && d[1] != '0' && (n == 11 || n == 12 || (tok.dash && n == 10)))
      return found(PersonalData::phone);
    const bool account = label_in_clause(tok.begin, r_.account_labels);
    if (n >= 16 && n <= 19 && !organisation_code(d) && (account || luhn(d)))
      return found(PersonalData::bank_card);
    if (n >= 12 && account) return found(PersonalData::bank_card);
    if (n <= 8 && label_in_clause(tok.begin, r_.phone_labels)) return found(PersonalData::phone);
    return false;
  }

  const Screener& s_;
  const PrivacyRules& r_;
  std::string_view t_, name_;
  std::vector<Span>& out_;
  size_t clause_ = 0;    // where the current clause starts (terms take it whole)
  size_t sentence_ = 0;  // the same, but brackets do not end it: 电话：(010)8765432
};

// ---- the screener ----

Screener::Screener(const PrivacyRules& rules, const MaskingRules& masking)
    : rules_(rules), masking_(masking), first_chars_(65536 / 64, 0) {
  for (size_t r = 0; r < rules_.terms.size(); ++r)
    for (const auto& t : rules_.terms[r].terms) {
      if (t.size() < 2) continue;  // a one-byte term would take clauses everywhere
      const unsigned key = term_key(t, 0, code_point(t, 0).c);
      terms_.push_back({t, static_cast<int>(r), key});
      first_chars_[key / 64] |= uint64_t{1} << (key % 64);
    }
  // Longer terms first, so 佛教徒 is reported rather than 佛教 (either takes the clause).
  std::stable_sort(terms_.begin(), terms_.end(),
                   [](const Term& a, const Term& b) { return a.text.size() > b.text.size(); });
}

std::vector<Screener::Span> Screener::spans(std::string_view text, std::string_view name) const {
  std::vector<Span> out;
  if (!active() || text.empty()) return out;
  Scan(*this, text, name, out).run();
  return out;
}

DataKinds Screener::detect(std::string_view text, std::string_view subject_name) const {
  DataKinds kinds = 0;
  for (const Span& s : spans(text, subject_name))
    kinds |= bit(s.data);
  return kinds;
}

const RuleRef& Screener::rule_of(const Span& s) const {
  switch (s.data) {
    case PersonalData::id_number:
      return rules_.id_rule;
    case PersonalData::phone:
      return rules_.phone_rule;
    case PersonalData::email:
      return rules_.email_rule;
    case PersonalData::bank_card:
      return rules_.bank_card_rule;
    case PersonalData::address:
      return rules_.address_rule;
    case PersonalData::name:
      return rules_.name_rule;
    case PersonalData::health:
    case PersonalData::religion:
      break;
  }
  return rules_.terms[static_cast<size_t>(s.term)].rule;
}

std::vector<std::string> Screener::rule_ids(DataKinds kinds) const {
  std::vector<std::string> ids;
  for (size_t i = 0; i < kPersonalDataKinds; ++i) {
    if (!(kinds & (DataKinds{1} << i))) continue;
    const auto data = static_cast<PersonalData>(i);
    if (data != PersonalData::health && data != PersonalData::religion) {
      ids.push_back(rule_of({0, 0, data, -1}).id);
      continue;
    }
    for (const auto& t : rules_.terms)
      if (t.data == data) ids.push_back(t.rule.id);
  }
  return ids;
}

std::string Screener::replacement(std::string_view text, const Span& s,
                                  std::string_view name) const {
  const std::string_view found = text.substr(s.begin, s.end - s.begin);
  switch (s.data) {
    case PersonalData::id_number:
      return mask_id_number(number_digits(found), masking_);
    case PersonalData::phone: {
      std::string d = number_digits(found);
      const bool country = d.size() == 13 && d.starts_with("86");  // +86 139…: 86 stays
      return (country ? "86" : "") + mask_digits(std::string_view(d).substr(country ? 2 : 0),
                                                 rules_.phone_keep_first, rules_.phone_keep_last,
                                                 masking_.mask_char);
    }
    case PersonalData::bank_card:
      return mask_digits(number_digits(found), rules_.card_keep_first, rules_.card_keep_last,
                         masking_.mask_char);
    case PersonalData::email: {
      const size_t at = found.find('@');
      return std::string(found.substr(0, 1)) + std::string(3, masking_.mask_char) +
             std::string(found.substr(at));
    }
    case PersonalData::address:
      return rules_.address_replacement;
    case PersonalData::name:
      return mask_person_name(name);
    case PersonalData::health:
    case PersonalData::religion:
      break;
  }
  return rules_.terms[static_cast<size_t>(s.term)].replacement;
}

Screened Screener::screen(std::string_view text, std::string_view subject_name) const {
  Screened out;
  const auto found = spans(text, subject_name);
  if (found.empty()) {
    out.text = std::string(text);
    return out;
  }
  size_t at = 0;
  for (const Span& s : found) {
    out.text.append(text.substr(at, s.begin - at));
    out.text += replacement(text, s, subject_name);
    at = s.end;
    out.found |= bit(s.data);
    const std::string& id = rule_of(s).id;
    if (std::find(out.rules.begin(), out.rules.end(), id) == out.rules.end())
      out.rules.push_back(id);
  }
  out.text.append(text.substr(at));
  return out;
}

std::string describe(DataKinds kinds) {
  std::string out;
  for (size_t i = 0; i < kPersonalDataKinds; ++i) {
    if (!(kinds & (DataKinds{1} << i))) continue;
    const auto d = static_cast<PersonalData>(i);
    if (!out.empty()) out += ", ";
    out += std::string(to_chinese(d)) + " (" + std::string(to_string(d)) + ")";
  }
  return out;
}

}  // namespace credit::domain
