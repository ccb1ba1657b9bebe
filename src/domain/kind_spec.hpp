// Record kinds as data: the fields of a kind (Chinese name, standard code, aliases, role, type,
// when required, value lists), loaded from share/kinds/<kind>.json and share/kinds/values.json
// (format documented in share/kinds/README.md), and the mapping of an input file's header onto
// them. A new kind is a file plus its entry in domain::Kind.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "domain/policy.hpp"

namespace credit::domain {

class KindSpecError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class SubjectType { legal_person, natural_person, individual_business };
std::string_view to_string(SubjectType t);
std::optional<SubjectType> parse_subject_type(std::string_view s);  // the English names

// 三级管理: 社会公开, 政务共享, 授权查询.
enum class Disclosure { open, shared, authorised };
std::string_view to_string(Disclosure d);  // "public" | "shared" | "authorised"
std::optional<Disclosure> parse_disclosure(std::string_view s);

enum class FieldType { text, code, uscc, id_number, date, amount, enumeration };

// What a field means to credit. Fields with other roles (document_title, remedies …) are carried
// in the record's data and validated by type only.
enum class Role {
  other,
  subject_name,
  subject_type,
  uscc,
  legacy_code,
  legal_rep,
  legal_rep_id_type,
  legal_rep_id,
  id_type,
  id_number,
  document_number,
  category,
  content,
  violation_type,
  facts,
  basis,
  fine,
  confiscation,
  decided_on,
  valid_until,
  explicit_end,
  authority,
  authority_uscc,
  source_dept,
  source_dept_uscc,
  explicit_severity,
  disclosure,
  count_  // number of roles
};

enum class Requirement { optional, always, organisation, natural_person, category_any };

struct EnumValue {
  std::string value;                 // stored form
  std::vector<std::string> aliases;  // other accepted spellings
  std::string means;                 // e.g. "natural_person", "resident_id", "public"
};

struct ValueList {
  std::string name;
  std::vector<EnumValue> values;
  std::string open_prefix;  // any value starting with it is accepted ("其他…")
  // The entry a (cleaned) value names, or nullptr; an open-prefix value matches `open` (value "").
  const EnumValue* match(std::string_view text) const;
  std::string describe() const;  // "a, b, c" for messages
  EnumValue open;
};

struct FieldSpec {
  std::string code, name;
  std::vector<std::string> aliases;
  std::string role_name;
  Role role = Role::other;
  FieldType type = FieldType::text;
  Requirement required = Requirement::optional;
  std::vector<std::string> required_categories;  // Requirement::category_any
  std::string required_cite;                     // the rule that requires it, named in the error
  size_t max_length = 0;                         // code points; 0 = no limit beyond the type's
  std::shared_ptr<const ValueList> values;       // FieldType::enumeration
  bool multiple = false;    // several values separated by ；;，,、/ or spaces
  bool not_future = false;  // a date that may not be after today
  int not_before = -1;      // a date not earlier than this field's date
  int id_type_field = -1;   // FieldType::id_number: the field holding its 证件类型
  bool personal = false;    // personal information: masked and HMACed in the audit log
  bool free_text = false;   // screened for personal data below the clear-data level (privacy.hpp)

  // Codes, numbers and dates are cleaned as codes (every full-width form, labels removed).
  bool code_like() const { return type != FieldType::text && type != FieldType::enumeration; }
  std::string label() const { return name + " " + code; }
};

struct DisclosureRule {
  Disclosure by_default = Disclosure::open;
  Disclosure not_published = Disclosure::shared;
  std::string cite;
  // Rule ids: "kinds/<kind>/disclosure.default", ".not_published", and the 公开范围 column's.
  std::string default_rule, not_published_rule, column_rule;
};

struct KindSpec {
  Kind kind = Kind::penalty;
  std::string title, standard;
  DisclosureRule disclosure;
  std::vector<FieldSpec> fields;
  std::vector<int> sorted_by_code;  // field indices ordered by code (canonical data)
  std::vector<int> legacy_codes;    // fields with role legacy_code
  // Normalised headers of columns read and dropped without a warning: 序号 and the 2016
  // standard's DFBM/SJC (the kind file's "ignored_columns").
  std::vector<std::string> ignored_columns;

  int field(Role role) const { return role_field_[static_cast<size_t>(role)]; }
  int field_by_code(std::string_view code) const;
  // A header cell (Chinese name, code or alias; full-width forms, spaces and case ignored).
  int match_header(std::string_view header) const;
  // An ignored column: one of ignored_columns or a column a rejects file adds.
  bool ignores_header(std::string_view header) const;
  // "kinds/penalty/disclosure.default" and the like: rule ids of credit's own rules.
  std::string rule_id(std::string_view path) const;

  std::array<int, static_cast<size_t>(Role::count_)> role_field_{};
};

// Parses a kind file with the shared value lists; throws KindSpecError naming the problem.
KindSpec parse_kind_spec(std::string_view kind_json, std::string_view values_json);

// The header key used for matching: full-width ASCII forms → ASCII, spaces and BOM removed,
// ASCII upper-cased, '*' (a required-column marker) dropped.
std::string normalise_header(std::string_view header);

// Columns a rejects file adds after the input's own (ignored on re-import).
inline constexpr std::array<std::string_view, 3> kRejectColumns = {"原文件行号", "错误列",
                                                                   "错误原因"};

struct HeaderMapping {
  static constexpr int kUnknown = -1;
  static constexpr int kIgnored = -2;  // a rejects file's extra column, 序号 …
  std::vector<int> column_field;       // per input column: field index, kUnknown or kIgnored
  std::vector<int> unknown_columns;    // input column indices
  std::vector<int> missing_required;   // fields required always that have no column
  std::vector<std::pair<int, int>> duplicates;  // (first column, repeated column) of one field
  bool ok() const { return missing_required.empty() && duplicates.empty(); }
};
HeaderMapping map_header(const KindSpec& spec, const std::vector<std::string>& header);

}  // namespace credit::domain
