#include "io/sample_data.hpp"

#include <fmt/format.h>

#include <array>
#include <stdexcept>

#include "domain/identifiers.hpp"
#include "io/csv_writer.hpp"
#include "io/kind_files.hpp"
#include "util/json_text.hpp"

namespace credit::io {

namespace {

using domain::Date;
using domain::Kind;
using domain::Role;

constexpr std::array kSurnames = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                  "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高", "罗",
                                  "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "欧阳"};
constexpr std::array kGiven = {"伟",   "芳", "娜",   "秀英", "敏",   "静", "丽",   "强",
                               "磊",   "军", "洋",   "勇",   "艳",   "杰", "娟",   "涛",
                               "明",   "超", "秀兰", "霞",   "平",   "刚", "桂英", "建华",
                               "晓东", "华", "红",   "玉兰", "志强", "文"};
constexpr std::array kBrands = {"华信", "鼎盛", "恒通", "瑞丰", "金鹏", "宏远", "新锐",
                                "博雅", "天成", "万和", "永安", "嘉禾", "盛世", "东方",
                                "金桥", "德润", "合众", "安泰", "锦程", "汇通"};
constexpr std::array kTrades = {"餐饮管理", "食品销售", "建筑工程", "科技发展", "商贸",
                                "物流",     "医药连锁", "汽车销售", "装饰工程", "环保科技",
                                "教育咨询", "文化传媒", "化工",     "服装",     "家具制造"};
constexpr std::array kShops = {"小吃店", "便利店", "五金店", "水果店", "理发店", "烟酒店"};
constexpr std::array kDistricts = {"朝阳区", "海淀区", "丰台区", "东城区",
                                   "西城区", "通州区", "昌平区", "大兴区"};
constexpr std::array kDistrictAbbr = {"朝", "海", "丰", "东", "西", "通", "昌", "大"};

struct Violation {
  const char* type;
  const char* basis;
  const char* detail;
};
constexpr std::array<Violation, 10> kViolations = {{
    {"未按规定公示年度报告", "《企业信息公示暂行条例》第十八条",
     "当事人未在规定期限内通过国家企业信用信息公示系统报送上一年度年度报告"},
    {"经营超过保质期的食品", "《中华人民共和国食品安全法》第一百二十四条第一款第（五）项",
     "货架上陈列销售的多批次预包装食品已超过标签标示的保质期"},
    {"未取得食品经营许可从事食品经营活动", "《中华人民共和国食品安全法》第一百二十二条第一款",
     "当事人在未取得食品经营许可证的情况下从事餐饮服务经营活动"},
    {"发布虚假广告", "《中华人民共和国广告法》第五十五条第一款",
     "当事人在其网店页面宣传产品具有治疗功效，无法提供相关证明材料"},
    {"销售不合格产品", "《中华人民共和国产品质量法》第四十九条",
     "经抽样检验，当事人销售的电线电缆导体电阻项目不符合国家标准"},
    {"未依法履行安全生产管理职责", "《中华人民共和国安全生产法》第九十四条",
     "当事人未建立安全生产教育和培训档案，未如实记录教育培训情况"},
    {"违法排放大气污染物", "《中华人民共和国大气污染防治法》第九十九条",
     "在线监测数据显示当事人颗粒物排放浓度超过国家规定的排放标准"},
    {"价格欺诈", "《中华人民共和国价格法》第四十条",
     "当事人在促销活动中虚构原价，标示的原价在促销前七日内未曾成交"},
    {"无照经营", "《无证无照经营查处办法》第十三条",
     "当事人未依法取得营业执照，擅自从事日用百货零售经营活动"},
    {"未按规定建立进货查验记录制度", "《中华人民共和国食品安全法》第一百二十六条第一款第（三）项",
     "当事人无法提供所售食品的进货查验记录及供货者的许可证和合格证明文件"},
}};

// 处罚类别 mix, weights out of 100; with national-2026 these classify as commented.
enum class Sanction {
  warning,
  small_fine,
  fine,
  fine_confiscation,
  huge_fine,
  revoke,
  suspend,
  criticism
};
constexpr std::array<std::pair<Sanction, int>, 8> kSanctionMix = {{
    {Sanction::warning, 15},            // minor: warning only
    {Sanction::small_fine, 15},         // minor: small fine
    {Sanction::fine, 30},               // general
    {Sanction::fine_confiscation, 18},  // general
    {Sanction::huge_fine, 5},           // severe: huge fine
    {Sanction::revoke, 7},              // severe: licence revoked
    {Sanction::suspend, 5},             // severe: production suspended
    {Sanction::criticism, 5},           // minor: 通报批评
}};

// splitmix64: a small, well-mixed deterministic generator.
uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

class RowMaker {
 public:
  RowMaker(const SampleOptions& o, const domain::KindSpec& spec) : o_(o), spec_(spec) {
    values_.resize(spec.fields.size());
  }

