-- 0007 indexes for `credit report` (docs/report.md): each report is one aggregate query that
-- reads an index alone, never the records' rows (a million rows of JSON take seconds to read;
-- their index entries a few hundred milliseconds).

-- summary and compliance: records of a period of decision dates, grouped by every category they
-- count, and whether and when each was published.
CREATE INDEX records_report ON records (decided_on, source_dept_uscc, kind, status, severity,
                                        disclosure, authority_uscc, publish, published_on);

-- expiring: open records by end of publicity. Replaces 0004's (status, publicity_until) with a
-- covering superset under the same name, so every query that used it still does.
DROP INDEX records_status_until;
CREATE INDEX records_status_until ON records (status, publicity_until, publish, source_dept_uscc,
                                             kind, severity, authority_uscc);

-- activity: the audit log of a period by business time — ts_sim for entries written under
-- CREDIT_NOW, else ts_utc — with what the report counts. 0001's (ts_utc) index is widened under
-- the same name; entries with a simulated time get a partial index of their own.
DROP INDEX audit_log_time;
CREATE INDEX audit_log_time ON audit_log (ts_utc, ts_sim, actor, role, dept, action, outcome);
CREATE INDEX audit_log_simulated_time ON audit_log (ts_sim, actor, role, dept, action, outcome)
  WHERE ts_sim IS NOT NULL;
