// The free-text screener (domain/privacy) with the shipped profile's privacy section: every kind
// of personal data with positives and near-misses — document numbers, amounts, dates and USCCs
// stay as they are.
#include <doctest/doctest.h>

#include "domain/privacy.hpp"
#include "support.hpp"

using namespace credit::domain;

namespace {

const PolicyProfile& profile() {
  static const PolicyProfile p = parse_policy(
      credit::test::read_text(std::string(CREDIT_SOURCE_DIR) + "/share/policy/national-2026.json"));
  return p;
}

const Screener& screener() {
  static const Screener s(profile().privacy, profile().masking);
  return s;
}

std::string screened(std::string_view text, std::string_view name = {}) {
  return screener().screen(text, name).text;
}

// Near-misses: nothing found, the text unchanged.
void unchanged(std::string_view text) {
  INFO(text);
  const Screened s = screener().screen(text);
  CHECK(s.text == text);
  CHECK(s.found == 0);
  CHECK(s.rules.empty());
  CHECK(screener().detect(text) == 0);
}

}  // namespace

TEST_CASE("privacy: the shipped profiles have a privacy section with rule ids") {
  const PrivacyRules& r = profile().privacy;
  REQUIRE(r.present);
  CHECK(r.id_rule.id == "national-2026/privacy.id_number");
  CHECK(r.address_rule.id == "national-2026/privacy.address");
  REQUIRE(r.terms.size() == 2);
  CHECK(r.terms[0].rule.id == "national-2026/privacy.terms.health");
  CHECK(r.terms[1].rule.id == "national-2026/privacy.terms.religion");
  CHECK(profile().find_rule("national-2026/privacy.phone"));
  for (const char* id : {"national-2019", "dandong-2019"}) {
    const auto p = parse_policy(
        credit::test::read_text(std::string(CREDIT_SOURCE_DIR) + "/share/policy/" + id + ".json"));
    CHECK(p.privacy.present);
  }
}

TEST_CASE("privacy: a profile without a privacy section screens nothing") {
  PrivacyRules none;
  const Screener s(none, profile().masking);
  CHECK_FALSE(s.active());
  CHECK(s.screen("电话13912345678").text == "电话13912345678");
}

TEST_CASE("privacy: ID numbers, 18 and 15 digits, check character right or wrong") {
  CHECK(screened("身份证号110105195001010039，") == "身份证号1101**********0039，");
  CHECK(screened("证件11010519491231002X") == "证件1101**********002X");
  CHECK(screened("证件11010519491231002x。") == "证件1101**********002X。");
  // wrong check character: still someone's number
  CHECK(screened("身份证110105195001010038") == "身份证1101**********0038");
  // spaces and full-width digits
  CHECK(screened("身份证 110105 19500101 0039") == "身份证 1101**********0039");
  CHECK(screened("号码1101 0519 5001 0100 39止") == "号码1101**********0039止");
  CHECK(screened("身份证１１０１０５１９５００１０１００３９") == "身份证1101**********0039");
  // the old 15-digit form
  CHECK(screened("原身份证号110105500101003") == "原身份证号1101*******1003");
  const Screened s = screener().screen("张三，身份证号110105195001010039");
  CHECK(s.found == bit(PersonalData::id_number));
  CHECK(s.rules == std::vector<std::string>{"national-2026/privacy.id_number"});
}

TEST_CASE("privacy: ID near-misses — USCCs, codes glued to letters, registration numbers") {
  unchanged("统一社会信用代码91110000600037341L");
  unchanged("当事人121200004013590816（统一社会信用代码）");  // an all-digit USCC
  unchanged("91350100M000100Y43");
  unchanged("食品经营许可证（JY11101234567890）");
  unchanged("工商注册号110105500101003");  // 15 digits after a registration label
  unchanged("编号110105991301003");        // 15 digits, no birth date (month 13)
  unchanged("序号123456789012345678");     // 18 digits, no birth date
}

TEST_CASE("privacy: mobile and landline numbers") {
  CHECK(screened("电话13912345678，") == "电话139****5678，");
  CHECK(screened("手机：139 1234 5678") == "手机：139****5678");
  CHECK(screened("联系人+8613912345678") == "联系人+86139****5678");
  CHECK(screened("座机010-12345678") == "座机010****5678");
  CHECK(screened("0571-87654321转") == "057*****4321转");
  CHECK(screened("联系电话：(010)8765432") == "联系电话：(010)****432");
  CHECK(screened("13912345678,13800001111") == "139****5678,138****1111");
  CHECK(screener().detect("电话13912345678") == bit(PersonalData::phone));
}

TEST_CASE("privacy: phone near-misses — amounts, dates, counts") {
  unchanged("罚款人民币12345678元");
  unchanged("没收违法所得13912345678.50");
  unchanged("货值金额1,391,234,567元");
  unchanged("于2025-01-15至2025-12-31期间");
  unchanged("于2025-01-01-2025-12-31期间");
  unchanged("20250115");
  unchanged("销售12345678件");
  unchanged("电话费用于2025年3月支付");  // a label, but no number of a phone's shape
}

TEST_CASE("privacy: e-mail addresses") {
  CHECK(screened("邮箱zhangsan@example.com。") == "邮箱z***@example.com。");
  CHECK(screened("联系13912345678@qq.com") == "联系1***@qq.com");
  unchanged("@某某 见公告");
  unchanged("a@b");
}

