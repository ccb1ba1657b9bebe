// Policy profiles: the publicity, repair, deadline and masking rules a platform
// applies, loaded from data (share/policy/*.json), and the pure decisions taken
// from them. Every decision carries the id of the rule behind it so that output
// and audit log can name it ("national-2026/periods.penalty.severe.max").
//
// File format (credit-policy format 1; keys starting with "_" are comments).
// A rule id is "<profile id>/<path of the JSON object that holds its cite>",
// list entries use their "id" (or code) instead of an index so ids stay stable:
//   id, title, in_force "YYYY-MM-DD", legal_basis [{number, title}]
//   severity.explicit {cite}                      失信程度 column; always wins for penalties
//   severity.license / severity.dishonest {severity, cite}   fixed values (see classify_severity)
//   severity.rules [{id, severity, cite, <conditions>}]      ordered, first match wins;
//       conditions (all given ones must hold, at least one given):
//       keywords_any [..]    处罚类别 or 处罚内容 contains one of them
//       categories_only [..] every item of 处罚类别 (split on ；;，,、/ and spaces) contains one of
//       them violation_any [..]   违法行为类型 contains one of them fine_at_least / fine_at_most
//       (万元, inclusive: 以上/以下), confiscation_at_least (万元) natural_person true|false
//   severity.default {severity, cite}
//   periods.start {cite}; periods.explicit_end {cite, below_minimum {action reject|correct,
//   cite}}   (公示截止期 column; shorter than the minimum period: rejected or corrected)
//   lenient? {under_age {years, cite}}: natural persons under that age at the decision are flagged
//   periods.penalty.{minor,general,severe}.{publish {value, cite}, min {months, cite}, max {months,
//   cite}} periods.license.{end {cite}, indefinite "2099-12-31", no_end {months, cite}}
//   periods.dishonest.{end {cite}, min? {months, cite}, no_end {months, cite}}
//   red_list? {severity {severity, cite}, end {cite}, no_end {months, cite}, refused_by {cite},
//       ended_by? {events [severe_penalty|dishonest], cite}}   the red list (守信激励名单)
//   periods.min_start? {from "decision"|"first_publication", cite}   when the minimum counts from
//   repair.subjects? {types [legal_person|natural_person|individual_business], cite}
//   repair.behaviours [{id, title, names [..], laws? [{law, articles? [..]}], cite}]: the catalogue
//       of kinds of behaviour: 违法行为类型 containing a name (ignoring spaces and punctuation), or
//       处罚依据 citing the law (and one of the articles, when given), is that behaviour
//   repair.non_repairable [{id, title, kinds, severities, behaviours? [ids], column_values? [..],
//       keywords_any? [..], cite}]: by 失信行为类别 column, then catalogued behaviour, then
//       keywords in 违法行为类型/处罚依据 (never in 违法事实)
//   repair.max_repairs? {count, within_months, cite}; repair.same_kind_cooldown? {months, cite}
//   repair.notice? {working_days, cite}; repair.decision {working_days, cite};
//   repair.acceptance? {cite}: approval is the recorded decision to accept (是否同意受理);
//   repair.decision_after_notice? {cite}: the decision number is issued when the notice ends;
//   repair.withdrawal? {working_days, cite}; repair.annulment? {cite}: a repair obtained by
//       untrue statements may be annulled (`repair annul`); without it the profile allows none
//   repair.evidence [{id, title, required_for [severity..], min_class_hours?,
//   issued_within_months?, cite}] deadlines.{publication, objection} {working_days, cite}
//   masking.{name {cite}, id_number {keep_first, keep_last, cite}, legal_rep_id {show, cite}}
//   uscc_allow_list [{code, reason, cite}]
//   privacy? (free-text screening, domain/privacy.hpp; a profile without it screens nothing and
//   cannot cut a release):
//     import {strict, cite}                        reject rows with personal data in free text
//     id_number {cite}                             masked like masking.id_number
//     phone {keep_first, keep_last, labels [..], cite}   labels: a 7–8 digit number after one of
//                                                  them in the same clause is a phone number
//     email {cite}; subject_name {cite}
//     bank_card {keep_first, keep_last, labels [..], cite}  labels: account numbers of 12–25 digits
//     address {levels [..], details [..], replacement, cite}  detail (号/室/单元…) after a level
//                                                  word (路/街/村…) is replaced
//     not_personal {labels [..], cite}             numbers right after these are codes (注册号…)
//     terms [{id, data: health|religion, terms [..], replacement, cite}]  the whole clause goes
//   consent? (授权查询, docs/privacy.md; a profile without it answers no authorised query of
//   another department's records and records no authorisation):
//     required {cite}                              the rule a refused authorised query names
//     max_validity {months, cite}                  the longest an authorisation may run
#pragma once

