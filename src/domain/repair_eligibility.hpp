#pragma once
// Credit repair (信用修复) decisions, pure: whether an application may go ahead under a policy
// profile, and its working-day deadlines. Every refusal names the rule behind it and, where the
// passing of time lifts it, the first day the application would be allowed.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/calendar.hpp"
#include "domain/date.hpp"
#include "domain/policy.hpp"

namespace credit::domain {

// Rule ids of the record-state rules (not policy rules: they hold under every profile).
inline constexpr const char* kRuleRecordPublished = "repair/record.published";
inline constexpr const char* kRuleRecordOpen = "repair/record.no_open_application";
inline constexpr const char* kRuleRecordDisputed = "repair/record.not_disputed";

// Evidence as the operator stated it at submission.
struct RepairEvidence {
  std::vector<std::string> present;          // requirement ids: commitment, rectification, …
  std::optional<double> training_hours;      // class hours on the training certificate
  std::optional<Date> credit_report_issued;  // issue date of the credit report
  std::optional<Date> as_of;  // the report's age is judged at this date (submission; default:
                              // the application date)
};

struct RepairFacts {
  Kind kind = Kind::penalty;
  Severity severity = Severity::general;
  std::string_view status;          // records.status
  bool published_by_policy = true;  // records.publish: false for information only shared
  bool under_repair = false;
  bool disputed = false;
  std::string subject_type;  // records.subject_type (legal_person …); empty: not checked
  Date decision_date;
  std::optional<Date> first_published;  // records.published_on
  Date application_date;
  // For the non-repairable categories (违法事实 is deliberately not among them).
  std::string violation_type;  // 违法行为类型
  std::string basis;           // 处罚依据
  std::string declared;        // 失信行为类别 column, where the department gives one
  std::string kind_key;  // what "the same kind" compares: 违法行为类型 (else the category)
  std::vector<PriorRepair> prior;  // the subject's approved repairs
  RepairEvidence evidence;
};

struct Eligibility {
  std::vector<RuleFailure> refusals;  // in the order the rules are checked; empty: allowed
  bool allowed() const { return refusals.empty(); }
  // The latest date among refusals that time lifts; nullopt when any refusal has no such date
  // (state, category, evidence) or when allowed.
  std::optional<Date> allowed_from() const;
  // The rule that allowed it: the minimum-period rule (or the kind's end rule).
  std::string allowing_rule;
};

// Record state (published, no open application, not disputed), licence/kind, minimum period,
// non-repairable categories, repair-count and same-kind limits, and required evidence (presence,
// training class hours, credit report issued within the policy's months before the application).
Eligibility repair_eligibility(const PolicyProfile& p, const RepairFacts& f);

struct WorkingDeadline {
  Date date;
  std::string rule_id;
  std::vector<int> years_without_data;  // computed on weekends alone: warn
};
// The decision is due within repair.decision working days after submission.
WorkingDeadline repair_decision_deadline(const PolicyProfile& p, const Calendar& cal,
                                         Date submitted);
// The public notice runs for repair.notice working days after approval (last day inclusive);
// nullopt when the profile has no notice (the repair is final on approval).
std::optional<WorkingDeadline> repair_notice_end(const PolicyProfile& p, const Calendar& cal,
                                                 Date approved);
// The record is withdrawn from publication (失信信息处理) within repair.withdrawal working days
// after the repair decision; nullopt when the profile sets no such time.
std::optional<WorkingDeadline> repair_processing_deadline(const PolicyProfile& p,
                                                          const Calendar& cal, Date decided);
// The data provider verifies an objection within deadlines.objection working days.
WorkingDeadline objection_deadline(const PolicyProfile& p, const Calendar& cal, Date filed);

}  // namespace credit::domain
