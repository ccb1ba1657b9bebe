#include "domain/row_validation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "domain/identifiers.hpp"
#include "domain/text_clean.hpp"
#include "util/json_text.hpp"

namespace credit::domain {

namespace {

const std::string kEmpty;

bool is_organisation(SubjectType t) {
  return t != SubjectType::natural_person;
}

// A value-list item separator in multi-valued fields (处罚类别): ；;，,、/ and spaces.
bool at_separator(std::string_view s, size_t i, size_t& width) {
  static constexpr std::string_view kWide[] = {"；", "，", "、", "　"};
  const char c = s[i];
  if (c == ';' || c == ',' || c == '/' || c == ' ') {
    width = 1;
    return true;
  }
  for (auto sep : kWide)
    if (s.substr(i).starts_with(sep)) {
      width = sep.size();
      return true;
    }
  return false;
}

template <class F>
void for_each_item(std::string_view s, F visit) {
  size_t start = 0, width = 0;
  for (size_t i = 0; i < s.size();) {
    if (at_separator(s, i, width)) {
      if (i > start) visit(s.substr(start, i - start));
      i += width;
      start = i;
    } else {
      ++i;
    }
  }
  if (start < s.size()) visit(s.substr(start));
}

// An 18- or 15-character number of digits (and a final X): what a resident ID looks like.
bool looks_like_resident_id(std::string_view v) {
  if (v.size() != 18 && v.size() != 15) return false;
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (!(c >= '0' && c <= '9') && !(i + 1 == v.size() && (c == 'X' || c == 'x'))) return false;
  }
  return true;
}

bool plausible_document_id(std::string_view v) {
  if (v.size() < 5 || v.size() > 30) return false;
  return std::all_of(v.begin(), v.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '(' ||
           c == ')' || c == '-';
  });
}

// An allow-listed placeholder such as 00000000000000000X: it identifies nobody.
bool is_placeholder_code(std::string_view v) {
  return v.size() == 18 && v.find_first_not_of('0') >= 17;
}

std::optional<double> to_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<Date> to_date(const std::string& s) {
  return s.empty() ? std::nullopt : Date::parse_iso(s);
}

void add_member(std::string& out, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  if (out.size() > 1) out += ',';
  append_json_string(out, key);
  out += ':';
  append_json_string(out, value);
}

}  // namespace

const std::string& ValidatedRow::value(const KindSpec& spec, Role role) const {
  const int i = spec.field(role);
  return i < 0 ? kEmpty : values[static_cast<size_t>(i)];
}

std::optional<std::string> normalise_amount(std::string_view text, std::string& note) {
  note.clear();
  for (std::string_view unit : {"万元", "万"}) {
    if (text.ends_with(unit)) {
      text.remove_suffix(unit.size());
      note = fmt::format("unit \"{}\" removed (amounts are in 万元)", unit);
      break;
    }
  }
  if (note.empty() && text.ends_with("元")) {
    note = "the amount is in 万元 (10,000 yuan) without a unit; convert yuan to 万元";
    return std::nullopt;
  }
  const size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || !digits(whole) || !digits(fraction) ||
      (dot != std::string_view::npos && fraction.empty())) {
    note = "not an amount: use digits with an optional decimal point, in 万元, e.g. 0.5";
    return std::nullopt;
  }
  while (whole.size() > 1 && whole.front() == '0')
    whole.remove_prefix(1);
  while (!fraction.empty() && fraction.back() == '0')
    fraction.remove_suffix(1);
  if (fraction.size() > 6 || whole.size() > 9) {
    note = "amount out of range: at most 9 digits and 6 decimal places (万元)";
    return std::nullopt;
  }
  std::string out(whole);
  if (!fraction.empty()) {
    out += '.';
    out.append(fraction);
  }
  return out;
}

