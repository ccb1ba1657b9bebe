// Kind specs (share/kinds) and the validation of one row: every rejection class, the cleaning
// warnings, and the values derived from the national-2026 policy with their rules.
#include <doctest/doctest.h>

#include <map>

#include "domain/row_validation.hpp"
#include "io/kind_files.hpp"
#include "util/crypto.hpp"
#include "util/json.hpp"
#include "util/paths.hpp"

using namespace credit;
using namespace credit::domain;

namespace {

const PolicyProfile& policy() {
  static const PolicyProfile p =
      parse_policy(read_text_file(share_path("policy/national-2026.json")));
  return p;
}

const Date kToday = *Date::from_ymd(2026, 5, 6);

using Fields = std::map<std::string, std::string>;

Fields penalty_row() {
  return {{"CF_XDR_MC", "北京华信餐饮管理有限公司"},
          {"CF_XDR_LB", "法人及非法人组织"},
          {"CF_XDR_SHXYM", "91110000600037341L"},
          {"CF_FRDB", "王伟"},
          {"CF_WSH", "京市监罚〔2026〕12号"},
          {"CF_WFXW", "销售不合格产品"},
          {"CF_SY", "经查，当事人销售的电线电缆不合格。"},
          {"CF_YJ", "《中华人民共和国产品质量法》第四十九条"},
          {"CF_CFLB", "罚款"},
          {"CF_NR", "罚款人民币50000元"},
          {"CF_NR_FK", "5"},
          {"CF_JDRQ", "2026-03-02"},
          {"CF_YXQ", "2027-03-02"},
          {"CF_CFJG", "北京市市场监督管理局"},
          {"CF_CFJGDM", "11110000000013127H"},
          {"CF_SJLY", "北京市市场监督管理局"},
          {"CF_SJLYDM", "11110000000013127H"}};
}

// The penalty row for a natural person with this ID number.
Fields person_row(const std::string& id) {
  Fields f = penalty_row();
  f.erase("CF_XDR_SHXYM");
  f.erase("CF_FRDB");
  f["CF_XDR_MC"] = "张三";
  f["CF_XDR_LB"] = "自然人";
  f["CF_XDR_ZJLX"] = "身份证";
  f["CF_XDR_ZJHM"] = id;
  return f;
}

struct Checked {
  ValidatedRow row;
  const KindSpec* spec;
  bool ok() const { return row.ok(); }
  // The reason of the error on field `code`, or "" when it has none.
  std::string error(const std::string& code) const {
    for (const auto& e : row.errors)
      if (e.field >= 0 && spec->fields[e.field].code == code) return e.reason;
    return "";
  }
  std::string warning(const std::string& code) const {
    for (const auto& w : row.warnings)
      if (w.field >= 0 && spec->fields[w.field].code == code) return w.reason;
    return "";
  }
  const std::string& value(const std::string& code) const {
    return row.values[spec->field_by_code(code)];
  }
};

Checked check(const Fields& fields, Kind kind = Kind::penalty,
              const PolicyProfile& profile = policy()) {
  const KindSpec& spec = io::shipped_kind_spec(kind);
  std::vector<std::string_view> raw(spec.fields.size());
  for (const auto& [code, value] : fields) {
    int f = spec.field_by_code(code);
    REQUIRE_MESSAGE(f >= 0, "no field " << code);
    raw[f] = value;
  }
  Checked c{{}, &spec};
  RowValidator(spec, profile, kToday).validate(raw, c.row);
  return c;
}

Checked with(std::initializer_list<std::pair<const std::string, std::string>> changes) {
  Fields f = penalty_row();
  for (const auto& [k, v] : changes)
    f[k] = v;
  return check(f);
}

}  // namespace

