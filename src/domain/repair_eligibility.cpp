#include "domain/repair_eligibility.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace credit::domain {

namespace {

void check_state(const RepairFacts& f, std::vector<RuleFailure>& out) {
  // Order 36: information the policy only shares (minor, never published) is repaired once the
  // obligations are met, like published information; the repair ends its sharing.
  const bool only_shared = f.status == "active" && !f.published_by_policy;
  if (f.status != "published" && !only_shared)
    out.push_back(
        {kRuleRecordPublished,
         fmt::format("the record is {}: only a published record, or one the policy only shares "
                     "(not published), can be repaired",
                     f.status.empty() ? "unknown" : f.status)});
  if (f.under_repair)
    out.push_back({kRuleRecordOpen, "an application for this record is already under way"});
  if (f.disputed)
    out.push_back({kRuleRecordDisputed,
                   "an objection to this record is being verified; apply once it is resolved"});
}

bool has(const RepairEvidence& e, const std::string& id) {
  return std::find(e.present.begin(), e.present.end(), id) != e.present.end();
}

void check_evidence(const PolicyProfile& p, const RepairFacts& f, std::vector<RuleFailure>& out) {
  for (const auto& req : required_evidence(p, f.severity)) {
    if (!has(f.evidence, req.id)) {
      out.push_back({req.rule.id, fmt::format("{} ({}) is required for a {} case", req.title,
                                              req.id, to_string(f.severity))});
      continue;
    }
    if (req.min_class_hours > 0 &&
        f.evidence.training_hours.value_or(0) < static_cast<double>(req.min_class_hours))
      out.push_back({req.rule.id,
                     f.evidence.training_hours
                         ? fmt::format("{} shows {} class hours; at least {} are required",
                                       req.title, *f.evidence.training_hours, req.min_class_hours)
                         : fmt::format("{}: state its class hours (at least {})", req.title,
                                       req.min_class_hours)});
    if (req.issued_within_months > 0) {
      const auto& issued = f.evidence.credit_report_issued;
      const Date as_of = f.evidence.as_of.value_or(f.application_date);
      const Date oldest = as_of.add_months(-req.issued_within_months);
      if (!issued)
        out.push_back({req.rule.id, fmt::format("{}: state its issue date (within {} month(s))",
                                                req.title, req.issued_within_months)});
      else if (*issued > as_of)
        out.push_back({req.rule.id, fmt::format("{} is dated {}, after the application date {}",
                                                req.title, issued->iso(), as_of.iso())});
      else if (*issued < oldest)
        out.push_back(
            {req.rule.id,
             fmt::format("{} was issued on {}; it must be issued on or after {} "
                         "(within {} month(s)): obtain a new one",
                         req.title, issued->iso(), oldest.iso(), req.issued_within_months)});
    }
  }
}

}  // namespace

std::optional<Date> Eligibility::allowed_from() const {
  std::optional<Date> latest;
  for (const auto& r : refusals) {
    if (!r.allowed_from) return std::nullopt;
    if (!latest || *r.allowed_from > *latest) latest = r.allowed_from;
  }
  return latest;
}

Eligibility repair_eligibility(const PolicyProfile& p, const RepairFacts& f) {
  Eligibility out;
  check_state(f, out.refusals);
  RepairSubject subject{f.kind,          f.severity,        f.subject_type,
                        f.decision_date, f.first_published, {f.violation_type, f.basis, f.declared},
                        f.kind_key};
  auto policy = check_repair_eligibility(p, subject, f.application_date, f.prior);
  out.refusals.insert(out.refusals.end(), policy.failures.begin(), policy.failures.end());
  const bool sanction = f.kind != Kind::license && f.kind != Kind::red;
  if (sanction) check_evidence(p, f, out.refusals);
  if (sanction) {
    const auto dates = derive_publicity(p, f.kind, f.severity, f.decision_date, std::nullopt,
                                        std::nullopt, f.first_published);
    out.allowing_rule = dates.earliest_repair ? dates.repair_rule : dates.end_rule;
  }
  return out;
}

namespace {
WorkingDeadline after_working_days(const Calendar& cal, Date from, const WorkingDaysRule& rule) {
  auto r = cal.add_working_days(from, rule.working_days);
  return {r.date, rule.rule.id, std::move(r.years_without_data)};
}
}  // namespace

WorkingDeadline repair_decision_deadline(const PolicyProfile& p, const Calendar& cal,
                                         Date submitted) {
  return after_working_days(cal, submitted, p.repair.decision);
}

std::optional<WorkingDeadline> repair_notice_end(const PolicyProfile& p, const Calendar& cal,
                                                 Date approved) {
  if (!p.repair.notice) return std::nullopt;
  return after_working_days(cal, approved, *p.repair.notice);
}

std::optional<WorkingDeadline> repair_processing_deadline(const PolicyProfile& p,
                                                          const Calendar& cal, Date decided) {
  if (!p.repair.withdrawal) return std::nullopt;
  return after_working_days(cal, decided, *p.repair.withdrawal);
}

WorkingDeadline objection_deadline(const PolicyProfile& p, const Calendar& cal, Date filed) {
  return after_working_days(cal, filed, p.objection_deadline);
}

}  // namespace credit::domain