void RowValidator::validate(std::span<const std::string_view> raw, ValidatedRow& out) const {
  const size_t n = spec_.fields.size();
  out.values.resize(n);
  out.matched.assign(n, nullptr);
  out.errors.clear();
  out.warnings.clear();
  out.subject_type = SubjectType::legal_person;
  out.has_uscc = false;
  for (size_t i = 0; i < n; ++i)
    clean_field(static_cast<int>(i), i < raw.size() ? raw[i] : std::string_view(), out);
  check_subject(raw, out);
  check_id_numbers(raw, out);
  check_required(raw, out);
  check_dates(raw, out);
  if (out.ok()) derive(out);
}

void RowValidator::clean_field(int i, std::string_view raw, ValidatedRow& out) const {
  const FieldSpec& f = spec_.fields[static_cast<size_t>(i)];
  std::string& v = out.values[static_cast<size_t>(i)];
  v.clear();
  if (raw.empty()) return;
  if (is_clean_value(raw, f.code_like())) {
    v.assign(raw);  // the common case: no CleanResult, the buffer is reused
  } else {
    CleanResult c = clean_value(raw, f.code_like());
    if (!c.ok()) {
      out.errors.push_back({i, std::string(raw),
                            c.error + "; if the file is GBK/GB18030, give "
                                      "--encoding gb18030"});
      return;
    }
    if (c.changed()) out.warnings.push_back({i, std::string(raw), c.describe()});
    v = std::move(c.value);
    if (v.empty()) return;
  }
  // A value of at most max_length bytes cannot have more characters than that.
  if (f.max_length && v.size() > f.max_length && utf8_length(v) > f.max_length) {
    out.errors.push_back(
        {i, std::string(raw), fmt::format("longer than {} characters", f.max_length)});
    v.clear();
    return;
  }
  check_type(i, raw, out);
}

void RowValidator::check_type(int i, std::string_view raw, ValidatedRow& out) const {
  const FieldSpec& f = spec_.fields[static_cast<size_t>(i)];
  std::string& v = out.values[static_cast<size_t>(i)];
  auto reject = [&](std::string reason) {
    out.errors.push_back({i, std::string(raw), std::move(reason)});
    v.clear();
  };
  switch (f.type) {
    case FieldType::uscc: {
      UsccCheck check = check_uscc(v);
      std::string why;
      if (check.valid) {
        v = check.code;
        if (!check.warning.empty()) out.warnings.push_back({i, std::string(raw), check.warning});
      } else if (uscc_allowed_exception(policy_, v, &why)) {
        out.warnings.push_back(
            {i, std::string(raw), "accepted by the policy's allow-list: " + why});
      } else {
        reject(fmt::format("not a valid unified social credit code: {}", check.error));
      }
      break;
    }
    case FieldType::date: {
      DateParse parsed = parse_date_lenient(v);
      if (!parsed.date)
        reject(fmt::format("not a date ({})", parsed.error));
      else if (parsed.date->year() < 1949)
        reject("implausible date before 1949");
      else
        v = parsed.date->iso();
      break;
    }
    case FieldType::amount: {
      std::string note;
      auto amount = normalise_amount(v, note);
      if (!amount) return reject(note);
      if (!note.empty()) out.warnings.push_back({i, std::string(raw), note});
      v = std::move(*amount);
      break;
    }
    case FieldType::enumeration: {
      if (f.multiple) {
        std::string bad;
        for_each_item(v, [&](std::string_view item) {
          if (bad.empty() && !f.values->match(item)) bad = item;
        });
        if (!bad.empty()) reject(fmt::format("'{}' is not one of: {}", bad, f.values->describe()));
        break;
      }
      const EnumValue* match = f.values->match(v);
      if (!match) return reject(fmt::format("not one of: {}", f.values->describe()));
      out.matched[static_cast<size_t>(i)] = match;
      if (!match->value.empty()) v = match->value;
      break;
    }
    case FieldType::id_number:  // needs its 证件类型: check_id_numbers
    case FieldType::code:
    case FieldType::text:
      break;
  }
}