TEST_CASE("the shipped kinds parse and map headers in Chinese, codes and variants") {
  for (Kind k : {Kind::penalty, Kind::license, Kind::dishonest}) {
    const KindSpec& spec = io::shipped_kind_spec(k);
    CHECK(spec.kind == k);
    CHECK(spec.field(Role::document_number) >= 0);
  }
  const KindSpec& p = io::shipped_kind_spec(Kind::penalty);
  int fine = p.field_by_code("CF_NR_FK");
  CHECK(p.match_header("罚款金额(万元)") == fine);
  CHECK(p.match_header("罚款金额（万元）") == fine);  // full-width brackets
  CHECK(p.match_header(" cf_nr_fk ") == fine);
  CHECK(p.match_header("\xEF\xBB\xBF"
                       "行政相对人名称") == p.field_by_code("CF_XDR_MC"));
  CHECK(p.match_header("电话") == -1);
  // Template markers and the 2016 standard's codes.
  CHECK(p.match_header("*行政相对人名称") == p.field_by_code("CF_XDR_MC"));
  CHECK(p.match_header("＊处罚决定日期") == p.field_by_code("CF_JDRQ"));
  CHECK(p.match_header("CF_XDR_ZDM") == p.field_by_code("CF_XDR_ZZJG"));
  CHECK(p.match_header("CF_XDR_GSDJ") == p.field_by_code("CF_XDR_GSZC"));
  CHECK(p.match_header("CF_FR") == p.field_by_code("CF_FRDB"));
  CHECK(p.match_header("CF_CFMC") == p.field_by_code("CF_WFXW"));
  const KindSpec& l = io::shipped_kind_spec(Kind::license);
  CHECK(l.match_header("XK_XMMC") == l.field_by_code("XK_XKWS"));
  CHECK(l.match_header("XK_SPLB") == l.field_by_code("XK_XKLB"));
  CHECK(l.match_header("XK_JZQ") == l.field_by_code("XK_YXQZI"));
  for (const char* ignored : {"序号", "DFBM", "SJC", "地方编码", "数据更新时间戳", "错误原因"}) {
    CAPTURE(ignored);
    CHECK(p.match_header(ignored) == -1);
    CHECK(p.ignores_header(ignored));
    CHECK(l.ignores_header(ignored));
  }
  CHECK_FALSE(p.ignores_header("联系电话"));
}

TEST_CASE("map_header: unknown, missing, duplicate and rejects-file columns") {
  const KindSpec& p = io::shipped_kind_spec(Kind::penalty);
  std::vector<std::string> header;
  for (const auto& f : p.fields)
    header.push_back(f.name);
  header.push_back("联系电话");
  header.push_back("错误原因");
  HeaderMapping m = map_header(p, header);
  CHECK(m.ok());
  REQUIRE(m.unknown_columns.size() == 1);
  CHECK(header[m.unknown_columns[0]] == "联系电话");
  CHECK(m.column_field.back() == HeaderMapping::kIgnored);

  header.erase(header.begin());  // 行政相对人名称
  header.push_back("CF_WSH");    // a second 行政处罚决定书文号
  m = map_header(p, header);
  REQUIRE(m.missing_required.size() == 1);
  CHECK(p.fields[m.missing_required[0]].code == "CF_XDR_MC");
  CHECK(m.duplicates.size() == 1);
}

TEST_CASE("kind specs with mistakes are refused") {
  const std::string values = read_text_file(share_path("kinds/values.json"));
  CHECK_THROWS_AS(parse_kind_spec("{}", values), KindSpecError);
  CHECK_THROWS_AS(parse_kind_spec("not json", values), KindSpecError);
  std::string spec = read_text_file(share_path("kinds/penalty.json"));
  std::string broken = spec;
  broken.replace(broken.find("\"role\": \"document_number\""), 26, "\"role\": \"note2\"");
  CHECK_THROWS_AS(parse_kind_spec(broken, values), KindSpecError);
  broken = spec;
  broken.replace(broken.find("\"values\": \"penalty_categories\""), 30, "\"values\": \"nope\"");
  CHECK_THROWS_AS(parse_kind_spec(broken, values), KindSpecError);
}