#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "domain/date.hpp"

namespace credit::domain {

enum class Kind { license, penalty, dishonest, red };
enum class Severity { minor, general, severe };

std::string_view to_string(Kind k);       // "license" | "penalty" | "dishonest" | "red"
std::string_view to_string(Severity s);   // "minor" | "general" | "severe"
std::string_view to_chinese(Severity s);  // "轻微" | "一般" | "严重"
// Also accepts "licence", 行政许可, 行政处罚, 失信 / 严重失信主体名单, 守信激励名单 / 诚信典型 /
// 红名单.
std::optional<Kind> parse_kind(std::string_view s);
// minor/general/severe, 轻微/一般/严重 and the 失信程度 forms 轻微失信/一般失信/严重失信.
std::optional<Severity> parse_severity(std::string_view s);

// A policy file that cannot be used; what() names the JSON path.
class PolicyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RuleRef {
  std::string id;    // "national-2026/periods.penalty.severe.max"
  std::string cite;  // legal source, e.g. "国家发展改革委令2025年第36号 第二章"
};
struct MonthsRule {
  int months = 0;
  RuleRef rule;
};
struct WorkingDaysRule {
  int working_days = 0;
  RuleRef rule;
};
struct DaysRule {
  int days = 0;
  RuleRef rule;
};
// Bounds the platform sets on its own operation (optional section "platform"; without it the
// defaults below apply and name no rule).
struct PlatformRules {
  // The longest standing import authorisation (import authorize --until), from today.
  std::optional<DaysRule> authorization_max;
  // How old the newest audit checkpoint may be before audit verify warns.
  std::optional<DaysRule> checkpoint_interval;
  int authorization_max_days() const { return authorization_max ? authorization_max->days : 366; }
  int checkpoint_interval_days() const {
    return checkpoint_interval ? checkpoint_interval->days : 7;
  }
};
struct FlagRule {
  bool value = true;
  RuleRef rule;
};
struct FixedSeverity {
  Severity severity = Severity::general;
  RuleRef rule;
};

struct SeverityRule {
  RuleRef rule;
  Severity severity = Severity::general;
  std::vector<std::string> keywords_any;
  std::vector<std::string> categories_only;
  std::vector<std::string> violation_any;
  std::optional<double> fine_at_least, fine_at_most, confiscation_at_least;  // 万元
  std::optional<bool> natural_person;
};

struct PenaltyPeriods {
  FlagRule publish;
  MonthsRule min;  // before repair may be applied for
  MonthsRule max;  // withdrawn automatically after
};
// Licences are not sanctions: published for their validity (有效期至), not a penalty period.
struct LicensePeriods {
  RuleRef end;
  Date indefinite;  // 有效期至 value meaning "no end" (2099-12-31)
  MonthsRule no_end;
};
// A list entry is published until its listing end date (or removal).
struct DishonestPeriods {
  RuleRef end;
  std::optional<MonthsRule> min;  // repair/removal application, where the profile has one
  MonthsRule no_end;              // when the listing end date is missing
};

// The red list (守信激励名单): its fixed severity (it is no sanction), its period, and how it
// meets the records of the same subject that speak against it.
struct RedListRules {
  FixedSeverity severity;
  RuleRef end;         // listed until 有效期
  MonthsRule no_end;   // when the 有效期 is missing
  RuleRef refused_by;  // a severe penalty in publicity or an active dishonest listing refuses
  bool ended_by_severe_penalty = false, ended_by_dishonest = false;
  std::optional<RuleRef> ended_by;  // a new such record ends an active red listing
};

// A law and the articles of it that define a behaviour; no articles: any article of the law.
struct LawRef {
  std::string law;  // short name as cited: "招标投标法" matches 《中华人民共和国招标投标法》
  std::vector<std::string> articles;  // "第五十三条"
};
// One kind of behaviour in the profile's catalogue: what "the same kind" means (Dandong Art.
// 10(3)) and what the non-repairable categories list.
struct Behaviour {
  std::string id, title;
  RuleRef rule;
  std::vector<std::string> names;  // 违法行为类型 values and their synonyms
  std::vector<LawRef> laws;        // 处罚依据 citing one of them
};
struct NonRepairableCategory {
  std::string id, title;
  RuleRef rule;
  std::vector<Kind> kinds;
  std::vector<Severity> severities;
  std::vector<std::string> behaviours;     // catalogue ids
  std::vector<std::string> column_values;  // 失信行为类别 values naming it (besides its id)
  std::vector<std::string> keywords_any;   // last resort: 违法行为类型 and 处罚依据 only
};
struct SubjectRule {
  std::vector<std::string> types;  // records.subject_type values the repair rules apply to
  RuleRef rule;
};
struct RepairCountLimit {
  int count = 0;          // at most this many repairs …
  int within_months = 0;  // … within this many months
  RuleRef rule;
};
struct EvidenceRequirement {
  std::string id, title;
  std::vector<Severity> required_for;
  int min_class_hours = 0;       // training certificates
  int issued_within_months = 0;  // credit reports
  RuleRef rule;
};
struct RepairPolicy {
  std::optional<SubjectRule> subjects;  // who may apply at all; nullopt: every subject
  std::vector<Behaviour> behaviours;
  std::vector<NonRepairableCategory> non_repairable;
  std::optional<RepairCountLimit> max_repairs;
  std::optional<MonthsRule> same_kind_cooldown;
  std::optional<WorkingDaysRule> notice;  // public notice of a proposed repair
  std::vector<EvidenceRequirement> evidence;
  WorkingDaysRule decision;                      // decide within
  std::optional<WorkingDaysRule> withdrawal;     // withdraw from publication after the decision
  std::optional<RuleRef> annulment;              // a fraudulent repair is annulled
  std::optional<RuleRef> acceptance;             // approval records the acceptance decision
  std::optional<RuleRef> decision_after_notice;  // the decision number after the notice
};
struct MaskingRules {
  int id_keep_first = 4;
  int id_keep_last = 4;
  char mask_char = '*';
  bool show_legal_rep_id = false;
  RuleRef name_rule, id_rule, legal_rep_rule;
};
// What the free-text screener finds (东营: 家庭住址、通讯方式、健康状况、宗教信仰; 甘肃: 脱敏处理).
enum class PersonalData { id_number, phone, email, bank_card, address, health, religion, name };
inline constexpr size_t kPersonalDataKinds = 8;
std::string_view to_string(PersonalData d);   // "id_number", "phone", … "name"
std::string_view to_chinese(PersonalData d);  // 身份证件号码, 电话号码, …
std::optional<PersonalData> parse_personal_data(std::string_view s);

struct PrivacyTerms {
  std::string id;
  PersonalData data = PersonalData::health;
  std::vector<std::string> terms;
  std::string replacement;  // replaces the whole clause
  RuleRef rule;
};
struct PrivacyRules {
  bool present = false;        // the profile has a privacy section
  bool strict_import = false;  // import rejects rows instead of warning
  RuleRef import_rule, id_rule, phone_rule, email_rule, bank_card_rule, address_rule, name_rule,
      not_personal_rule;
  int phone_keep_first = 3, phone_keep_last = 4, card_keep_first = 0, card_keep_last = 4;
  std::vector<std::string> phone_labels, account_labels, not_personal_labels;
  std::vector<std::string> address_levels, address_details;
  std::string address_replacement;
  std::vector<PrivacyTerms> terms;
};

// Authorised query (授权查询): the subject's authorisation, time-limited (甘肃 (十四)).
struct ConsentRules {
  bool present = false;  // the profile has a consent section
  RuleRef required;
  MonthsRule max_validity;
};

struct AllowedCode {
  std::string code, reason;
  RuleRef rule;
};
struct LegalBasis {
  std::string number, title;
};

// A 公示截止期 shorter than the minimum period: rejected, or corrected to the minimum's end.
struct BelowMinimumRule {
  bool reject = true;
  RuleRef rule;
};
// Subjects under this age at the decision date are flagged for lenient handling.
struct AgeRule {
  int years = 18;
  RuleRef rule;
};

struct PolicyProfile {
  std::string id, title;
  std::vector<LegalBasis> legal_basis;
  Date in_force;