void RowValidator::check_id_numbers(std::span<const std::string_view> raw,
                                    ValidatedRow& out) const {
  for (size_t i = 0; i < spec_.fields.size(); ++i) {
    const FieldSpec& f = spec_.fields[i];
    std::string& v = out.values[i];
    if (f.type != FieldType::id_number || v.empty()) continue;
    const EnumValue* type = out.matched[static_cast<size_t>(f.id_type_field)];
    const std::string_view rawv = i < raw.size() ? raw[i] : std::string_view();
    const bool resident = type ? type->means == "resident_id"
                               : out.values[static_cast<size_t>(f.id_type_field)].empty() &&
                                     looks_like_resident_id(v);
    if (resident) {
      ResidentIdCheck check = check_resident_id(v);
      if (!check.valid) {
        out.errors.push_back({static_cast<int>(i), std::string(rawv),
                              fmt::format("not a valid resident ID number: {}", check.error)});
        v.clear();
        continue;
      }
      if (check.birth_date && *check.birth_date > today_) {
        out.errors.push_back(
            {static_cast<int>(i), std::string(rawv),
             fmt::format("not a valid resident ID number: its birth date {} is in the future",
                         check.birth_date->iso())});
        v.clear();
        continue;
      }
      if (check.legacy)
        out.warnings.push_back({static_cast<int>(i), std::string(rawv),
                                "old 15-digit resident ID number (kept as given)"});
      v = check.number;
    } else if (!plausible_document_id(v)) {
      out.errors.push_back(
          {static_cast<int>(i), std::string(rawv),
           "not a plausible document number: 5–30 letters, digits, '(', ')' or '-'"});
      v.clear();
    }
  }
}

void RowValidator::check_subject(std::span<const std::string_view> raw, ValidatedRow& out) const {
  const int type_field = spec_.field(Role::subject_type);
  if (const EnumValue* m = out.matched[static_cast<size_t>(type_field)])
    out.subject_type = parse_subject_type(m->means).value_or(SubjectType::legal_person);
  const int uscc_field = spec_.field(Role::uscc);
  if (uscc_field < 0) return;
  const std::string& uscc = out.values[static_cast<size_t>(uscc_field)];
  const std::string_view rawv =
      static_cast<size_t>(uscc_field) < raw.size() ? raw[uscc_field] : std::string_view();
  out.has_uscc = !uscc.empty() && !is_placeholder_code(uscc);
  if (out.matched[static_cast<size_t>(type_field)] == nullptr) return;
  if (out.subject_type == SubjectType::natural_person) {
    if (out.has_uscc)
      out.errors.push_back({uscc_field, std::string(rawv),
                            "a natural person has no unified social credit code: leave it empty "
                            "and give 证件类型 and 证件号码"});
    return;
  }
  bool has_legacy = std::any_of(spec_.legacy_codes.begin(), spec_.legacy_codes.end(),
                                [&](int i) { return !out.values[static_cast<size_t>(i)].empty(); });
  bool uscc_errored = std::any_of(out.errors.begin(), out.errors.end(),
                                  [&](const FieldIssue& e) { return e.field == uscc_field; });
  if (!out.has_uscc && !has_legacy && !uscc_errored)
    out.errors.push_back({uscc_field, std::string(rawv),
                          "an organisation needs its unified social credit code (or, for legacy "
                          "data, 工商注册号, 组织机构代码 or another registration number)"});
  if (out.has_uscc && out.subject_type == SubjectType::legal_person &&
      is_individual_business(uscc)) {
    out.subject_type = SubjectType::individual_business;
    out.warnings.push_back({type_field, out.values[static_cast<size_t>(type_field)],
                            "the code starts with 92 (个体工商户): recorded as an individual "
                            "business"});
  }
}

