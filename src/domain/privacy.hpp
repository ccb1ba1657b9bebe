// Free-text screening: departments write ID numbers, phone numbers, home addresses, health and
// religion into 违法事实, 处罚内容, 备注 …; the screener finds them and masks them the way the
// profile's privacy section says (东营市实施方案: 家庭住址、通讯方式、健康状况、宗教信仰 …
// 技术屏蔽或模糊 处理; 甘信用办发〔2021〕5号（四）: 必要脱敏处理).
//
// One pass over the UTF-8 text, no regular expressions (a million rows must stay cheap):
// - numbers (ASCII or full-width digits, single spaces or dashes between groups, a final X) are
//   classified by shape: an 18-digit number with a birth date (check character right or wrong)
//   or a 15-digit one is an ID number — unless it is a valid USCC that is no valid ID; 1[3-9]
//   and 11 digits is a mobile, 0 + area code a landline; 16–19 digits passing the Luhn check a
//   bank card. Labels in the same clause widen that (a 7–8 digit number after 电话, 12–25
//   digits after 账号) or narrow it (anything right after 注册号, 文号 … is a code). Numbers
//   glued to letters (codes), decimal points, thousands separators or 元/万/% are not personal;
//   dates, amounts and document numbers (京朝市监罚〔2025〕123号) therefore stay as they are.
// - an address detail (号/室/单元/栋/楼/组 …, with its numbers) directly after a level word
//   (路/街/村/小区/区 …) is cut: 北京市朝阳区幸福路8号3单元201室 → 北京市朝阳区幸福路***.
// - a health or religion term takes its whole clause (between ，。；！？（） and line ends).
// - the record's natural-person subject's full name becomes its masked form (张三 → 张*).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/policy.hpp"

namespace credit::domain {

using DataKinds = uint32_t;  // one bit per PersonalData
constexpr DataKinds bit(PersonalData d) {
  return DataKinds{1} << static_cast<unsigned>(d);
}
// "ID number, phone number" style list of the kinds set, in enum order (Chinese with English).
std::string describe(DataKinds kinds);

struct Screened {
  std::string text;
  DataKinds found = 0;
  std::vector<std::string> rules;  // ids of the rules that masked something, first use first
};

class Screener {
 public:
  Screener(const PrivacyRules& rules, const MaskingRules& masking);

  // False when the profile has no privacy section: nothing is screened.
  bool active() const { return rules_.present; }
  // subject_name: the full name of the record's natural-person subject ("" for organisations).
  DataKinds detect(std::string_view text, std::string_view subject_name = {}) const;
  Screened screen(std::string_view text, std::string_view subject_name = {}) const;

  const PrivacyRules& rules() const { return rules_; }
  // The ids of the rules that find these kinds of data, in enum order.
  std::vector<std::string> rule_ids(DataKinds kinds) const;

 private:
  struct Span {
    size_t begin, end;
    PersonalData data;
    int term;  // index into rules_.terms for health and religion
  };
  struct Term {
    std::string text;
    int rule;
    unsigned key;  // its first character (privacy.cpp term_key)
  };
  class Scan;

  std::vector<Span> spans(std::string_view text, std::string_view name) const;
  std::string replacement(std::string_view text, const Span& s, std::string_view name) const;
  const RuleRef& rule_of(const Span& s) const;

  PrivacyRules rules_;
  MaskingRules masking_;
  std::vector<Term> terms_;
  std::vector<uint64_t> first_chars_;  // bit set of the terms' keys: one test per character
};

}  // namespace credit::domain
