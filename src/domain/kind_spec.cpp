#include "domain/kind_spec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "domain/text_clean.hpp"

namespace credit::domain {

using nlohmann::json;

std::string_view to_string(SubjectType t) {
  switch (t) {
    case SubjectType::legal_person:
      return "legal_person";
    case SubjectType::natural_person:
      return "natural_person";
    case SubjectType::individual_business:
      return "individual_business";
  }
  return "?";
}

std::optional<SubjectType> parse_subject_type(std::string_view s) {
  for (auto t :
       {SubjectType::legal_person, SubjectType::natural_person, SubjectType::individual_business})
    if (to_string(t) == s) return t;
  return std::nullopt;
}

std::string_view to_string(Disclosure d) {
  switch (d) {
    case Disclosure::open:
      return "public";
    case Disclosure::shared:
      return "shared";
    case Disclosure::authorised:
      return "authorised";
  }
  return "?";
}

std::optional<Disclosure> parse_disclosure(std::string_view s) {
  for (auto d : {Disclosure::open, Disclosure::shared, Disclosure::authorised})
    if (to_string(d) == s) return d;
  return std::nullopt;
}

namespace {

constexpr std::array<std::pair<std::string_view, Role>, 26> kRoles = {{
    {"subject_name", Role::subject_name},
    {"subject_type", Role::subject_type},
    {"uscc", Role::uscc},
    {"legacy_code", Role::legacy_code},
    {"legal_rep", Role::legal_rep},
    {"legal_rep_id_type", Role::legal_rep_id_type},
    {"legal_rep_id", Role::legal_rep_id},
    {"id_type", Role::id_type},
    {"id_number", Role::id_number},
    {"document_number", Role::document_number},
    {"category", Role::category},
    {"content", Role::content},
    {"violation_type", Role::violation_type},
    {"facts", Role::facts},
    {"basis", Role::basis},
    {"fine", Role::fine},
    {"confiscation", Role::confiscation},
    {"decided_on", Role::decided_on},
    {"valid_until", Role::valid_until},
    {"explicit_end", Role::explicit_end},
    {"authority", Role::authority},
    {"authority_uscc", Role::authority_uscc},
    {"source_dept", Role::source_dept},
    {"source_dept_uscc", Role::source_dept_uscc},
    {"explicit_severity", Role::explicit_severity},
    {"disclosure", Role::disclosure},
}};

// Roles every kind must have exactly once: they make the record's columns and natural key.
constexpr std::array<Role, 8> kRequiredRoles = {
    Role::subject_name, Role::subject_type,   Role::document_number, Role::decided_on,
    Role::authority,    Role::authority_uscc, Role::source_dept,     Role::source_dept_uscc};

[[noreturn]] void fail_at(std::string_view where, std::string_view what) {
  throw KindSpecError(fmt::format("kind spec {}: {}", where, what));
}

std::string text_at(const json& j, std::string_view key, std::string_view where) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
    fail_at(where, fmt::format("'{}' must be a non-empty string", key));
  return it->get<std::string>();
}

std::vector<std::string> strings_at(const json& j, std::string_view key, std::string_view where) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end()) return out;
  if (!it->is_array()) fail_at(where, fmt::format("'{}' must be an array of strings", key));
  for (const auto& s : *it) {
    if (!s.is_string()) fail_at(where, fmt::format("'{}' must be an array of strings", key));
    out.push_back(s.get<std::string>());
  }
  return out;
}

bool flag_at(const json& j, std::string_view key, std::string_view where) {
  auto it = j.find(key);
  if (it == j.end()) return false;
  if (!it->is_boolean()) fail_at(where, fmt::format("'{}' must be true or false", key));
  return it->get<bool>();
}

