#include "domain/policy.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "domain/text_clean.hpp"

namespace credit::domain {

using nlohmann::json;

// ---- names -------------------------------------------------------------------

std::string_view to_string(Kind k) {
  switch (k) {
    case Kind::license:
      return "license";
    case Kind::penalty:
      return "penalty";
    case Kind::dishonest:
      return "dishonest";
    case Kind::red:
      return "red";
  }
  return "?";
}

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::minor:
      return "minor";
    case Severity::general:
      return "general";
    case Severity::severe:
      return "severe";
  }
  return "?";
}

std::string_view to_chinese(Severity s) {
  switch (s) {
    case Severity::minor:
      return "轻微";
    case Severity::general:
      return "一般";
    case Severity::severe:
      return "严重";
  }
  return "?";
}

namespace {

std::string_view trim_ascii(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

namespace {
constexpr std::array<std::string_view, kPersonalDataKinds> kPersonalDataNames = {
    "id_number", "phone", "email", "bank_card", "address", "health", "religion", "name"};
constexpr std::array<std::string_view, kPersonalDataKinds> kPersonalDataChinese = {
    "身份证件号码", "电话号码", "电子邮箱", "银行卡号",
    "详细地址",     "健康状况", "宗教信仰", "自然人姓名"};
}  // namespace

std::string_view to_string(PersonalData d) {
  return kPersonalDataNames[static_cast<size_t>(d)];
}
std::string_view to_chinese(PersonalData d) {
  return kPersonalDataChinese[static_cast<size_t>(d)];
}
std::optional<PersonalData> parse_personal_data(std::string_view s) {
  for (size_t i = 0; i < kPersonalDataKinds; ++i)
    if (kPersonalDataNames[i] == s) return static_cast<PersonalData>(i);
  return std::nullopt;
}

std::optional<Kind> parse_kind(std::string_view s) {
  s = trim_ascii(s);
  if (s == "license" || s == "licence" || s == "行政许可") return Kind::license;
  if (s == "penalty" || s == "行政处罚") return Kind::penalty;
  if (s == "dishonest" || s == "失信" || s == "严重失信主体名单") return Kind::dishonest;
  if (s == "red" || s == "守信激励名单" || s == "诚信典型" || s == "红名单") return Kind::red;
  return std::nullopt;
}

std::optional<Severity> parse_severity(std::string_view s) {
  s = trim_ascii(s);
  if (s == "minor" || s == "轻微" || s == "轻微失信") return Severity::minor;
  if (s == "general" || s == "一般" || s == "一般失信") return Severity::general;
  if (s == "severe" || s == "严重" || s == "严重失信") return Severity::severe;
  return std::nullopt;
}

// ---- parsing -----------------------------------------------------------------

namespace {

// A JSON value with its path, so every validation error names where it is.
class Node {
 public:
  Node(const json& j, std::string path) : j_(&j), path_(std::move(path)) {}

  [[noreturn]] void fail(std::string_view what) const {
    throw PolicyError(fmt::format("policy {}: {}", path_.empty() ? "(top level)" : path_, what));
  }
  const std::string& path() const { return path_; }
  const json& raw() const { return *j_; }

  Node at(std::string_view key) const {
    auto n = opt(key);
    if (!n) Node(*j_, sub(key)).fail("missing");
    return *n;
  }
  std::optional<Node> opt(std::string_view key) const {
    if (!j_->is_object()) fail("expected an object");
    const auto it = j_->find(key);
    if (it == j_->end()) return std::nullopt;
    return Node(*it, sub(key));
  }
  std::vector<Node> items() const {
    if (!j_->is_array()) fail("expected an array");
    std::vector<Node> out;
    for (size_t i = 0; i < j_->size(); ++i)
      out.emplace_back((*j_)[i], fmt::format("{}[{}]", path_, i));
    return out;
  }
  void allow_keys(std::initializer_list<std::string_view> keys) const {
    if (!j_->is_object()) fail("expected an object");
    for (const auto& [k, v] : j_->items()) {
      if (k.starts_with("_")) continue;  // comments
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) Node(v, sub(k)).fail("unknown key");
    }
  }
  std::string str() const {
    if (!j_->is_string() || j_->get_ref<const std::string&>().empty())
      fail("expected a non-empty string");
    return j_->get<std::string>();
  }
  int integer(int lo, int hi) const {
    if (!j_->is_number_integer()) fail("expected an integer");
    const auto v = j_->get<int64_t>();
    if (v < lo || v > hi) fail(fmt::format("{} is out of range ({}–{})", v, lo, hi));
    return static_cast<int>(v);
  }
  double number() const {
    if (!j_->is_number()) fail("expected a number");
    const double v = j_->get<double>();
    if (!std::isfinite(v) || v < 0) fail("expected a non-negative number");
    return v;
  }
  bool boolean() const {
    if (!j_->is_boolean()) fail("expected true or false");
    return j_->get<bool>();
  }
  Date date() const {
    const auto d =
        j_->is_string() ? Date::parse_iso(j_->get_ref<const std::string&>()) : std::nullopt;
    if (!d) fail("expected a date \"YYYY-MM-DD\"");
    return *d;
  }
  std::vector<std::string> strings() const {
    std::vector<std::string> out;
    for (const auto& n : items())
      out.push_back(n.str());
    if (out.empty()) fail("expected a non-empty array of strings");
    return out;
  }
  Severity severity() const {
    const auto s = parse_severity(str());
    if (!s) fail("expected \"minor\", \"general\" or \"severe\"");
    return *s;
  }

 private:
  std::string sub(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  const json* j_;
  std::string path_;
};

bool valid_slug(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

// Reads the profile; the id prefix makes every rule id globally unique.
class ProfileReader {
 public:
  explicit ProfileReader(std::string profile_id) : id_(std::move(profile_id)) {}

  // {cite} (plus whatever keys the caller reads) → rule id from the path or `name`.
  RuleRef rule(const Node& n, const std::string& name) {
    RuleRef r{id_ + "/" + name, n.at("cite").str()};
    if (!seen_.insert(r.id).second) n.fail(fmt::format("rule id {} is defined twice", r.id));
    return r;
  }
  RuleRef plain(const Node& n) {
    n.allow_keys({"cite"});
    return rule(n, n.path());
  }
  MonthsRule months(const Node& n) {
    n.allow_keys({"months", "cite"});
    return {n.at("months").integer(0, 1200), rule(n, n.path())};
  }
  DaysRule days(const Node& n, int hi) {
    n.allow_keys({"days", "cite"});
    return {n.at("days").integer(1, hi), rule(n, n.path())};
  }
  WorkingDaysRule working_days(const Node& n) {
    n.allow_keys({"working_days", "cite"});
    return {n.at("working_days").integer(0, 365), rule(n, n.path())};
  }
  FixedSeverity fixed(const Node& n) {
    n.allow_keys({"severity", "cite"});
    return {n.at("severity").severity(), rule(n, n.path())};
  }
  std::string item_id(const Node& n, std::set<std::string>& ids) {
    std::string id = n.at("id").str();
    if (!valid_slug(id)) n.at("id").fail("ids use a-z, 0-9, '-' and '_' only");
    if (!ids.insert(id).second) n.at("id").fail(fmt::format("id \"{}\" is used twice", id));
    return id;
  }

  void severity(const Node& n, PolicyProfile& p);
  void periods(const Node& n, PolicyProfile& p);
  void red_list(const Node& n, PolicyProfile& p);
  void repair(const Node& n, PolicyProfile& p);
  void behaviours(const Node& n, PolicyProfile& p);
  void non_repairable(const Node& n, PolicyProfile& p);
  void masking(const Node& n, PolicyProfile& p);
  void privacy(const Node& n, PolicyProfile& p);
  void consent(const Node& n, PolicyProfile& p);
  void allow_list(const Node& n, PolicyProfile& p);

 private:
  std::string id_;
  std::set<std::string> seen_;
};

template <typename T, typename F>
std::vector<T> parse_list(const Node& n, F parse_one) {
  std::vector<T> out;
  for (const auto& item : n.items()) {
    const auto v = parse_one(item.str());
    if (!v) item.fail("unknown value");
    out.push_back(*v);
  }
  if (out.empty()) n.fail("expected a non-empty array");
  return out;
}

void ProfileReader::severity(const Node& n, PolicyProfile& p) {
  n.allow_keys({"explicit", "license", "dishonest", "rules", "default"});
  p.severity_explicit = plain(n.at("explicit"));
  p.severity_license = fixed(n.at("license"));
  p.severity_dishonest = fixed(n.at("dishonest"));
  std::set<std::string> ids;
  for (const auto& r : n.at("rules").items()) {
    r.allow_keys({"id", "severity", "cite", "keywords_any", "categories_only", "violation_any",
                  "fine_at_least", "fine_at_most", "confiscation_at_least", "natural_person"});
    SeverityRule s;
    s.rule = rule(r, "severity.rules." + item_id(r, ids));
    s.severity = r.at("severity").severity();
    if (auto k = r.opt("keywords_any")) s.keywords_any = k->strings();
    if (auto k = r.opt("categories_only")) s.categories_only = k->strings();
    if (auto k = r.opt("violation_any")) s.violation_any = k->strings();
    if (auto k = r.opt("fine_at_least")) s.fine_at_least = k->number();
    if (auto k = r.opt("fine_at_most")) s.fine_at_most = k->number();
    if (auto k = r.opt("confiscation_at_least")) s.confiscation_at_least = k->number();
    if (auto k = r.opt("natural_person")) s.natural_person = k->boolean();
    const bool any = !s.keywords_any.empty() || !s.categories_only.empty() ||
                     !s.violation_any.empty() || s.fine_at_least || s.fine_at_most ||
                     s.confiscation_at_least;
    if (!any) r.fail("a rule needs at least one condition besides natural_person");
    p.severity_rules.push_back(std::move(s));
  }
  p.severity_default = fixed(n.at("default"));
}

void ProfileReader::red_list(const Node& n, PolicyProfile& p) {
  n.allow_keys({"severity", "end", "no_end", "refused_by", "ended_by"});
  RedListRules r;
  r.severity = fixed(n.at("severity"));
  r.end = plain(n.at("end"));
  r.no_end = months(n.at("no_end"));
  r.refused_by = plain(n.at("refused_by"));
  if (auto e = n.opt("ended_by")) {
    e->allow_keys({"events", "cite"});
    for (const auto& ev : e->at("events").items()) {
      const std::string name = ev.str();
      if (name == "severe_penalty")
        r.ended_by_severe_penalty = true;
      else if (name == "dishonest")
        r.ended_by_dishonest = true;
      else
        ev.fail("expected \"severe_penalty\" or \"dishonest\"");
    }
    r.ended_by = rule(*e, e->path());
  }
  p.red_list = std::move(r);
}

void ProfileReader::periods(const Node& n, PolicyProfile& p) {
  n.allow_keys({"start", "min_start", "explicit_end", "penalty", "license", "dishonest"});
  p.period_start = plain(n.at("start"));
  if (auto m = n.opt("min_start")) {
    m->allow_keys({"from", "cite"});
    const std::string from = m->at("from").str();
    if (from != "decision" && from != "first_publication")
      m->at("from").fail("expected \"decision\" or \"first_publication\"");
    const RuleRef r = rule(*m, m->path());
    if (from == "first_publication") p.min_from_publication = r;
  }
  const Node end = n.at("explicit_end");
  end.allow_keys({"cite", "below_minimum"});
  p.explicit_end = rule(end, end.path());
  // Required: a 公示截止期 shorter than the minimum period is never taken silently.
  const Node below = end.at("below_minimum");
  below.allow_keys({"action", "cite"});
  const std::string action = below.at("action").str();
  if (action != "reject" && action != "correct")
    below.at("action").fail("expected \"reject\" or \"correct\"");
  p.explicit_end_below_min = BelowMinimumRule{action == "reject", rule(below, below.path())};
  const Node pen = n.at("penalty");
  pen.allow_keys({"minor", "general", "severe"});
  for (Severity s : {Severity::minor, Severity::general, Severity::severe}) {
    const Node sn = pen.at(to_string(s));
    sn.allow_keys({"publish", "min", "max"});
    auto& pp = p.penalty[static_cast<size_t>(s)];
    const Node pub = sn.at("publish");
    pub.allow_keys({"value", "cite"});
    pp.publish = {pub.at("value").boolean(), rule(pub, pub.path())};
    pp.min = months(sn.at("min"));
    pp.max = months(sn.at("max"));
    if (pp.min.months > pp.max.months) sn.fail("min is longer than max");
  }
  const Node lic = n.at("license");
  lic.allow_keys({"end", "indefinite", "no_end"});
  p.license.end = plain(lic.at("end"));
  p.license.indefinite = lic.at("indefinite").date();
  p.license.no_end = months(lic.at("no_end"));
  const Node dis = n.at("dishonest");
  dis.allow_keys({"end", "min", "no_end"});
  p.dishonest.end = plain(dis.at("end"));
  if (auto m = dis.opt("min")) p.dishonest.min = months(*m);
  p.dishonest.no_end = months(dis.at("no_end"));
}

const std::set<std::string>& subject_types() {
  static const std::set<std::string> types = {"legal_person", "natural_person",
                                              "individual_business"};
  return types;
}

void ProfileReader::behaviours(const Node& n, PolicyProfile& p) {
  std::set<std::string> ids;
  for (const auto& b : n.items()) {
    b.allow_keys({"id", "title", "names", "laws", "cite"});
    Behaviour beh;
    beh.id = item_id(b, ids);
    beh.rule = rule(b, "repair.behaviours." + beh.id);
    beh.title = b.at("title").str();
    beh.names = b.at("names").strings();
    if (auto laws = b.opt("laws")) {
      for (const auto& l : laws->items()) {
        l.allow_keys({"law", "articles"});
        LawRef ref{l.at("law").str(), {}};
        if (auto a = l.opt("articles")) ref.articles = a->strings();
        beh.laws.push_back(std::move(ref));
      }
    }
    p.repair.behaviours.push_back(std::move(beh));
  }
}

void ProfileReader::non_repairable(const Node& n, PolicyProfile& p) {
  std::set<std::string> ids;
  for (const auto& c : n.items()) {
    c.allow_keys({"id", "title", "kinds", "severities", "behaviours", "column_values",
                  "keywords_any", "cite"});
    NonRepairableCategory cat;
    cat.id = item_id(c, ids);
    cat.rule = rule(c, "repair.non_repairable." + cat.id);
    cat.title = c.at("title").str();
    cat.kinds = parse_list<Kind>(c.at("kinds"), parse_kind);
    cat.severities = parse_list<Severity>(c.at("severities"), parse_severity);
    if (auto b = c.opt("behaviours")) {
      cat.behaviours = b->strings();
      for (const auto& id : cat.behaviours) {
        const bool known = std::any_of(p.repair.behaviours.begin(), p.repair.behaviours.end(),
                                       [&](const Behaviour& x) { return x.id == id; });
        if (!known) b->fail(fmt::format("\"{}\" is not in repair.behaviours", id));
      }
    }
    if (auto v = c.opt("column_values")) cat.column_values = v->strings();
    if (auto k = c.opt("keywords_any")) cat.keywords_any = k->strings();
    if (cat.behaviours.empty() && cat.keywords_any.empty() && cat.column_values.empty())
      c.fail("a category needs behaviours, column_values or keywords_any");
    p.repair.non_repairable.push_back(std::move(cat));
  }
}

void ProfileReader::repair(const Node& n, PolicyProfile& p) {
  n.allow_keys({"subjects", "behaviours", "non_repairable", "max_repairs", "same_kind_cooldown",
                "notice", "evidence", "decision", "withdrawal", "annulment", "acceptance",
                "decision_after_notice"});
  if (auto s = n.opt("subjects")) {
    s->allow_keys({"types", "cite"});
    SubjectRule sr{s->at("types").strings(), rule(*s, s->path())};
    for (const auto& t : sr.types)
      if (!subject_types().count(t))
        s->at("types").fail(
            fmt::format("\"{}\" is not legal_person, natural_person or individual_business", t));
    p.repair.subjects = std::move(sr);
  }
  if (auto b = n.opt("behaviours")) behaviours(*b, p);
  non_repairable(n.at("non_repairable"), p);
  std::set<std::string> ids;
  if (auto m = n.opt("max_repairs")) {
    m->allow_keys({"count", "within_months", "cite"});
    p.repair.max_repairs =
        RepairCountLimit{m->at("count").integer(1, 100), m->at("within_months").integer(1, 1200),
                         rule(*m, m->path())};
  }
  if (auto m = n.opt("same_kind_cooldown")) p.repair.same_kind_cooldown = months(*m);
  if (auto m = n.opt("notice")) p.repair.notice = working_days(*m);
  ids.clear();
  for (const auto& e : n.at("evidence").items()) {
    e.allow_keys(
        {"id", "title", "required_for", "min_class_hours", "issued_within_months", "cite"});
    EvidenceRequirement ev;
    ev.id = item_id(e, ids);
    ev.rule = rule(e, "repair.evidence." + ev.id);
    ev.title = e.at("title").str();
    ev.required_for = parse_list<Severity>(e.at("required_for"), parse_severity);
    if (auto h = e.opt("min_class_hours")) ev.min_class_hours = h->integer(1, 1000);
    if (auto h = e.opt("issued_within_months")) ev.issued_within_months = h->integer(1, 120);
    p.repair.evidence.push_back(std::move(ev));
  }
  p.repair.decision = working_days(n.at("decision"));
  if (auto m = n.opt("withdrawal")) p.repair.withdrawal = working_days(*m);
  if (auto m = n.opt("annulment")) p.repair.annulment = plain(*m);
  if (auto m = n.opt("acceptance")) p.repair.acceptance = plain(*m);
  if (auto m = n.opt("decision_after_notice")) {
    if (!p.repair.notice) m->fail("a decision after the notice needs repair.notice");
    p.repair.decision_after_notice = plain(*m);
  }
}

void ProfileReader::masking(const Node& n, PolicyProfile& p) {
  n.allow_keys({"name", "id_number", "legal_rep_id"});
  p.masking.name_rule = plain(n.at("name"));
  const Node id = n.at("id_number");
  id.allow_keys({"keep_first", "keep_last", "cite"});
  p.masking.id_keep_first = id.at("keep_first").integer(0, 17);
  p.masking.id_keep_last = id.at("keep_last").integer(0, 17);
  if (p.masking.id_keep_first + p.masking.id_keep_last > 12)
    id.fail("keeps too much of the number (at most 12 characters)");
  p.masking.id_rule = rule(id, id.path());
  const Node rep = n.at("legal_rep_id");
  rep.allow_keys({"show", "cite"});
  p.masking.show_legal_rep_id = rep.at("show").boolean();
  if (p.masking.show_legal_rep_id)
    rep.at("show").fail("a legal representative's ID number is never shown");
  p.masking.legal_rep_rule = rule(rep, rep.path());
}

void ProfileReader::privacy(const Node& n, PolicyProfile& p) {
  n.allow_keys({"import", "id_number", "phone", "email", "bank_card", "address", "subject_name",
                "not_personal", "terms"});
  PrivacyRules& r = p.privacy;
  r.present = true;
  const Node imp = n.at("import");
  imp.allow_keys({"strict", "cite"});
  r.strict_import = imp.at("strict").boolean();
  r.import_rule = rule(imp, imp.path());
  r.id_rule = plain(n.at("id_number"));
  r.email_rule = plain(n.at("email"));
  r.name_rule = plain(n.at("subject_name"));
  auto kept = [&](const Node& k, int& first, int& last, std::vector<std::string>& labels) {
    k.allow_keys({"keep_first", "keep_last", "labels", "cite"});
    first = k.at("keep_first").integer(0, 6);
    last = k.at("keep_last").integer(0, 6);
    labels = k.at("labels").strings();
    return rule(k, k.path());
  };
  r.phone_rule = kept(n.at("phone"), r.phone_keep_first, r.phone_keep_last, r.phone_labels);
  r.bank_card_rule = kept(n.at("bank_card"), r.card_keep_first, r.card_keep_last, r.account_labels);
  const Node addr = n.at("address");
  addr.allow_keys({"levels", "details", "replacement", "cite"});
  r.address_levels = addr.at("levels").strings();
  r.address_details = addr.at("details").strings();
  r.address_replacement = addr.at("replacement").str();
  r.address_rule = rule(addr, addr.path());
  const Node np = n.at("not_personal");
  np.allow_keys({"labels", "cite"});
  r.not_personal_labels = np.at("labels").strings();
  r.not_personal_rule = rule(np, np.path());
  std::set<std::string> ids;
  for (const auto& t : n.at("terms").items()) {
    t.allow_keys({"id", "data", "terms", "replacement", "cite"});
    PrivacyTerms terms;
    terms.id = item_id(t, ids);
    terms.rule = rule(t, "privacy.terms." + terms.id);
    const auto data = parse_personal_data(t.at("data").str());
    if (data != PersonalData::health && data != PersonalData::religion)
      t.at("data").fail("expected \"health\" or \"religion\"");
    terms.data = *data;
    terms.terms = t.at("terms").strings();
    terms.replacement = t.at("replacement").str();
    r.terms.push_back(std::move(terms));
  }
}

void ProfileReader::consent(const Node& n, PolicyProfile& p) {
  n.allow_keys({"required", "max_validity"});
  p.consent.present = true;
  p.consent.required = plain(n.at("required"));
  p.consent.max_validity = months(n.at("max_validity"));
  // No lifetime authorisation (甘肃 (十四)): a bound is required, and a short one.
  if (p.consent.max_validity.months < 1 || p.consent.max_validity.months > 60)
    n.at("max_validity").at("months").fail("an authorisation runs 1 to 60 months, never for life");
}

void ProfileReader::allow_list(const Node& n, PolicyProfile& p) {
  for (const auto& e : n.items()) {
    e.allow_keys({"code", "reason", "cite"});
    AllowedCode a;
    a.code = e.at("code").str();
    if (a.code.size() != 18) e.at("code").fail("expected 18 characters");
    a.reason = e.at("reason").str();
    a.rule = rule(e, "uscc_allow_list." + a.code);
    p.uscc_allow_list.push_back(std::move(a));
  }
}

}  // namespace

PolicyProfile parse_policy(std::string_view json_text) {
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::exception& e) {
    throw PolicyError(fmt::format("policy file is not valid JSON: {}", e.what()));
  }
  const Node root(doc, "");
  root.allow_keys({"format", "id", "title", "legal_basis", "in_force", "severity", "periods",
                   "repair", "deadlines", "lenient", "masking", "privacy", "consent", "platform",
                   "uscc_allow_list", "red_list"});
  if (root.at("format").integer(1, 1000) != 1)
    root.at("format").fail("unsupported format (this build reads 1)");
  PolicyProfile p;
  p.id = root.at("id").str();
  if (!valid_slug(p.id)) root.at("id").fail("ids use a-z, 0-9, '-' and '_' only");
  p.title = root.at("title").str();
  for (const auto& b : root.at("legal_basis").items()) {
    b.allow_keys({"number", "title"});
    p.legal_basis.push_back({b.at("number").str(), b.at("title").str()});
  }
  p.in_force = root.at("in_force").date();
  ProfileReader r(p.id);
  r.severity(root.at("severity"), p);
  r.periods(root.at("periods"), p);
  r.repair(root.at("repair"), p);
  const Node dl = root.at("deadlines");
  dl.allow_keys({"publication", "objection"});
  p.publication_deadline = r.working_days(dl.at("publication"));
  p.objection_deadline = r.working_days(dl.at("objection"));
  if (auto l = root.opt("lenient")) {
    l->allow_keys({"under_age"});
    const Node u = l->at("under_age");
    u.allow_keys({"years", "cite"});
    p.lenient_under_age = AgeRule{u.at("years").integer(1, 30), r.rule(u, u.path())};
  }
  r.masking(root.at("masking"), p);
  if (auto privacy = root.opt("privacy")) r.privacy(*privacy, p);
  if (auto consent = root.opt("consent")) r.consent(*consent, p);
  if (auto platform = root.opt("platform")) {
    platform->allow_keys({"authorization_max", "checkpoint_interval"});
    if (auto a = platform->opt("authorization_max"))
      p.platform.authorization_max = r.days(*a, 3660);
    if (auto c = platform->opt("checkpoint_interval"))
      p.platform.checkpoint_interval = r.days(*c, 366);
  }
  if (auto red = root.opt("red_list")) r.red_list(*red, p);
  r.allow_list(root.at("uscc_allow_list"), p);
  return p;
}

std::vector<RuleRef> PolicyProfile::all_rules() const {
  std::vector<RuleRef> out = {severity_explicit, severity_license.rule, severity_dishonest.rule};
  for (const auto& r : severity_rules)
    out.push_back(r.rule);
  out.push_back(severity_default.rule);
  out.push_back(period_start);
  if (min_from_publication) out.push_back(*min_from_publication);
  out.push_back(explicit_end);
  if (explicit_end_below_min) out.push_back(explicit_end_below_min->rule);
  for (const auto& pp : penalty) {
    out.insert(out.end(), {pp.publish.rule, pp.min.rule, pp.max.rule});
  }
  out.insert(out.end(), {license.end, license.no_end.rule, dishonest.end});
  if (dishonest.min) out.push_back(dishonest.min->rule);
  out.push_back(dishonest.no_end.rule);
  if (red_list) {
    out.insert(out.end(), {red_list->severity.rule, red_list->end, red_list->no_end.rule,
                           red_list->refused_by});
    if (red_list->ended_by) out.push_back(*red_list->ended_by);
  }
  if (repair.subjects) out.push_back(repair.subjects->rule);
  for (const auto& b : repair.behaviours)
    out.push_back(b.rule);
  for (const auto& c : repair.non_repairable)
    out.push_back(c.rule);
  if (repair.max_repairs) out.push_back(repair.max_repairs->rule);
  if (repair.same_kind_cooldown) out.push_back(repair.same_kind_cooldown->rule);
  if (repair.notice) out.push_back(repair.notice->rule);
  for (const auto& e : repair.evidence)
    out.push_back(e.rule);
  out.push_back(repair.decision.rule);
  if (repair.withdrawal) out.push_back(repair.withdrawal->rule);
  if (repair.annulment) out.push_back(*repair.annulment);
  if (repair.acceptance) out.push_back(*repair.acceptance);
  if (repair.decision_after_notice) out.push_back(*repair.decision_after_notice);
  if (lenient_under_age) out.push_back(lenient_under_age->rule);
  out.insert(out.end(), {publication_deadline.rule, objection_deadline.rule, masking.name_rule,
                         masking.id_rule, masking.legal_rep_rule});
  if (privacy.present) {
    out.insert(out.end(), {privacy.import_rule, privacy.id_rule, privacy.phone_rule,
                           privacy.email_rule, privacy.bank_card_rule, privacy.address_rule,
                           privacy.name_rule, privacy.not_personal_rule});
    for (const auto& t : privacy.terms)
      out.push_back(t.rule);
  }
  if (consent.present) out.insert(out.end(), {consent.required, consent.max_validity.rule});
  if (platform.authorization_max) out.push_back(platform.authorization_max->rule);
  if (platform.checkpoint_interval) out.push_back(platform.checkpoint_interval->rule);
  for (const auto& a : uscc_allow_list)
    out.push_back(a.rule);
  return out;
}

std::optional<RuleRef> PolicyProfile::find_rule(std::string_view rule_id) const {
  for (auto& r : all_rules()) {
    if (r.id == rule_id) return r;
  }
  return std::nullopt;
}

// ---- decisions -----------------------------------------------------------------

namespace {

bool contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

const std::string* first_found(const std::vector<std::string>& words, std::string_view a,
                               std::string_view b = {}) {
  for (const auto& w : words) {
    if (contains(a, w) || contains(b, w)) return &w;
  }
  return nullptr;
}

// 处罚类别 lists several measures: "警告；罚款", "警告,没收违法所得".
std::vector<std::string_view> split_categories(std::string_view s) {
  static constexpr std::string_view kSeps[] = {"；", "，", "、", ";", ",", "/", " ", "\t"};
  std::vector<std::string_view> out;
  while (!s.empty()) {
    size_t cut = s.size(), len = 0;
    for (auto sep : kSeps) {
      const size_t at = s.find(sep);
      if (at < cut) cut = at, len = sep.size();
    }
    if (cut > 0) out.push_back(s.substr(0, cut));
    s.remove_prefix(std::min(s.size(), cut + len));
  }
  return out;
}

std::string amount(double v) {
  return fmt::format("{:g}", v);
}

// All given conditions must hold; the explanation lists each one that did.
std::optional<std::string> matches(const SeverityRule& r, const SeverityFacts& f) {
  std::vector<std::string> why;
  if (!r.keywords_any.empty()) {
    const auto* w = first_found(r.keywords_any, f.category, f.content);
    if (!w) return std::nullopt;
    why.push_back(fmt::format("处罚类别/处罚内容 contains \"{}\"", *w));
  }
  if (!r.categories_only.empty()) {
    const auto items = split_categories(f.category);
    if (items.empty()) return std::nullopt;
    for (auto item : items) {
      if (!first_found(r.categories_only, item)) return std::nullopt;
    }
    why.push_back(fmt::format("处罚类别 is only {}", fmt::join(r.categories_only, "/")));
  }
  if (!r.violation_any.empty()) {
    const auto* w = first_found(r.violation_any, f.violation_type);
    if (!w) return std::nullopt;
    why.push_back(fmt::format("违法行为类型 contains \"{}\"", *w));
  }
  if (r.fine_at_least) {
    if (!f.fine || !(*f.fine >= *r.fine_at_least)) return std::nullopt;
    why.push_back(fmt::format("罚款 {} 万元 ≥ {} 万元", amount(*f.fine), amount(*r.fine_at_least)));
  }
  if (r.fine_at_most) {
    if (!f.fine || !(*f.fine <= *r.fine_at_most)) return std::nullopt;
    why.push_back(fmt::format("罚款 {} 万元 ≤ {} 万元", amount(*f.fine), amount(*r.fine_at_most)));
  }
  if (r.confiscation_at_least) {
    if (!f.confiscation || !(*f.confiscation >= *r.confiscation_at_least)) return std::nullopt;
    why.push_back(fmt::format("没收金额 {} 万元 ≥ {} 万元", amount(*f.confiscation),
                              amount(*r.confiscation_at_least)));
  }
  if (r.natural_person) {
    if (*r.natural_person != f.natural_person) return std::nullopt;
    why.push_back(f.natural_person ? "subject is a natural person" : "subject is an organisation");
  }
  return fmt::format("{}", fmt::join(why, "; "));
}

}  // namespace

SeverityDecision classify_severity(const PolicyProfile& p, const SeverityFacts& f) {
  if (f.kind == Kind::license) {
    return {p.severity_license.severity,
            p.severity_license.rule.id,
            "licences are not sanctions; severity does not apply (fixed value)",
            {}};
  }
  if (f.kind == Kind::dishonest) {
    return {p.severity_dishonest.severity,
            p.severity_dishonest.rule.id,
            "a severe-dishonesty list entry is severe by definition",
            {}};
  }
  if (f.kind == Kind::red) {
    if (!p.red_list) throw PolicyError(fmt::format("profile {} has no red_list section", p.id));
    return {p.red_list->severity.severity,
            p.red_list->severity.rule.id,
            "the red list rewards; it is no sanction and severity does not apply (fixed value)",
            {}};
  }
  SeverityDecision d;
  if (!trim_ascii(f.explicit_severity).empty()) {
    if (const auto s = parse_severity(f.explicit_severity)) {
      return {
          *s, p.severity_explicit.id, fmt::format("失信程度 column says {}", to_chinese(*s)), {}};
    }
    d.warning = "失信程度 value is not 轻微/一般/严重; classified by the profile's rules instead";
  }
  for (const auto& r : p.severity_rules) {
    if (auto why = matches(r, f)) {
      d.severity = r.severity;
      d.rule_id = r.rule.id;
      d.explanation = std::move(*why);
      return d;
    }
  }
  d.severity = p.severity_default.severity;
  d.rule_id = p.severity_default.rule.id;
  d.explanation = "no classification rule matched";
  return d;
}

namespace {

// Applies the 公示截止期 column against the policy end.
// A 公示截止期 before the minimum period's end (counted from the decision) is never taken silently:
// the profile rejects the row or corrects the end to the minimum, with a note.
bool below_minimum(const PolicyProfile& p, PublicityDates& r, Date explicit_end,
                   std::optional<int> min_months) {
  if (!p.explicit_end_below_min || !min_months || *min_months == 0) return false;
  const Date min_end = r.start.add_months(*min_months);
  if (explicit_end >= min_end) return false;
  const auto& rule = *p.explicit_end_below_min;
  const std::string what =
      fmt::format("公示截止期 {} is before the end of the {}-month minimum period, {}",
                  explicit_end.iso(), *min_months, min_end.iso());
  if (rule.reject) {
    r.explicit_end_error =
        fmt::format("{}: give the correct date ({}: {})", what, rule.rule.id, rule.rule.cite);
  } else {
    r.notes.push_back(fmt::format("{}; corrected to {} ({})", what, min_end.iso(), rule.rule.id));
    r.end = min_end;
    r.end_rule = rule.rule.id;
  }
  return true;
}

void apply_explicit_end(const PolicyProfile& p, PublicityDates& r, std::optional<Date> explicit_end,
                        std::optional<int> min_months) {
  if (!explicit_end) return;
  if (*explicit_end < r.start) {
    r.notes.push_back(fmt::format("公示截止期 {} is before the decision date {}; ignored",
                                  explicit_end->iso(), r.start.iso()));
  } else if (*explicit_end > r.end) {
    r.notes.push_back(fmt::format("公示截止期 {} is after the policy end {}; capped",
                                  explicit_end->iso(), r.end.iso()));
  } else if (!below_minimum(p, r, *explicit_end, min_months)) {
    if (*explicit_end != r.end)
      r.notes.push_back(
          fmt::format("公示截止期 {} used (policy end {})", explicit_end->iso(), r.end.iso()));
    r.end = *explicit_end;
    r.end_rule = p.explicit_end.id;
  }
}

}  // namespace

namespace {

// The minimum period from the decision, or from the first publication where the profile says so
// (Dandong Art. 9(1): 自失信行为披露之日起计算); unknown until that publication.
void set_earliest_repair(const PolicyProfile& p, PublicityDates& r, const MonthsRule& min,
                         std::optional<Date> first_published) {
  r.repair_rule = min.rule.id;
  r.repair_start_rule = p.period_start.id;
  if (!p.min_from_publication) {
    r.earliest_repair = r.start.add_months(min.months);
    return;
  }
  r.repair_start_rule = p.min_from_publication->id;
  if (first_published) {
    r.earliest_repair = first_published->add_months(min.months);
  } else {
    r.awaits_publication = true;
    r.notes.push_back(
        fmt::format("the {}-month minimum counts from the first publication", min.months));
  }
}

}  // namespace

PublicityDates derive_publicity(const PolicyProfile& p, Kind kind, Severity severity,
                                Date decision_date, std::optional<Date> explicit_end,
                                std::optional<Date> valid_until,
                                std::optional<Date> first_published) {
  PublicityDates r;
  r.start = decision_date;
  r.start_rule = p.period_start.id;
  switch (kind) {
    case Kind::penalty: {
      const auto& pp = p.penalty_periods(severity);
      r.publish = pp.publish.value;
      r.publish_rule = pp.publish.rule.id;
      set_earliest_repair(p, r, pp.min, first_published);
      r.end = r.start.add_months(pp.max.months);
      r.end_rule = pp.max.rule.id;
      break;
    }
    case Kind::license:
      // Published while the licence is valid; never "repaired".
      r.publish_rule = p.license.end.id;
      if (valid_until) {
        r.end = *valid_until;
        r.end_rule = p.license.end.id;
        if (*valid_until == p.license.indefinite)
          r.notes.push_back("licence without end date (indefinite)");
        if (*valid_until < r.start) r.notes.push_back("有效期至 is before the decision date");
      } else {
        r.end = r.start.add_months(p.license.no_end.months);
        r.end_rule = p.license.no_end.rule.id;
      }
      break;
    case Kind::dishonest:
      r.publish_rule = p.dishonest.end.id;
      if (p.dishonest.min) set_earliest_repair(p, r, *p.dishonest.min, first_published);
      if (valid_until) {
        r.end = *valid_until;
        r.end_rule = p.dishonest.end.id;
      } else {
        r.end = r.start.add_months(p.dishonest.no_end.months);
        r.end_rule = p.dishonest.no_end.rule.id;
      }
      break;
    case Kind::red:
      // Listed until its 有效期; no repair: the subject asks for nothing.
      if (!p.red_list) throw PolicyError(fmt::format("profile {} has no red_list section", p.id));
      r.publish_rule = p.red_list->end.id;
      if (valid_until) {
        r.end = *valid_until;
        r.end_rule = p.red_list->end.id;
      } else {
        r.end = r.start.add_months(p.red_list->no_end.months);
        r.end_rule = p.red_list->no_end.rule.id;
      }
      break;
  }
  std::optional<int> min_months;
  if (kind == Kind::penalty) min_months = p.penalty_periods(severity).min.months;
  if (kind == Kind::dishonest && p.dishonest.min) min_months = p.dishonest.min->months;
  apply_explicit_end(p, r, explicit_end, min_months);
  return r;
}

namespace {

// Spaces and punctuation do not change a behaviour: 生产、销售伪劣产品 = 生产销售伪劣产品.
std::string squeeze(std::string_view s) {
  static constexpr std::string_view kDrop[] = {" ", "\t", "\u3000", "、", "，", ",",  "；",
                                               ";", "。", "：",     ":",  "（", "）", "(",
                                               ")", "“",  "”",      "\"", "·"};
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    bool dropped = false;
    for (auto d : kDrop) {
      if (s.substr(i, d.size()) == d) {
        i += d.size();
        dropped = true;
        break;
      }
    }
    if (!dropped) out += s[i++];
  }
  return out;
}

// 处罚依据 cites the law and, where articles are given, one of them in the text that follows the
// law's name up to the next citation (《…》): "《产品质量法》第五十条" but not "《产品质量法》、
// 《食品安全法》第五十条".
std::optional<std::string> cites(std::string_view basis, const LawRef& law) {
  size_t at = 0;
  while ((at = basis.find(law.law, at)) != std::string_view::npos) {
    at += law.law.size();
    if (law.articles.empty()) return law.law;
    std::string_view rest = basis.substr(at);
    const size_t next = rest.find("《");
    rest = rest.substr(0, next);
    for (const auto& a : law.articles)
      if (contains(rest, a)) return law.law + a;
  }
  return std::nullopt;
}

bool covers(const NonRepairableCategory& c, Kind kind, Severity severity) {
  return std::find(c.kinds.begin(), c.kinds.end(), kind) != c.kinds.end() &&
         std::find(c.severities.begin(), c.severities.end(), severity) != c.severities.end();
}

}  // namespace

namespace {

std::optional<BehaviourMatch> by_violation_type(const PolicyProfile& p,
                                                std::string_view violation_type) {
  const std::string type = squeeze(violation_type);
  if (!type.empty())
    for (const auto& b : p.repair.behaviours)
      for (const auto& name : b.names)
        if (contains(type, squeeze(name))) return BehaviourMatch{&b, "违法行为类型", name};
  return std::nullopt;
}

std::optional<BehaviourMatch> by_law(const PolicyProfile& p, std::string_view basis) {
  for (const auto& b : p.repair.behaviours)
    for (const auto& law : b.laws)
      if (auto m = cites(basis, law)) return BehaviourMatch{&b, "处罚依据", *m};
  return std::nullopt;
}

}  // namespace

std::optional<BehaviourMatch> classify_behaviour(const PolicyProfile& p,
                                                 std::string_view violation_type,
                                                 std::string_view basis) {
  if (auto m = by_violation_type(p, violation_type)) return m;
  return by_law(p, basis);
}

std::string same_kind_key(const PolicyProfile& p, std::string_view violation_type) {
  if (auto m = classify_behaviour(p, violation_type, {})) return "behaviour:" + m->behaviour->id;
  return squeeze(violation_type);
}

std::string NonRepairableMatch::explanation() const {
  return fmt::format("{} — {} \"{}\": {}; never repairable ({}: {})", title, field, value, how,
                     category_id, cite);
}

std::optional<NonRepairableMatch> match_non_repairable(const PolicyProfile& p, Kind kind,
                                                       Severity severity, const BehaviourFacts& f) {
  auto found = [](const NonRepairableCategory& c, std::string field, std::string_view value,
                  std::string how) {
    return NonRepairableMatch{c.id,          c.title,          c.rule.id,
                              c.rule.cite,   std::move(field), std::string(value),
                              std::move(how)};
  };
  // 1. The department says which category it is.
  const std::string column = squeeze(f.declared);
  if (!column.empty())
    for (const auto& c : p.repair.non_repairable) {
      if (!covers(c, kind, severity)) continue;
      if (column == c.id) return found(c, "失信行为类别", f.declared, "names the category");
      for (const auto& v : c.column_values)
        if (contains(column, squeeze(v)))
          return found(c, "失信行为类别", f.declared, fmt::format("names \"{}\"", v));
    }
  // 2. The catalogued behaviour, by 违法行为类型, then by the law and article in 处罚依据 (a
  // generic 违法行为类型 such as 违反广告管理规定 does not hide 《广告法》第五十五条).
  for (const auto& b : {by_violation_type(p, f.violation_type), by_law(p, f.basis)}) {
    if (!b) continue;
    for (const auto& c : p.repair.non_repairable) {
      if (!covers(c, kind, severity)) continue;
      if (std::find(c.behaviours.begin(), c.behaviours.end(), b->behaviour->id) ==
          c.behaviours.end())
        continue;
      const std::string_view value = b->field == "违法行为类型" ? f.violation_type : f.basis;
      return found(c, b->field, value,
                   fmt::format("\"{}\" is the catalogued behaviour {} ({})", b->matched,
                               b->behaviour->title, b->behaviour->rule.id));
    }
  }
  // 3. Keywords, in the structured fields only: never in 违法事实.
  for (const auto& [field, value] :
       {std::pair<const char*, std::string_view>{"违法行为类型", f.violation_type},
        {"处罚依据", f.basis}})
    for (const auto& c : p.repair.non_repairable) {
      if (!covers(c, kind, severity)) continue;
      if (const auto* w = first_found(c.keywords_any, value))
        return found(c, field, value, fmt::format("contains the keyword \"{}\"", *w));
    }
  return std::nullopt;
}

namespace {
// The first application date whose window (the `months` before it, exclusive) no longer holds
// `decided`; stepping past month-end clamping (31 Jan + 1 month = 28 Feb).
Date leaves_window(Date decided, int months) {
  Date d = decided.add_months(months);
  while (d.add_months(-months) < decided)
    d = d.add_days(1);
  return d;
}
}  // namespace

RepairCheck check_repair_limits(const PolicyProfile& p, Date application_date,
                                std::string_view kind_key, const std::vector<PriorRepair>& prior) {
  RepairCheck out;
  if (const auto& lim = p.repair.max_repairs) {
    const Date since = application_date.add_months(-lim->within_months);
    std::vector<Date> counted;
    for (const auto& r : prior) {
      if (r.decided > since && r.decided <= application_date) counted.push_back(r.decided);
    }
    if (static_cast<int>(counted.size()) >= lim->count) {
      std::sort(counted.begin(), counted.end());
      std::vector<std::string> dates;
      for (const auto& d : counted)
        dates.push_back(d.iso());
      // Allowed again once enough of the counted repairs have left the window.
      const Date leaves = counted[counted.size() - static_cast<size_t>(lim->count)];
      out.failures.push_back(
          {lim->rule.id,
           fmt::format("{} repairs within {} months ({}); at most {} allowed", dates.size(),
                       lim->within_months, fmt::join(dates, ", "), lim->count),
           leaves_window(leaves, lim->within_months)});
    }
  }
  if (const auto& cd = p.repair.same_kind_cooldown; cd && !kind_key.empty()) {
    // The same classified behaviour, not the same string (未按时公示年度报告 =
    // 未按规定公示年度报告).
    const std::string key = same_kind_key(p, kind_key);
    const Date since = application_date.add_months(-cd->months);
    const PriorRepair* latest = nullptr;
    for (const auto& r : prior) {
      if (same_kind_key(p, r.kind_key) == key && r.decided > since &&
          r.decided <= application_date && (!latest || r.decided > latest->decided))
        latest = &r;
    }
    if (latest) {
      const auto b = classify_behaviour(p, kind_key, {});
      out.failures.push_back(
          {cd->rule.id,
           fmt::format("a repair of the same kind ({}{}) was decided on {}, within {} months",
                       latest->kind_key,
                       b ? fmt::format(" = {}, {}", b->behaviour->title, b->behaviour->rule.id)
                         : std::string(),
                       latest->decided.iso(), cd->months),
           leaves_window(latest->decided, cd->months)});
    }
  }
  return out;
}

RepairCheck check_repair_eligibility(const PolicyProfile& p, const RepairSubject& s,
                                     Date application_date, const std::vector<PriorRepair>& prior) {
  RepairCheck out;
  if (s.kind == Kind::license) {
    out.failures.push_back(
        {p.license.end.id, "a licence is not a sanction and cannot be repaired"});
    return out;
  }
  if (s.kind == Kind::red) {
    out.failures.push_back(
        {p.red_list ? p.red_list->end.id : std::string("red_list.end"),
         "a red listing is an incentive, not a sanction: there is nothing to repair"});
    return out;
  }
  if (const auto& who = p.repair.subjects;
      who && !s.subject_type.empty() &&
      std::find(who->types.begin(), who->types.end(), s.subject_type) == who->types.end())
    out.failures.push_back(
        {who->rule.id, fmt::format("the subject is a {}; this profile repairs {} only ({})",
                                   s.subject_type, fmt::join(who->types, ", "), who->rule.cite)});
  const auto dates = derive_publicity(p, s.kind, s.severity, s.decision_date, std::nullopt,
                                      std::nullopt, s.first_published);
  if (dates.awaits_publication) {
    out.failures.push_back(
        {dates.repair_start_rule,
         fmt::format("the minimum period ({}) counts from the first publication, which has not "
                     "happened",
                     dates.repair_rule)});
  } else if (!dates.earliest_repair) {
    out.failures.push_back(
        {dates.end_rule, "this profile has no repair for this kind; it ends with the listing"});
  } else if (application_date < *dates.earliest_repair) {
    out.failures.push_back(
        {dates.repair_rule,
         fmt::format("the minimum publicity period ends on {} (counted from {}, rule {}); apply "
                     "from then",
                     dates.earliest_repair->iso(),
                     p.min_from_publication ? "the first publication " + s.first_published->iso()
                                            : "the decision " + s.decision_date.iso(),
                     dates.repair_start_rule),
         *dates.earliest_repair});
  }
  if (auto m = match_non_repairable(p, s.kind, s.severity, s.behaviour))
    out.failures.push_back({m->rule_id, m->explanation()});
  auto limits = check_repair_limits(p, application_date, s.kind_key, prior);
  out.failures.insert(out.failures.end(), limits.failures.begin(), limits.failures.end());
  return out;
}

std::vector<EvidenceRequirement> required_evidence(const PolicyProfile& p, Severity severity) {
  std::vector<EvidenceRequirement> out;
  for (const auto& e : p.repair.evidence) {
    if (std::find(e.required_for.begin(), e.required_for.end(), severity) != e.required_for.end())
      out.push_back(e);
  }
  return out;
}

// ---- masking -------------------------------------------------------------------

std::string mask_person_name(std::string_view utf8_name) {
  if (!is_valid_utf8(utf8_name) || utf8_name.empty()) return "*";
  size_t pos = 0;
  utf8_next(utf8_name, pos);
  const size_t rest = utf8_length(utf8_name.substr(pos));
  if (rest == 0) return "*";  // a lone character would reveal the whole name
  return std::string(utf8_name.substr(0, pos)) + std::string(rest, '*');
}

std::string mask_id_number(std::string_view id, const MaskingRules& rules) {
  if (!is_valid_utf8(id)) return std::string(id.size(), rules.mask_char);
  const size_t n = utf8_length(id);
  const auto first = static_cast<size_t>(rules.id_keep_first),
             last = static_cast<size_t>(rules.id_keep_last);
  if (n <= first + last) return std::string(n, rules.mask_char);
  std::string out;
  size_t pos = 0;
  for (size_t i = 0; i < n; ++i) {
    const size_t at = pos;
    utf8_next(id, pos);
    if (i < first || i >= n - last) {
      out.append(id.substr(at, pos - at));
    } else {
      out += rules.mask_char;
    }
  }
  return out;
}

bool uscc_allowed_exception(const PolicyProfile& p, std::string_view code, std::string* reason) {
  for (const auto& a : p.uscc_allow_list) {
    if (a.code == code) {
      if (reason) *reason = a.reason + " (" + a.rule.id + ")";
      return true;
    }
  }
  return false;
}

}  // namespace credit::domain
