// Validation of one imported row (DESIGN §2): noise cleaning, types, value lists, required
// fields per kind and subject type, identifier checks, cross-field rules, and the values derived
// from the active policy (severity, publicity dates, disclosure level) with the rule behind each.
// Pure: the caller supplies today's date; duplicates against the store are the caller's.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/kind_spec.hpp"
#include "domain/policy.hpp"

namespace credit::domain {

struct FieldIssue {
  int field = -1;      // index into KindSpec::fields; -1 for the row as a whole
  std::string value;   // the value as read
  std::string reason;  // what is wrong and, where useful, what to do
};

struct ValidatedRow {
  std::vector<std::string> values;        // per field: cleaned and normalised; empty = absent
  std::vector<const EnumValue*> matched;  // per field: the value-list entry (enumerations)
  std::vector<FieldIssue> errors, warnings;

  // Derived; meaningful only when ok().
  SubjectType subject_type = SubjectType::legal_person;
  bool has_uscc = false;  // false for natural persons and allow-listed placeholders
  Date decided_on;
  SeverityDecision severity;
  PublicityDates dates;
  Disclosure disclosure = Disclosure::open;
  std::string disclosure_rule, disclosure_why;
  std::string lenient_rule, lenient_why;  // a minor subject (policy lenient.under_age)

  bool ok() const { return errors.empty(); }
  const std::string& value(const KindSpec& spec, Role role) const;
};

class RowValidator {
 public:
  RowValidator(const KindSpec& spec, const PolicyProfile& policy, Date today)
      : spec_(spec), policy_(policy), today_(today) {}

  // `raw` holds one value per field of the spec, empty when the input has none. `out` is reused
  // between rows to spare allocations.
  void validate(std::span<const std::string_view> raw, ValidatedRow& out) const;

  const KindSpec& spec() const { return spec_; }
  const PolicyProfile& policy() const { return policy_; }

 private:
  void clean_field(int i, std::string_view raw, ValidatedRow& out) const;
  void check_type(int i, std::string_view raw, ValidatedRow& out) const;
  void check_id_numbers(std::span<const std::string_view> raw, ValidatedRow& out) const;
  void check_subject(std::span<const std::string_view> raw, ValidatedRow& out) const;
  void check_required(std::span<const std::string_view> raw, ValidatedRow& out) const;
  void check_dates(std::span<const std::string_view> raw, ValidatedRow& out) const;
  void derive(ValidatedRow& out) const;
  void flag_under_age(ValidatedRow& out) const;

  const KindSpec& spec_;
  const PolicyProfile& policy_;
  Date today_;
};

// "<authority USCC>|<document number>": with the kind, the record's natural key.
std::string natural_key(const KindSpec& spec, const ValidatedRow& row);

// The record's data as canonical JSON: every non-empty field by its code, keys sorted (the same
// bytes as canonical_json of the parsed object), appended to `out`.
void append_canonical_data(const KindSpec& spec, const ValidatedRow& row, std::string& out);

// The field values of a record's data (as written by append_canonical_data), by field index;
// keys that are not fields of the kind are ignored. Throws KindSpecError when it is not a JSON
// object of strings.
std::vector<std::string> field_values_from_data(const KindSpec& spec, std::string_view data);

// The derived values with the rule behind each, as flat JSON (records.derivation):
// {"severity": rule, "severity_why": …, "publicity_start": rule, "earliest_repair": rule,
//  "publicity_until": rule, "publicity_notes": …, "publish": rule, "disclosure": rule,
//  "disclosure_why": …, "lenient": rule, "lenient_why": …}; empty members are left out. Appended to
//  `out`.
void append_derivation(const ValidatedRow& row, std::string& out);

// Amounts in 万元: digits with an optional fraction (≤ 6 places), normalised ("020.50" → "20.5").
// A trailing 万元/万 unit is removed with `note` set; other text gives nullopt with `note` saying
// why.
std::optional<std::string> normalise_amount(std::string_view text, std::string& note);

}  // namespace credit::domain