std::shared_ptr<ValueList> parse_value_list(const std::string& name, const json& j) {
  auto list = std::make_shared<ValueList>();
  list->name = name;
  const json* entries = &j;
  if (j.is_object()) {
    if (j.contains("open_prefix")) list->open_prefix = text_at(j, "open_prefix", name);
    if (!j.contains("values")) fail_at(name, "'values' is missing");
    entries = &j["values"];
  }
  if (!entries->is_array() || entries->empty()) fail_at(name, "expected a non-empty array");
  for (const auto& e : *entries) {
    if (!e.is_object()) fail_at(name, "each value is an object {value, aliases?, means?}");
    EnumValue v{text_at(e, "value", name), strings_at(e, "aliases", name), {}};
    if (e.contains("means")) v.means = text_at(e, "means", name);
    list->values.push_back(std::move(v));
  }
  return list;
}

std::map<std::string, std::shared_ptr<const ValueList>> parse_value_lists(std::string_view text) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("lists") || !doc["lists"].is_object())
    fail_at("values", "not a JSON object with 'lists'");
  std::map<std::string, std::shared_ptr<const ValueList>> out;
  for (const auto& [name, j] : doc["lists"].items())
    out[name] = parse_value_list(name, j);
  return out;
}

FieldType parse_type(const std::string& s, std::string_view where) {
  static const std::map<std::string, FieldType, std::less<>> types = {
      {"text", FieldType::text},           {"code", FieldType::code}, {"uscc", FieldType::uscc},
      {"id_number", FieldType::id_number}, {"date", FieldType::date}, {"amount", FieldType::amount},
      {"enum", FieldType::enumeration}};
  auto it = types.find(s);
  if (it == types.end()) fail_at(where, fmt::format("unknown type '{}'", s));
  return it->second;
}

void parse_requirement(const json& j, FieldSpec& f, std::string_view where) {
  auto it = j.find("required");
  if (it == j.end()) return;
  if (it->is_object()) {
    f.required = Requirement::category_any;
    f.required_categories = strings_at(*it, "category_any", where);
    if (f.required_categories.empty()) fail_at(where, "'required.category_any' is empty");
    return;
  }
  static const std::map<std::string, Requirement, std::less<>> kinds = {
      {"always", Requirement::always},
      {"organisation", Requirement::organisation},
      {"natural_person", Requirement::natural_person},
      {"optional", Requirement::optional}};
  auto found = it->is_string() ? kinds.find(it->get<std::string>()) : kinds.end();
  if (found == kinds.end())
    fail_at(where,
            "'required' is always, organisation, natural_person, optional or {category_any}");
  f.required = found->second;
}

struct PendingLinks {
  std::string not_before, id_type_field;
};

FieldSpec parse_field(const json& j,
                      const std::map<std::string, std::shared_ptr<const ValueList>>& lists,
                      PendingLinks& links) {
  if (!j.is_object()) fail_at("fields", "each field is an object");
  FieldSpec f;
  f.code = text_at(j, "code", "field");
  const std::string where = "field " + f.code;
  f.name = text_at(j, "name", where);
  f.aliases = strings_at(j, "aliases", where);
  f.role_name = j.contains("role") ? text_at(j, "role", where) : "other";
  for (const auto& [name, role] : kRoles)
    if (name == f.role_name) f.role = role;
  f.type = j.contains("type") ? parse_type(text_at(j, "type", where), where) : FieldType::text;
  parse_requirement(j, f, where);
  if (j.contains("required_cite")) f.required_cite = text_at(j, "required_cite", where);
  if (auto it = j.find("max_length"); it != j.end()) {
    if (!it->is_number_unsigned() || it->get<size_t>() == 0)
      fail_at(where, "'max_length' must be a positive integer");
    f.max_length = it->get<size_t>();
  }
  if (f.type == FieldType::enumeration) {
    std::string list = text_at(j, "values", where);
    auto found = lists.find(list);
    if (found == lists.end()) fail_at(where, fmt::format("no value list named '{}'", list));
    f.values = found->second;
  }
  f.multiple = flag_at(j, "multiple", where);
  f.not_future = flag_at(j, "not_future", where);
  f.personal = flag_at(j, "personal", where);
  f.free_text = flag_at(j, "free_text", where);
  if (f.free_text && f.type != FieldType::text) fail_at(where, "free_text applies to text fields");
  if (j.contains("not_before")) links.not_before = text_at(j, "not_before", where);
  if (j.contains("id_type_field")) links.id_type_field = text_at(j, "id_type_field", where);
  if ((f.not_future || !links.not_before.empty()) && f.type != FieldType::date)
    fail_at(where, "not_future and not_before apply to dates");
  if (f.type == FieldType::id_number && links.id_type_field.empty())
    fail_at(where, "an id_number field names its id_type_field");
  return f;
}