  const std::vector<std::string>& make(uint64_t i) {
    for (auto& v : values_)
      v.clear();
    row_ = i;
    salt_ = 0;
    subject(i);
    authority_and_dept();
    switch (o_.kind) {
      case Kind::penalty:
        penalty();
        break;
      case Kind::license:
        license();
        break;
      case Kind::dishonest:
        dishonest();
        break;
      case Kind::red:
        red();
        break;
    }
    const bool invalid = spread(i, o_.invalid, 0);
    if (invalid) break_row(invalid_index_++);
    if (spread(i, o_.noise, 7)) ++noise_due_;
    if (noise_due_ > 0 && !invalid) {  // noise on a valid row, so that it shows as a warning
      add_noise(noise_index_++);
      --noise_due_;
    }
    last_document_ = get(Role::document_number);
    last_authority_ = get(Role::authority);
    last_authority_uscc_ = get(Role::authority_uscc);
    return values_;
  }

 private:
  uint64_t rand(uint64_t bound) {
    return mix(o_.seed * 0x100000001B3ULL + row_ * 131 + ++salt_) % bound;
  }
  template <class A>
  auto pick(const A& a) {
    return a[rand(a.size())];
  }
  // Spreads `count` rows evenly over the file; `offset` decorrelates two spreads.
  bool spread(uint64_t i, uint64_t count, uint64_t offset) const {
    if (count == 0) return false;
    uint64_t j = (i + offset) % o_.rows;
    return (j + 1) * count / o_.rows > j * count / o_.rows;
  }
  void set(Role role, std::string value) {
    int f = spec_.field(role);
    if (f >= 0) values_[static_cast<size_t>(f)] = std::move(value);
  }
  void set(const char* code, std::string value) {
    int f = spec_.field_by_code(code);
    if (f >= 0) values_[static_cast<size_t>(f)] = std::move(value);
  }
  std::string get(Role role) const {
    int f = spec_.field(role);
    return f >= 0 ? values_[static_cast<size_t>(f)] : std::string();
  }
  std::string person() { return std::string(pick(kSurnames)) + pick(kGiven); }
  uint64_t serial() const { return o_.seed * 100'000'000ULL + row_; }
  // The subject's number: the row's, or the row's scattered over 10^8 by a multiplication that
  // is a bijection there (the factor is prime to 10^8), so codes come in no order and each
  // subject still has one name.
  uint64_t subject_serial() const {
    if (!o_.shuffle) return serial();
    return o_.seed * 100'000'000ULL + (row_ * 2'654'435'761ULL) % 100'000'000ULL;
  }
  // The document's number: the row's, or the next of its authority's own sequence.
  uint64_t document_serial() {
    if (o_.authorities == 0) return serial();
    return ++documents_by_authority_[authority_];
  }

  void subject(uint64_t i) {
    uint64_t r = rand(100);
    district_ = rand(kDistricts.size());
    bool force_person = o_.invalid && spread(i, o_.invalid, 0) && invalid_index_ % 8 == 4;
    if (r < 12 || force_person) {
      natural_ = true;
      name_ = person();
      set(Role::subject_name, name_);
      set(Role::subject_type, "自然人");
      set(Role::id_type, "身份证");
      set(Role::id_number, domain::make_resident_id(mix(subject_serial()) % 200'000'000));
      return;
    }
    natural_ = false;
    const bool individual = r < 20;
    name_ = individual ? fmt::format("北京市{}{}记{}", kDistricts[district_], pick(kSurnames),
                                     pick(kShops))
                       : fmt::format("北京{}{}有限公司", pick(kBrands), pick(kTrades));
    set(Role::subject_name, name_);
    set(Role::subject_type, individual ? "个体工商户" : "法人及非法人组织");
    set(Role::uscc, domain::make_uscc(subject_serial(), individual ? "92" : "91"));
    set(Role::legal_rep, person());
  }

  void authority_and_dept() {
    // The department itself or one of its district bureaus decides; the department reports.
    if (o_.authorities > 0)  // index kDistricts.size() is the department itself
      authority_ = (kDistricts.size() + rand(o_.authorities)) % (kDistricts.size() + 1);
    else
      authority_ = rand(4) == 0 ? kDistricts.size() : district_;
    if (authority_ == kDistricts.size()) {
      set(Role::authority, o_.dept_name);
      set(Role::authority_uscc, o_.dept);
    } else {
      set(Role::authority, fmt::format("北京市{}市场监督管理局", kDistricts[authority_]));
      set(Role::authority_uscc, domain::make_uscc(500 + authority_, "11"));
    }
    set(Role::source_dept, o_.dept_name);
    set(Role::source_dept_uscc, o_.dept);
    int span = o_.decided_to.days() - o_.decided_from.days() + 1;
    decided_ = o_.decided_from.add_days(static_cast<int>(rand(static_cast<uint64_t>(span))));
    set(Role::decided_on, decided_.iso());
  }

  std::string abbr() const {
    return authority_ == kDistricts.size() ? "京" : std::string("京") + kDistrictAbbr[authority_];
  }

  Sanction sanction() {
    int r = static_cast<int>(rand(100));
    for (auto [s, w] : kSanctionMix) {
      if (r < w) return s;
      r -= w;
    }
    return Sanction::fine;
  }

  void penalty() {
    const Violation& v = pick(kViolations);
    set(Role::document_number,
        fmt::format("{}市监罚〔{}〕{}号", abbr(), decided_.year(), document_serial()));
    set(Role::violation_type, v.type);
    set(Role::facts, fmt::format("经查，当事人于{}年{}月在北京市{}经营期间，{}。", decided_.year(),
                                 decided_.month(), kDistricts[district_], v.detail));
    set(Role::basis, v.basis);
    penalty_sanction();
    set("CF_YXQ", rand(3) == 0 ? "2099-12-31" : decided_.add_years(1).iso());
  }

  void penalty_sanction() {
    auto yuan = [](double wan) { return fmt::format("{:.0f}", wan * 10000); };
    auto wan = [](double w) { return fmt::format("{:g}", w); };
    double fine = 0;
    switch (sanction()) {
      case Sanction::warning:
        return category("警告", "给予警告");
      case Sanction::criticism:
        return category("通报批评", "给予通报批评");
      case Sanction::small_fine:
        fine = natural_ ? 0.01 + 0.01 * static_cast<double>(rand(2))
                        : 0.05 + 0.05 * static_cast<double>(rand(5));
        break;
      case Sanction::fine:
        fine = 0.5 + static_cast<double>(rand(40)) / 2;
        break;
      case Sanction::fine_confiscation: {
        fine = 1 + static_cast<double>(rand(50));
        double gains = 0.5 + static_cast<double>(rand(40)) / 2;
        set(Role::fine, wan(fine));
        set(Role::confiscation, wan(gains));
        return category("罚款；没收违法所得", fmt::format("罚款人民币{}元，没收违法所得人民币{}元",
                                                          yuan(fine), yuan(gains)));
      }
      case Sanction::huge_fine:
        fine = natural_ ? 10 + static_cast<double>(rand(20)) : 100 + static_cast<double>(rand(400));
        break;
      case Sanction::revoke:
        set("CF_NR_ZKDX",
            fmt::format("食品经营许可证（JY1110{}{:08}）", district_, serial() % 100000000));
        return category("吊销许可证件", "吊销食品经营许可证");
      case Sanction::suspend:
        fine = 5 + static_cast<double>(rand(20));
        set(Role::fine, wan(fine));
        return category("责令停产停业；罚款",
                        fmt::format("责令停产停业整顿三个月，并处罚款人民币{}元", yuan(fine)));
    }
    set(Role::fine, wan(fine));
    category("罚款", fmt::format("罚款人民币{}元", yuan(fine)));
  }

  void category(const char* cat, std::string content) {
    set(Role::category, cat);
    set(Role::content, std::move(content));
  }

  void license() {
    set(Role::document_number,
        fmt::format("{}市监许〔{}〕{}号", abbr(), decided_.year(), document_serial()));
    set("XK_XKWS", "食品经营许可决定书");
    set(Role::category, rand(5) == 0 ? "登记" : "普通");
    set("XK_XKZS", "食品经营许可证");
    set("XK_XKBH", fmt::format("JY1110{}{:08}", district_, serial() % 100000000));
    set(Role::content,
        "预包装食品（含冷藏冷冻食品）销售；散装食品（含冷藏冷冻食品）销售；热食类食品制售");
    set("XK_YXQZ", decided_.iso());
    set(Role::valid_until, rand(4) == 0 ? "2099-12-31" : decided_.add_years(5).add_days(-1).iso());
    set("XK_ZT", "有效");
  }

  void dishonest() {
    constexpr std::array kLists = {"严重违法失信名单", "重大税收违法失信主体",
                                   "拖欠农民工工资失信联合惩戒对象名单"};
    const Violation& v = pick(kViolations);
    set(Role::category, pick(kLists));
    set(Role::document_number,
        fmt::format("{}市监列严〔{}〕{}号", abbr(), decided_.year(), document_serial()));
    set(Role::facts,
        fmt::format("当事人{}因{}受到较重行政处罚，{}，情节严重。", name_, v.type, v.detail));
    set(Role::basis, "《市场监督管理严重违法失信名单管理办法》第二条、第九条");
    set(Role::content,
        "依法限制参加政府采购、工程招投标，限制获得荣誉称号，在日常监管中列为重点监管对象，提高检查"
        "频次");
    set("SX_YCTJ", "列入名单满三年且未再受到市场监督管理部门较重行政处罚的，可申请提前移出");
    set("SX_JJCS", "可自收到决定书之日起六十日内申请行政复议，或者六个月内依法提起行政诉讼");
    set(Role::valid_until, decided_.add_years(3).add_days(-1).iso());
  }

  void red() {
    set(Role::category, rand(2) == 0 ? "守信激励名单" : "诚信典型");
    set(Role::document_number,
        fmt::format("{}市监守信〔{}〕{}号", abbr(), decided_.year(), document_serial()));
    set(Role::basis,
        "《关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》");
    set(Role::content, "行政审批“绿色通道”，容缺受理；日常监管中适当降低抽查比例和频次");
    set(Role::valid_until, decided_.add_years(2).add_days(-1).iso());
  }

  // One problem per invalid row, in the order of kSampleProblems.
  void break_row(uint64_t k) {
    switch (k % 8) {
      case 0: {
        std::string code = natural_ ? get(Role::authority_uscc) : get(Role::uscc);
        code.back() = code.back() == '0' ? '1' : '0';
        set(natural_ ? Role::authority_uscc : Role::uscc, code);
        break;
      }
      case 1:
        set(Role::decided_on, "2090-06-01");
        set("CF_YXQ", "2099-12-31");
        set(Role::valid_until, "2099-12-31");
        set("XK_YXQZ", "2090-06-01");
        break;
      case 2:
        set(Role::subject_name, "");
        break;
      case 3:
        set(Role::decided_on, "2025-13-45");
        break;
      case 4: {
        std::string id = get(Role::id_number);
        if (!id.empty()) id.back() = id.back() == '0' ? '1' : '0';
        set(Role::id_number, id);
        break;
      }
      case 5:
        if (spec_.field(Role::fine) >= 0) {
          set(Role::category, "罚款");
          set(Role::fine, "五千元整");
        } else {
          set(Role::decided_on, "2025/02/30");
        }
        break;
      case 6:
        if (spec_.field(Role::category) >= 0 && spec_.fields[spec_.field(Role::category)].values)
          set(Role::category, "没收财产");
        else
          set(Role::subject_type, "外国企业");
        break;
      case 7:  // the previous row's natural key
        if (last_document_.empty()) break;
        set(Role::document_number, last_document_);
        set(Role::authority, last_authority_);
        set(Role::authority_uscc, last_authority_uscc_);
        break;
    }
  }

  void add_noise(uint64_t k) {
    switch (k % 3) {
      case 0:
        set(Role::subject_name, "  " + get(Role::subject_name) + " ");
        break;
      case 1: {  // full-width digits in the department code
        std::string wide;
        for (char c : get(Role::source_dept_uscc)) {
          if (c >= '0' && c <= '9')
            wide += std::string("０１２３４５６７８９").substr(static_cast<size_t>(c - '0') * 3, 3);
          else
            wide += c;
        }
        set(Role::source_dept_uscc, wide);
        break;
      }
      case 2:
        set(Role::authority_uscc, "统一社会信用代码：" + get(Role::authority_uscc));
        break;
    }
  }

  const SampleOptions& o_;
  const domain::KindSpec& spec_;
  std::vector<std::string> values_;
  uint64_t row_ = 0, salt_ = 0, district_ = 0, authority_ = 0;
  std::array<uint64_t, kDistricts.size() + 1> documents_by_authority_{};
  uint64_t invalid_index_ = 0, noise_index_ = 0, noise_due_ = 0;
  bool natural_ = false;
  std::string name_, last_document_, last_authority_, last_authority_uscc_;
  Date decided_;
};

class Output {
 public:
  Output(const SampleOptions& o, const std::function<void(std::string_view)>& sink)
      : o_(o), sink_(sink) {}
  std::string& buffer() { return buffer_; }
  void maybe_flush() {
    if (buffer_.size() >= (1 << 20)) flush();
  }
  void flush() {
    if (buffer_.empty()) return;
    sink_(o_.encoding == Encoding::utf8 ? buffer_ : encode_utf8_as(buffer_, o_.encoding));
    buffer_.clear();
  }