TEST_CASE("a valid penalty row: derived values and their rules") {
  Checked c = check(penalty_row());
  REQUIRE(c.ok());
  CHECK(c.row.warnings.empty());
  CHECK(c.row.subject_type == SubjectType::legal_person);
  CHECK(c.row.has_uscc);
  CHECK(c.row.severity.severity == Severity::general);
  CHECK(c.row.severity.rule_id == "national-2026/severity.default");
  CHECK(c.row.dates.start.iso() == "2026-03-02");
  CHECK(c.row.dates.earliest_repair->iso() == "2026-06-02");
  CHECK(c.row.dates.end.iso() == "2027-03-02");
  CHECK(c.row.dates.end_rule == "national-2026/periods.penalty.general.max");
  CHECK(c.row.disclosure == Disclosure::open);
  CHECK(c.row.disclosure_rule == "kinds/penalty/disclosure.default");
  CHECK(natural_key(*c.spec, c.row) == "11110000000013127H|京市监罚〔2026〕12号");
  std::string derivation;
  append_derivation(c.row, derivation);
  auto d = Json::parse(derivation);
  CHECK(d["severity"] == "national-2026/severity.default");
  CHECK(d["publicity_until"] == "national-2026/periods.penalty.general.max");
}

TEST_CASE("canonical data is the canonical JSON of the fields") {
  Checked c = with({{"CF_SY", "含\"引号\"、反斜杠\\和\n换行\t制表"}});
  REQUIRE(c.ok());
  std::string data;
  append_canonical_data(*c.spec, c.row, data);
  CHECK(data == canonical_json(Json::parse(data)));
  auto values = field_values_from_data(*c.spec, data);
  CHECK(values == c.row.values);
  crypto::Sha256 reused;  // the importer's per-row hashing reuses one context
  CHECK(reused.hex_digest_of(data) == crypto::sha256_hex(data));
  CHECK(reused.hex_digest_of("abc") == crypto::sha256_hex("abc"));
}

TEST_CASE("severity: rules, amounts, explicit 失信程度 and the minor case") {
  CHECK(with({{"CF_CFLB", "吊销许可证件"}, {"CF_NR_FK", ""}, {"CF_NR_ZKDX", "食品经营许可证"}})
            .row.severity.severity == Severity::severe);
  CHECK(with({{"CF_NR_FK", "150"}}).row.severity.rule_id ==
        "national-2026/severity.rules.huge-fine-organisation");
  Checked minor = with({{"CF_CFLB", "警告"}, {"CF_NR_FK", ""}});
  CHECK(minor.row.severity.severity == Severity::minor);
  CHECK_FALSE(minor.row.dates.publish);
  CHECK(minor.row.disclosure == Disclosure::shared);
  CHECK(minor.row.disclosure_rule == "kinds/penalty/disclosure.not_published");
  Checked expl = with({{"SXCD", "严重失信"}});
  CHECK(expl.value("SXCD") == "严重");
  CHECK(expl.row.severity.severity == Severity::severe);
  CHECK(expl.row.severity.rule_id == "national-2026/severity.explicit");
  Checked level = with({{"GKFW", "授权查询"}});
  CHECK(level.row.disclosure == Disclosure::authorised);
}

TEST_CASE("公示截止期: used within the policy's period, capped beyond it") {
  Checked inside = with({{"CF_GSJZQ", "2026-12-31"}});
  CHECK(inside.row.dates.end.iso() == "2026-12-31");
  CHECK(inside.row.dates.end_rule == "national-2026/periods.explicit_end");
  Checked beyond = with({{"CF_GSJZQ", "2030-01-01"}});
  CHECK(beyond.row.dates.end.iso() == "2027-03-02");
  CHECK(beyond.warning("CF_GSJZQ").find("capped") != std::string::npos);
}

TEST_CASE("required fields, per kind and subject type") {
  CHECK(with({{"CF_WFXW", ""}}).error("CF_WFXW") == "required");
  CHECK(with({{"CF_FRDB", ""}}).error("CF_FRDB").find("organisations") != std::string::npos);
  CHECK(with({{"CF_NR_FK", ""}}).error("CF_NR_FK").find("罚款") != std::string::npos);
  CHECK(with({{"CF_CFLB", "没收违法所得"}, {"CF_NR_FK", ""}}).error("CF_NR_WFFF") != "");
  Checked person = with({{"CF_XDR_LB", "自然人"}, {"CF_XDR_SHXYM", ""}, {"CF_FRDB", ""}});
  CHECK(person.error("CF_XDR_ZJLX").find("natural persons") != std::string::npos);
  CHECK(person.error("CF_XDR_ZJHM").find("natural persons") != std::string::npos);
}