void index_fields(KindSpec& spec, const std::vector<PendingLinks>& links) {
  spec.role_field_.fill(-1);
  for (size_t i = 0; i < spec.fields.size(); ++i) {
    const auto& f = spec.fields[i];
    const int index = static_cast<int>(i);
    if (spec.field_by_code(f.code) != index) fail_at(f.code, "code defined twice");
    if (f.role == Role::legacy_code) {
      spec.legacy_codes.push_back(index);
    } else if (f.role != Role::other) {
      if (spec.role_field_[static_cast<size_t>(f.role)] >= 0)
        fail_at(f.code, fmt::format("role '{}' is given to two fields", f.role_name));
      spec.role_field_[static_cast<size_t>(f.role)] = index;
    }
    auto link = [&](const std::string& code, int& target) {
      if (code.empty()) return;
      target = spec.field_by_code(code);
      if (target < 0) fail_at(f.code, fmt::format("refers to unknown field '{}'", code));
    };
    link(links[i].not_before, spec.fields[i].not_before);
    link(links[i].id_type_field, spec.fields[i].id_type_field);
  }
  for (Role r : kRequiredRoles)
    if (spec.field(r) < 0)
      fail_at(std::string(to_string(spec.kind)),
              "a field for every record column is required "
              "(subject_name, subject_type, document_number, "
              "decided_on, authority, authority_uscc, "
              "source_dept, source_dept_uscc)");
  spec.sorted_by_code.resize(spec.fields.size());
  for (size_t i = 0; i < spec.fields.size(); ++i)
    spec.sorted_by_code[i] = static_cast<int>(i);
  std::sort(spec.sorted_by_code.begin(), spec.sorted_by_code.end(),
            [&](int a, int b) { return spec.fields[a].code < spec.fields[b].code; });
}

DisclosureRule parse_disclosure_rule(const json& doc) {
  auto it = doc.find("disclosure");
  if (it == doc.end() || !it->is_object()) fail_at("disclosure", "missing");
  auto level = [&](std::string_view key) {
    auto d = parse_disclosure(text_at(*it, key, "disclosure"));
    if (!d) fail_at("disclosure", fmt::format("'{}' is public, shared or authorised", key));
    return *d;
  };
  DisclosureRule rule;
  rule.by_default = level("default");
  rule.not_published = level("not_published");
  rule.cite = text_at(*it, "cite", "disclosure");
  return rule;
}

}  // namespace

const EnumValue* ValueList::match(std::string_view text) const {
  auto same = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
             return lower(x) == lower(y);
           });
  };
  for (const auto& v : values) {
    if (same(v.value, text)) return &v;
    for (const auto& a : v.aliases)
      if (same(a, text)) return &v;
  }
  if (!open_prefix.empty() && text.starts_with(open_prefix)) return &open;
  return nullptr;
}

std::string ValueList::describe() const {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += ", ";
    out += v.value;
  }
  if (!open_prefix.empty()) out += ", " + open_prefix + "…";
  return out;
}

int KindSpec::field_by_code(std::string_view code) const {
  for (size_t i = 0; i < fields.size(); ++i)
    if (fields[i].code == code) return static_cast<int>(i);
  return -1;
}

std::string KindSpec::rule_id(std::string_view path) const {
  return fmt::format("kinds/{}/{}", to_string(kind), path);
}