void RowValidator::check_required(std::span<const std::string_view> raw, ValidatedRow& out) const {
  const bool type_known = out.matched[static_cast<size_t>(spec_.field(Role::subject_type))];
  const std::string& category = out.value(spec_, Role::category);
  for (size_t i = 0; i < spec_.fields.size(); ++i) {
    const FieldSpec& f = spec_.fields[i];
    if (!out.values[i].empty()) continue;
    const bool raw_given = i < raw.size() && !raw[i].empty();
    if (raw_given && std::any_of(out.errors.begin(), out.errors.end(), [&](const FieldIssue& e) {
          return e.field == static_cast<int>(i);
        }))
      continue;  // already reported as invalid
    std::string why;
    switch (f.required) {
      case Requirement::optional:
        break;
      case Requirement::always:
        why = f.required_cite.empty() ? "required" : fmt::format("required ({})", f.required_cite);
        break;
      case Requirement::organisation:
        if (type_known && is_organisation(out.subject_type))
          why = "required for organisations and individual businesses";
        break;
      case Requirement::natural_person:
        if (type_known && out.subject_type == SubjectType::natural_person)
          why = "required for natural persons";
        break;
      case Requirement::category_any:
        for (const auto& word : f.required_categories)
          if (category.find(word) != std::string::npos) {
            why = fmt::format("required when the category includes {}", word);
            break;
          }
        break;
    }
    if (!why.empty())
      out.errors.push_back({static_cast<int>(i), raw_given ? std::string(raw[i]) : "", why});
  }
}

void RowValidator::check_dates(std::span<const std::string_view> raw, ValidatedRow& out) const {
  for (size_t i = 0; i < spec_.fields.size(); ++i) {
    const FieldSpec& f = spec_.fields[i];
    auto date = f.type == FieldType::date ? to_date(out.values[i]) : std::nullopt;
    if (!date) continue;
    const std::string_view rawv = i < raw.size() ? raw[i] : std::string_view();
    if (f.not_future && *date > today_)
      out.errors.push_back(
          {static_cast<int>(i), std::string(rawv),
           fmt::format("{} is in the future (today is {})", date->iso(), today_.iso())});
    if (f.not_before < 0) continue;
    const FieldSpec& other = spec_.fields[static_cast<size_t>(f.not_before)];
    auto limit = to_date(out.values[static_cast<size_t>(f.not_before)]);
    if (limit && *date < *limit)
      out.errors.push_back(
          {static_cast<int>(i), std::string(rawv),
           fmt::format("{} is before {} {}", date->iso(), other.name, limit->iso())});
  }
}

// A natural person under the profile's age at the decision date is flagged for lenient handling
// (Gansu (十六): 对未成年人失信行为…应宽容审慎进行认定、记录和惩戒): a warning on import and a note
// in the record's derivation.
void RowValidator::flag_under_age(ValidatedRow& out) const {
  out.lenient_rule.clear();
  out.lenient_why.clear();
  const auto& rule = policy_.lenient_under_age;
  if (!rule || out.subject_type != SubjectType::natural_person) return;
  const std::string& id = out.value(spec_, Role::id_number);
  if (id.empty() || !looks_like_resident_id(id)) return;
  const auto check = check_resident_id(id);
  if (!check.valid || !check.birth_date) return;
  if (check.birth_date->add_years(rule->years) <= out.decided_on) return;
  out.lenient_rule = rule->rule.id;
  out.lenient_why =
      fmt::format("under {} on the decision date {} (born {}): handle leniently ({})", rule->years,
                  out.decided_on.iso(), check.birth_date->iso(), rule->rule.cite);
  out.warnings.push_back({spec_.field(Role::id_number), "", out.lenient_why});
}