TEST_CASE("identifiers: USCC, allow-list, inner check, resident IDs") {
  CHECK(with({{"CF_XDR_SHXYM", "91110000600037341X"}}).error("CF_XDR_SHXYM").find("check") !=
        std::string::npos);
  Checked lower = with({{"CF_XDR_SHXYM", "91110000600037341l"}});
  CHECK(lower.ok());
  CHECK(lower.value("CF_XDR_SHXYM") == "91110000600037341L");
  // The policy's placeholder is accepted, but it identifies nobody: a legacy code is then needed.
  Checked placeholder = with({{"CF_XDR_SHXYM", "00000000000000000X"}});
  CHECK(placeholder.error("CF_XDR_SHXYM").find("organisation needs") != std::string::npos);
  Checked legacy =
      with({{"CF_XDR_SHXYM", "00000000000000000X"}, {"CF_XDR_GSZC", "110108012345678"}});
  CHECK(legacy.ok());
  CHECK_FALSE(legacy.row.has_uscc);
  CHECK(legacy.warning("CF_XDR_SHXYM").find("allow-list") != std::string::npos);
  CHECK(with({{"CF_XDR_SHXYM", ""}}).error("CF_XDR_SHXYM").find("organisation needs") !=
        std::string::npos);

  Fields person = person_row("11010519491231002x");
  person["CF_XDR_ZJLX"] = "居民身份证";
  Checked ok = check(person);
  REQUIRE(ok.ok());
  CHECK(ok.value("CF_XDR_ZJHM") == "11010519491231002X");
  CHECK(ok.value("CF_XDR_ZJLX") == "身份证");
  CHECK(ok.row.subject_type == SubjectType::natural_person);
  CHECK_FALSE(ok.row.has_uscc);
  person["CF_XDR_ZJHM"] = "110105194912310021";
  CHECK(check(person).error("CF_XDR_ZJHM").find("resident ID") != std::string::npos);
  person["CF_XDR_ZJHM"] = "110105491231002";  // old 15-digit number
  CHECK(check(person).warning("CF_XDR_ZJHM").find("15-digit") != std::string::npos);
  person["CF_XDR_ZJLX"] = "护照号";
  person["CF_XDR_ZJHM"] = "E12345678";
  CHECK(check(person).ok());
  person["CF_XDR_SHXYM"] = "91110000600037341L";
  CHECK(check(person).error("CF_XDR_SHXYM").find("natural person") != std::string::npos);
}

TEST_CASE("a code starting 92 makes the subject an individual business") {
  Checked c = with({{"CF_XDR_SHXYM", "921101060000000194"}});
  REQUIRE(c.ok());
  CHECK(c.row.subject_type == SubjectType::individual_business);
  CHECK(c.warning("CF_XDR_LB").find("92") != std::string::npos);
}

TEST_CASE("dates: three formats, impossible and future dates, order") {
  CHECK(with({{"CF_JDRQ", "2026/3/2"}}).value("CF_JDRQ") == "2026-03-02");
  CHECK(with({{"CF_JDRQ", "20260302"}}).value("CF_JDRQ") == "2026-03-02");
  CHECK(with({{"CF_JDRQ", "2026-02-30"}}).error("CF_JDRQ").find("not a date") != std::string::npos);
  CHECK(
      with({{"CF_JDRQ", "2026-05-07"}, {"CF_YXQ", "2027-01-01"}}).error("CF_JDRQ").find("future") !=
      std::string::npos);
  CHECK(with({{"CF_JDRQ", "2026-05-06"}}).ok());  // today is fine
  CHECK(with({{"CF_YXQ", "2026-03-01"}}).error("CF_YXQ").find("before") != std::string::npos);
  CHECK(with({{"CF_JDRQ", "1900-01-01"}, {"CF_YXQ", "1901-01-01"}}).error("CF_JDRQ") != "");
}

TEST_CASE("amounts in 万元") {
  CHECK(with({{"CF_NR_FK", "020.500"}}).value("CF_NR_FK") == "20.5");
  Checked unit = with({{"CF_NR_FK", "5万元"}});
  CHECK(unit.value("CF_NR_FK") == "5");
  CHECK(unit.warning("CF_NR_FK").find("unit") != std::string::npos);
  CHECK(with({{"CF_NR_FK", "50000元"}}).error("CF_NR_FK").find("万元") != std::string::npos);
  CHECK(with({{"CF_NR_FK", "-1"}}).error("CF_NR_FK") != "");
  CHECK(with({{"CF_NR_FK", "1.1234567"}}).error("CF_NR_FK") != "");
  CHECK(with({{"CF_NR_FK", "五千"}}).error("CF_NR_FK") != "");
}