std::string normalise_header(std::string_view header) {
  std::string out;
  for (size_t pos = 0; pos < header.size();) {
    auto cp = utf8_next(header, pos);
    if (!cp) continue;
    char32_t c = *cp;
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;  // full-width forms
    // '*' (and ＊, mapped above) is the required-column marker of fill-in templates.
    if (c == U' ' || c == U'\t' || c == 0x3000 || c == 0xFEFF || c == 0xA0 || c == U'\r' ||
        c == U'\n' || c == U'*')
      continue;
    if (c >= U'a' && c <= U'z') c -= 0x20;
    append_utf8(out, c);
  }
  return out;
}

bool KindSpec::ignores_header(std::string_view header) const {
  const std::string key = normalise_header(header);
  if (std::find(ignored_columns.begin(), ignored_columns.end(), key) != ignored_columns.end())
    return true;
  return std::any_of(kRejectColumns.begin(), kRejectColumns.end(),
                     [&](std::string_view r) { return key == r; });
}

int KindSpec::match_header(std::string_view header) const {
  const std::string key = normalise_header(header);
  if (key.empty()) return -1;
  for (size_t i = 0; i < fields.size(); ++i) {
    const auto& f = fields[i];
    if (key == normalise_header(f.code) || key == normalise_header(f.name))
      return static_cast<int>(i);
    for (const auto& a : f.aliases)
      if (key == normalise_header(a)) return static_cast<int>(i);
  }
  return -1;
}

KindSpec parse_kind_spec(std::string_view kind_json, std::string_view values_json) {
  const auto lists = parse_value_lists(values_json);
  json doc = json::parse(kind_json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) fail_at("file", "not a JSON object");
  if (!doc.contains("format") || doc["format"] != 1)
    fail_at("file", "unsupported format (this build reads 1)");
  KindSpec spec;
  auto kind = parse_kind(text_at(doc, "kind", "file"));
  if (!kind) fail_at("file", "'kind' is license, penalty, dishonest or red");
  spec.kind = *kind;
  spec.title = text_at(doc, "title", "file");
  spec.standard = text_at(doc, "standard", "file");
  spec.disclosure = parse_disclosure_rule(doc);
  for (const auto& name : strings_at(doc, "ignored_columns", "file"))
    spec.ignored_columns.push_back(normalise_header(name));
  if (!doc.contains("fields") || !doc["fields"].is_array() || doc["fields"].empty())
    fail_at("file", "'fields' must be a non-empty array");
  std::vector<PendingLinks> links;
  for (const auto& j : doc["fields"]) {
    links.emplace_back();
    spec.fields.push_back(parse_field(j, lists, links.back()));
  }
  index_fields(spec, links);
  spec.disclosure.default_rule = spec.rule_id("disclosure.default");
  spec.disclosure.not_published_rule = spec.rule_id("disclosure.not_published");
  spec.disclosure.column_rule = spec.rule_id("fields.GKFW");
  return spec;
}

HeaderMapping map_header(const KindSpec& spec, const std::vector<std::string>& header) {
  HeaderMapping m;
  std::vector<int> column_of(spec.fields.size(), -1);
  for (size_t c = 0; c < header.size(); ++c) {
    const int column = static_cast<int>(c);
    int field = spec.match_header(header[c]);
    if (field < 0) {
      const bool ignored = spec.ignores_header(header[c]);
      m.column_field.push_back(ignored ? HeaderMapping::kIgnored : HeaderMapping::kUnknown);
      if (!ignored) m.unknown_columns.push_back(column);
      continue;
    }
    if (column_of[field] >= 0) {
      m.duplicates.emplace_back(column_of[field], column);
      m.column_field.push_back(HeaderMapping::kUnknown);
      continue;
    }
    column_of[field] = column;
    m.column_field.push_back(field);
  }
  for (size_t i = 0; i < spec.fields.size(); ++i)
    if (spec.fields[i].required == Requirement::always && column_of[i] < 0)
      m.missing_required.push_back(static_cast<int>(i));
  return m;
}

}  // namespace credit::domain