  RuleRef severity_explicit;
  FixedSeverity severity_license, severity_dishonest, severity_default;
  std::vector<SeverityRule> severity_rules;

  RuleRef period_start, explicit_end;
  // Where the minimum period counts from the first publication (披露之日), its rule; nullopt:
  // from the decision date like the other periods (period_start).
  std::optional<RuleRef> min_from_publication;
  std::optional<BelowMinimumRule> explicit_end_below_min;
  std::optional<AgeRule> lenient_under_age;
  std::array<PenaltyPeriods, 3> penalty;  // indexed by Severity
  LicensePeriods license;
  DishonestPeriods dishonest;
  std::optional<RedListRules> red_list;  // a profile without it takes no red-list records

  RepairPolicy repair;
  WorkingDaysRule publication_deadline, objection_deadline;
  MaskingRules masking;
  PrivacyRules privacy;
  ConsentRules consent;
  PlatformRules platform;
  std::vector<AllowedCode> uscc_allow_list;

  const PenaltyPeriods& penalty_periods(Severity s) const {
    return penalty[static_cast<size_t>(s)];
  }
  std::vector<RuleRef> all_rules() const;  // every rule of the profile, in file order
  std::optional<RuleRef> find_rule(std::string_view rule_id) const;
};

// Parses and validates a profile; throws PolicyError naming the JSON path.
PolicyProfile parse_policy(std::string_view json_text);

// ---- decisions -------------------------------------------------------------

struct SeverityFacts {  // views into the caller's row; must outlive the call
  Kind kind = Kind::penalty;
  std::string_view category;           // 处罚类别
  std::string_view content;            // 处罚内容
  std::optional<double> fine;          // 罚款金额（万元）
  std::optional<double> confiscation;  // 没收违法所得、没收非法财物的金额（万元）
  std::string_view explicit_severity;  // 失信程度 column, empty when absent
  std::string_view violation_type;     // 违法行为类型
  bool natural_person = false;
};
struct SeverityDecision {
  Severity severity = Severity::general;
  std::string rule_id;
  std::string explanation;
  std::string warning;  // e.g. an unrecognised 失信程度 value that was ignored
};
// Penalties: the explicit column wins, then the ordered rules, then the default.
// Licences: not sanctions, severity is meaningless; the profile's fixed value
// (severity.license, "general" in the shipped profiles) is returned so callers
// never branch on a missing value. Dishonest-list entries: fixed severe.
SeverityDecision classify_severity(const PolicyProfile& p, const SeverityFacts& f);

struct PublicityDates {
  Date start;
  std::optional<Date> earliest_repair;  // first day a repair may be applied for; nullopt also
                                        // when it counts from a publication not yet made
  Date end;                             // last day of publication (公示截止期, inclusive)
  bool publish = true;
  std::string start_rule, repair_rule, end_rule, publish_rule;
  std::string repair_start_rule;    // what the minimum counts from (periods.start or min_start)
  bool awaits_publication = false;  // the minimum counts from a first publication not yet made
  std::string explicit_end_error;  // 公示截止期 below the minimum, where the profile rejects it
  std::vector<std::string> notes;  // why an explicit end was used, capped or ignored
};
// explicit_end (公示截止期 column) wins when it lies within [decision, policy end];
// later is capped to the policy end, earlier than the decision is ignored; both noted.
// valid_until: licence 有效期至 (2099-12-31 = indefinite, published until then) or
// the dishonest listing end date; unused for penalties.
// first_published: the record's first publication, for profiles whose minimum counts from it.
PublicityDates derive_publicity(const PolicyProfile& p, Kind kind, Severity severity,
                                Date decision_date, std::optional<Date> explicit_end,
                                std::optional<Date> valid_until,
                                std::optional<Date> first_published = std::nullopt);

// What a record says about its behaviour (views into the caller's strings).
struct BehaviourFacts {
  std::string_view violation_type;  // 违法行为类型
  std::string_view basis;           // 处罚依据
  std::string_view declared;        // 失信行为类别 column, where the department gives one
  // 违法事实 is deliberately absent: a story may mention anything (a customer, a product) and is
  // never enough on its own to classify a decision.
};
struct BehaviourMatch {
  const Behaviour* behaviour = nullptr;
  std::string field;    // "违法行为类型" or "处罚依据"
  std::string matched;  // the name or "law article" that matched
};
// The catalogued behaviour: by 违法行为类型 first, then by the law and article in 处罚依据.
std::optional<BehaviourMatch> classify_behaviour(const PolicyProfile& p,
                                                 std::string_view violation_type,
                                                 std::string_view basis);
// What "the same kind" compares: "behaviour:<id>" when catalogued, else the 违法行为类型 without
// spaces and punctuation.
std::string same_kind_key(const PolicyProfile& p, std::string_view violation_type);

struct NonRepairableMatch {
  std::string category_id, title, rule_id, cite;
  std::string field;  // the field that matched: 失信行为类别, 违法行为类型 or 处罚依据
  std::string value;  // its value
  std::string how;    // "catalogued behaviour 串通投标 (rule)", "keyword \"围标\""
  std::string explanation() const;  // category, field, value, how, cite: for a refusal
};
// By strength of evidence: the explicit category column, then the catalogued behaviour, then
// keywords in 违法行为类型 and 处罚依据.
std::optional<NonRepairableMatch> match_non_repairable(const PolicyProfile& p, Kind kind,
                                                       Severity severity,
                                                       const BehaviourFacts& facts);

struct PriorRepair {
  Date decided;
  std::string kind_key;  // the repaired record's 违法行为类型 (compared by same_kind_key)
};
struct RuleFailure {
  RuleFailure(std::string rule, std::string why, std::optional<Date> from = std::nullopt)
      : rule_id(std::move(rule)), reason(std::move(why)), allowed_from(from) {}
  std::string rule_id;
  std::string reason;
  std::optional<Date> allowed_from;  // the first day the rule no longer refuses, when there is one
};
struct RepairCheck {
  bool eligible() const { return failures.empty(); }
  std::vector<RuleFailure> failures;
};
// Repair-count and same-kind limits only.
RepairCheck check_repair_limits(const PolicyProfile& p, Date application_date,
                                std::string_view kind_key, const std::vector<PriorRepair>& prior);
struct RepairSubject {
  Kind kind = Kind::penalty;
  Severity severity = Severity::general;
  std::string_view subject_type;  // records.subject_type; empty: not checked
  Date decision_date;
  std::optional<Date> first_published;
  BehaviourFacts behaviour;
  std::string_view kind_key;  // for the same-kind limit: 违法行为类型 (or the record's category)
};
// Everything the policy says about a repair application: subject covered, kind repairable at all,
// minimum period elapsed, non-repairable category, count and same-kind limits.
RepairCheck check_repair_eligibility(const PolicyProfile& p, const RepairSubject& s,
                                     Date application_date, const std::vector<PriorRepair>& prior);
std::vector<EvidenceRequirement> required_evidence(const PolicyProfile& p, Severity severity);

// ---- masking ---------------------------------------------------------------

// First character kept, one '*' per remaining character ("张三" → "张*",
// "欧阳娜娜" → "欧***"); a one-character name becomes "*". Invalid UTF-8 → "*".
std::string mask_person_name(std::string_view utf8_name);
// Keeps rules.id_keep_first and rules.id_keep_last characters
// ("310104198001012755" → "3101**********2755"); too short to hide anything → all masked.
std::string mask_id_number(std::string_view id, const MaskingRules& rules);

// A code that fails the USCC check but is legitimate per the profile's allow-list.
bool uscc_allowed_exception(const PolicyProfile& p, std::string_view code, std::string* reason);

}  // namespace credit::domain