TEST_CASE("value lists: aliases, several categories, unknown values") {
  CHECK(with({{"CF_XDR_LB", "法人"}}).value("CF_XDR_LB") == "法人及非法人组织");
  CHECK(with({{"CF_CFLB", "罚款；没收违法所得、没收非法财物"}, {"CF_NR_WFFF", "1"}}).ok());
  CHECK(with({{"CF_CFLB", "其他（责令改正）"}, {"CF_NR_FK", ""}}).ok());
  CHECK(with({{"CF_CFLB", "罚款;没收财产"}}).error("CF_CFLB").find("没收财产") !=
        std::string::npos);
  CHECK(with({{"CF_XDR_LB", "外国企业"}}).error("CF_XDR_LB").find("not one of") !=
        std::string::npos);
}

TEST_CASE("noise is cleaned with a warning, not an error") {
  Checked c = with({{"CF_XDR_MC", "  北京华信餐饮管理有限公司　"},
                    {"CF_XDR_SHXYM", "统一社会信用代码：９１１１００００６０００３７３４１Ｌ"},
                    {"CF_NR_FK", "５"}});
  REQUIRE(c.ok());
  CHECK(c.value("CF_XDR_MC") == "北京华信餐饮管理有限公司");
  CHECK(c.value("CF_XDR_SHXYM") == "91110000600037341L");
  CHECK(c.warning("CF_XDR_SHXYM").find("label") != std::string::npos);
  CHECK(c.warning("CF_XDR_MC").find("whitespace") != std::string::npos);
  CHECK(c.value("CF_NR_FK") == "5");
  // Full-width brackets in a name are correct Chinese and stay.
  CHECK(with({{"CF_XDR_MC", "华信（北京）有限公司"}}).value("CF_XDR_MC") == "华信（北京）有限公司");
  CHECK(with({{"CF_XDR_MC", "bad \xFF byte"}}).error("CF_XDR_MC").find("UTF-8") !=
        std::string::npos);
  CHECK(with({{"CF_XDR_MC", std::string(201, 'x')}}).error("CF_XDR_MC").find("longer") !=
        std::string::npos);
}

TEST_CASE("licences and dishonest-list entries") {
  Fields lic = {{"XK_XDR_MC", "北京华信餐饮管理有限公司"},
                {"XK_XDR_LB", "法人及非法人组织"},
                {"XK_XDR_SHXYM", "91110000600037341L"},
                {"XK_FRDB", "王伟"},
                {"XK_XKWS", "食品经营许可决定书"},
                {"XK_WSH", "京市监许〔2026〕7号"},
                {"XK_XKLB", "普通许可"},
                {"XK_NR", "预包装食品销售"},
                {"XK_JDRQ", "2026-01-05"},
                {"XK_YXQZ", "2026-01-05"},
                {"XK_YXQZI", "2099-12-31"},
                {"XK_XKJG", "北京市市场监督管理局"},
                {"XK_XKJGDM", "11110000000013127H"},
                {"XK_ZT", "1"},
                {"XK_LYDW", "北京市市场监督管理局"},
                {"XK_LYDWDM", "11110000000013127H"}};
  Checked l = check(lic, Kind::license);
  REQUIRE(l.ok());
  CHECK(l.value("XK_XKLB") == "普通");
  CHECK(l.value("XK_ZT") == "有效");
  CHECK(l.row.dates.end.iso() == "2099-12-31");
  lic["XK_YXQZI"] = "2025-12-31";
  CHECK(check(lic, Kind::license).error("XK_YXQZI").find("before") != std::string::npos);

  Fields dis = {{"SX_ZTMC", "北京华信餐饮管理有限公司"},
                {"SX_ZTLB", "法人及非法人组织"},
                {"SX_SHXYM", "91110000600037341L"},
                {"SX_FRDB", "王伟"},
                {"SX_MDLB", "严重违法失信名单"},
                {"SX_WSH", "京市监列严〔2026〕3号"},
                {"SX_SY", "提交虚假材料取得许可"},
                {"SX_YJ", "《市场监督管理严重违法失信名单管理办法》第九条"},
                {"SX_CJCS", "限制参加政府采购"},
                {"SX_YCTJ", "列入满三年可申请移出"},
                {"SX_JJCS", "可在六十日内申请行政复议"},
                {"SX_LRRQ", "2026-02-01"},
                {"SX_LRJG", "北京市市场监督管理局"},
                {"SX_LRJGDM", "11110000000013127H"},
                {"SX_SJLY", "北京市市场监督管理局"},
                {"SX_SJLYDM", "11110000000013127H"}};
  Checked d = check(dis, Kind::dishonest);
  REQUIRE(d.ok());
  CHECK(d.row.severity.severity == Severity::severe);
  CHECK(d.row.dates.end.iso() == "2029-02-01");  // no end date: the policy's no_end period
  CHECK(d.row.dates.end_rule == "national-2026/periods.dishonest.no_end");
  dis["SX_JZRQ"] = "2027-01-31";
  CHECK(check(dis, Kind::dishonest).row.dates.end.iso() == "2027-01-31");
  // Gansu (八): the listing decision states the remedies (救济措施); without them it is rejected.
  dis.erase("SX_JJCS");
  Checked no_remedy = check(dis, Kind::dishonest);
  CHECK_FALSE(no_remedy.ok());
  CHECK(no_remedy.error("SX_JJCS").find("（八）") != std::string::npos);
}