TEST_CASE("privacy: bank-card and account numbers") {
  CHECK(screened("转入6222020200112233446") == "转入***************3446");  // Luhn valid
  CHECK(screened("银行卡号 6222 0202 0011 2233 445") == "银行卡号 ***************3445");
  CHECK(screened("账号1234567890123") == "账号*********0123");  // account label, no Luhn
  unchanged("批次6222020200112233445");                         // 19 digits failing Luhn
  unchanged("订单号6222020200112233446");                       // a code label
}

TEST_CASE("privacy: detailed addresses are cut after the street") {
  CHECK(screened("住北京市朝阳区幸福路8号3单元201室，") == "住北京市朝阳区幸福路***，");
  CHECK(screened("家住某县某村3组") == "家住某县某村***");
  CHECK(screened("住幸福小区12栋2单元") == "住幸福小区***");
  CHECK(screened("住和平街八号") == "住和平街***");
  CHECK(screened("住朝阳区建国路8-3-201室") == "住朝阳区建国路***");
  const Screened s = screener().screen("住北京市朝阳区幸福路8号");
  CHECK(s.found == bit(PersonalData::address));
  CHECK(s.rules == std::vector<std::string>{"national-2026/privacy.address"});
}

TEST_CASE("privacy: address near-misses — document numbers, district names, dates") {
  unchanged("京朝市监罚〔2025〕123号");
  unchanged("依据京市监罚字[2025]第12号决定");
  unchanged("国发〔2016〕33号");
  unchanged("（2025）京0105民初123号");
  unchanged("经查，当事人于2025年3月在北京市朝阳区经营期间");
  unchanged("朝阳区2025年第3季度");
  unchanged("某村3万元");
}

TEST_CASE("privacy: health and religion take their whole clause") {
  CHECK(screened("当事人患有糖尿病，长期服药。") == "【健康信息已屏蔽】，长期服药。");
  CHECK(screened("其信仰伊斯兰教）") == "【宗教信息已屏蔽】）");
  CHECK(screened("经查（电话13912345678 患有高血压）") == "经查（【健康信息已屏蔽】）");
  const Screened s = screener().screen("患有糖尿病，信仰佛教");
  CHECK(s.found == (bit(PersonalData::health) | bit(PersonalData::religion)));
  CHECK(s.rules == std::vector<std::string>{"national-2026/privacy.terms.health",
                                            "national-2026/privacy.terms.religion"});
}

TEST_CASE("privacy: health and religion near-misses") {
  unchanged("经营病死猪肉");
  unchanged("违反《中华人民共和国传染病防治法》第七十三条");
  unchanged("未按规定缴纳残疾人就业保障金");
  unchanged("违反《宗教事务条例》第四十一条");
  unchanged("对诚信的坚守");
}

TEST_CASE("privacy: the natural-person subject's full name") {
  CHECK(screened("当事人张三于2025年", "张三") == "当事人张*于2025年");
  CHECK(screened("欧阳娜娜、欧阳娜娜", "欧阳娜娜") == "欧***、欧***");
  CHECK(screened("当事人张三于2025年") == "当事人张三于2025年");  // no subject name given
  CHECK(screened("张某于2025年", "张") == "张某于2025年");        // one character: too common
  CHECK(screener().screen("张三", "张三").rules ==
        std::vector<std::string>{"national-2026/privacy.subject_name"});
}

TEST_CASE("privacy: a subject name that is not UTF-8 matches no part of a character") {
  // "三" and the first two bytes of "（": it would mask "三（" but leave the paren's last byte.
  const std::string name = "三\xEF\xBC";
  const std::string text = "张三（张三（。";
  CHECK(screened(text, name) == text);
  CHECK(screener().detect(text, name) == 0);
}

TEST_CASE("privacy: the issue's example") {
  const std::string text =
      "张三（身份证号110105195001010039，住北京市朝阳区幸福路8号3单元201室，电话13912345678，"
      "患有糖尿病，信仰伊斯兰教）于2025年3月无证经营，京朝市监罚〔2025〕123号，罚款人民币5000元。";
  const Screened s = screener().screen(text, "张三");
  CHECK(s.text ==
        "张*（身份证号1101**********0039，住北京市朝阳区幸福路***，电话139****5678，"
        "【健康信息已屏蔽】，【宗教信息已屏蔽】）于2025年3月无证经营，京朝市监罚〔2025〕123号，罚款"
        "人民币5000元。");
  CHECK(s.found ==
        (bit(PersonalData::name) | bit(PersonalData::id_number) | bit(PersonalData::address) |
         bit(PersonalData::phone) | bit(PersonalData::health) | bit(PersonalData::religion)));
  CHECK(describe(bit(PersonalData::phone) | bit(PersonalData::address)) ==
        "电话号码 (phone), 详细地址 (address)");
}

TEST_CASE("privacy: any bytes are scanned safely") {
  const std::string inputs[] = {std::string("\xE4\xBD", 2),
                                std::string("1\xFF", 2),
                                std::string("\xEF\xBC\x91\xEF", 4),
                                "@",
                                "路8",
                                "17位12345678901234567X",
                                std::string(1000, '1'),
                                "号号号路号"};
  for (const auto& in : inputs) {
    const Screened s = screener().screen(in, "张三");
    CHECK(s.text.size() <= in.size() + 64);
  }
}