void RowValidator::derive(ValidatedRow& out) const {
  out.decided_on = *to_date(out.value(spec_, Role::decided_on));
  SeverityFacts facts;
  facts.kind = spec_.kind;
  facts.category = out.value(spec_, Role::category);
  facts.content = out.value(spec_, Role::content);
  facts.fine = to_number(out.value(spec_, Role::fine));
  facts.confiscation = to_number(out.value(spec_, Role::confiscation));
  facts.explicit_severity = out.value(spec_, Role::explicit_severity);
  facts.violation_type = out.value(spec_, Role::violation_type);
  facts.natural_person = out.subject_type == SubjectType::natural_person;
  out.severity = classify_severity(policy_, facts);
  if (!out.severity.warning.empty())
    out.warnings.push_back({spec_.field(Role::explicit_severity),
                            std::string(facts.explicit_severity), out.severity.warning});
  auto explicit_end = to_date(out.value(spec_, Role::explicit_end));
  out.dates = derive_publicity(policy_, spec_.kind, out.severity.severity, out.decided_on,
                               explicit_end, to_date(out.value(spec_, Role::valid_until)));
  if (!out.dates.explicit_end_error.empty())
    out.errors.push_back(
        {spec_.field(Role::explicit_end), explicit_end->iso(), out.dates.explicit_end_error});
  else if (explicit_end && out.dates.end_rule != policy_.explicit_end.id)
    out.warnings.push_back({spec_.field(Role::explicit_end), explicit_end->iso(),
                            out.dates.notes.empty() ? "not used" : out.dates.notes.back()});
  flag_under_age(out);
  const int disclosure_field = spec_.field(Role::disclosure);
  const EnumValue* level =
      disclosure_field >= 0 ? out.matched[static_cast<size_t>(disclosure_field)] : nullptr;
  if (level) {
    out.disclosure = parse_disclosure(level->means).value_or(Disclosure::open);
    out.disclosure_rule = spec_.disclosure.column_rule;
    out.disclosure_why = "公开范围 column";
  } else if (!out.dates.publish) {
    out.disclosure = spec_.disclosure.not_published;
    out.disclosure_rule = spec_.disclosure.not_published_rule;
    out.disclosure_why = "the policy does not publish it (" + out.dates.publish_rule + ")";
  } else {
    out.disclosure = spec_.disclosure.by_default;
    out.disclosure_rule = spec_.disclosure.default_rule;
    out.disclosure_why.clear();
  }
}

std::string natural_key(const KindSpec& spec, const ValidatedRow& row) {
  return row.value(spec, Role::authority_uscc) + "|" + row.value(spec, Role::document_number);
}

void append_canonical_data(const KindSpec& spec, const ValidatedRow& row, std::string& out) {
  out += '{';
  bool first = true;
  for (int i : spec.sorted_by_code) {
    const std::string& v = row.values[static_cast<size_t>(i)];
    if (v.empty()) continue;
    if (!first) out += ',';
    first = false;
    append_json_string(out, spec.fields[static_cast<size_t>(i)].code);
    out += ':';
    append_json_string(out, v);
  }
  out += '}';
}

std::vector<std::string> field_values_from_data(const KindSpec& spec, std::string_view data) {
  auto object = nlohmann::json::parse(data, nullptr, false);
  if (!object.is_object()) throw KindSpecError("record data is not a JSON object");
  std::vector<std::string> values(spec.fields.size());
  for (const auto& [code, value] : object.items()) {
    const int f = spec.field_by_code(code);
    if (f < 0) continue;
    if (!value.is_string()) throw KindSpecError("record data holds a value that is not text");
    values[static_cast<size_t>(f)] = value.get<std::string>();
  }
  return values;
}

void append_derivation(const ValidatedRow& row, std::string& out) {
  out += '{';
  add_member(out, "severity", row.severity.rule_id);
  add_member(out, "severity_why", row.severity.explanation);
  add_member(out, "publicity_start", row.dates.start_rule);
  if (row.dates.earliest_repair) add_member(out, "earliest_repair", row.dates.repair_rule);
  add_member(out, "publicity_until", row.dates.end_rule);
  std::string notes;
  for (const auto& n : row.dates.notes)
    notes += (notes.empty() ? "" : "; ") + n;
  add_member(out, "publicity_notes", notes);
  add_member(out, "publish", row.dates.publish_rule);
  add_member(out, "disclosure", row.disclosure_rule);
  add_member(out, "disclosure_why", row.disclosure_why);
  add_member(out, "lenient", row.lenient_rule);
  add_member(out, "lenient_why", row.lenient_why);
  out += '}';
}

}  // namespace credit::domain