TEST_CASE("natural persons: a birth date in the future, a minor at the decision date") {
  REQUIRE(check(person_row("110105195001010039")).ok());
  CHECK(check(person_row("110105195001010039")).row.lenient_rule.empty());
  // Born 2027-01-01: the check character is right, the date is not.
  Checked future = check(person_row("110105202701010016"));
  CHECK_FALSE(future.ok());
  CHECK(future.error("CF_XDR_ZJHM").find("2027-01-01 is in the future") != std::string::npos);
  // Born 2010-05-01, decided 2026-03-02: 15, flagged for lenient handling (Gansu (十六)).
  Checked minor = check(person_row("110105201005010018"));
  REQUIRE(minor.ok());
  CHECK(minor.row.lenient_rule == "national-2026/lenient.under_age");
  CHECK(minor.warning("CF_XDR_ZJHM").find("under 18") != std::string::npos);
  CHECK(minor.warning("CF_XDR_ZJHM").find("（十六）") != std::string::npos);
  std::string derivation;
  append_derivation(minor.row, derivation);
  CHECK(Json::parse(derivation)["lenient"] == "national-2026/lenient.under_age");
  // Born 2008-01-02: 18 on 2026-01-02, an adult on 2026-03-02.
  CHECK(check(person_row("11010520080102001X")).row.lenient_rule.empty());
}

TEST_CASE("公示截止期 shorter than the minimum period: corrected or rejected, never silent") {
  // national-2026 corrects it to the end of the minimum period (3 months), with a warning.
  Checked short_end = with({{"CF_GSJZQ", "2026-04-30"}});
  REQUIRE(short_end.ok());
  CHECK(short_end.row.dates.end.iso() == "2026-06-02");
  CHECK(short_end.row.dates.end_rule == "national-2026/periods.explicit_end.below_minimum");
  CHECK(short_end.warning("CF_GSJZQ").find("corrected to 2026-06-02") != std::string::npos);
  // national-2019 and dandong-2019 reject it, naming the rule.
  for (const char* id : {"national-2019", "dandong-2019"}) {
    CAPTURE(id);
    const PolicyProfile p =
        parse_policy(read_text_file(share_path(std::string("policy/") + id + ".json")));
    Fields f = penalty_row();
    f["CF_GSJZQ"] = "2026-04-30";
    Checked c = check(f, Kind::penalty, p);
    CHECK_FALSE(c.ok());
    CHECK(c.error("CF_GSJZQ").find(std::string(id) + "/periods.explicit_end.below_minimum") !=
          std::string::npos);
    f["CF_GSJZQ"] = "2026-12-31";  // after the minimum: used
    c = check(f, Kind::penalty, p);
    CHECK(c.ok());
  }
}