 private:
  const SampleOptions& o_;
  const std::function<void(std::string_view)>& sink_;
  std::string buffer_;
};

void append_object(const domain::KindSpec& spec, const std::vector<std::string>& values,
                   std::string& out) {
  out += '{';
  bool first = true;
  for (size_t f = 0; f < values.size(); ++f) {
    if (values[f].empty()) continue;
    if (!first) out += ", ";
    first = false;
    append_json_string(out, spec.fields[f].code);
    out += ": ";
    append_json_string(out, values[f]);
  }
  out += '}';
}

}  // namespace

void write_sample(const SampleOptions& o, const std::function<void(std::string_view)>& sink) {
  if (o.decided_to < o.decided_from) throw std::invalid_argument("the date range is empty");
  if (o.invalid > o.rows || o.noise > o.rows)
    throw std::invalid_argument("more invalid or noisy rows than rows");
  if (o.authorities > kMaxSampleAuthorities)
    throw std::invalid_argument(fmt::format(
        "at most {} authorities (the department and its districts)", kMaxSampleAuthorities));
  const domain::KindSpec& spec = shipped_kind_spec(o.kind);
  RowMaker maker(o, spec);
  Output out(o, sink);
  std::string& buf = out.buffer();
  if (o.format == InputFormat::csv) {
    std::vector<std::string> header;
    for (const auto& f : spec.fields)
      header.push_back(o.code_headers ? f.code : f.name);
    buf += csv_record(header);
  } else if (o.format == InputFormat::json) {
    buf += "[\n";
  }
  for (uint64_t i = 0; i < o.rows; ++i) {
    const auto& values = maker.make(i);
    switch (o.format) {
      case InputFormat::csv:
        buf += csv_record(values);
        break;
      case InputFormat::ndjson:
        append_object(spec, values, buf);
        buf += '\n';
        break;
      case InputFormat::json:
        buf += "  ";
        append_object(spec, values, buf);
        buf += i + 1 < o.rows ? ",\n" : "\n";
        break;
      case InputFormat::xlsx:
      case InputFormat::xls:
        throw std::invalid_argument("samples are text: csv, ndjson or json");
    }
    out.maybe_flush();
  }
  if (o.format == InputFormat::json) buf += "]\n";
  out.flush();
}

std::string sample_text(const SampleOptions& options) {
  std::string out;
  write_sample(options, [&](std::string_view chunk) { out += chunk; });
  return out;
}

}  // namespace credit::io
