-- 0008 credit repair (信用修复) and objections (异议): applications with their evidence and
-- timeline, and objections to records. Documented in docs/repair.md.

-- Evidence files, stored once by SHA-256 (the same file given twice is one blob).
CREATE TABLE evidence_blobs (
  sha256    TEXT PRIMARY KEY,
  bytes     INTEGER NOT NULL,
  type      TEXT NOT NULL,             -- media type sniffed from the content (application/pdf …)
  content   BLOB NOT NULL,
  stored_at TEXT NOT NULL
) STRICT;

-- One row per application. The deciding authority (records.authority_uscc, "谁认定、谁受理")
-- receives and decides it: submitter and reviewer both belong to it.
CREATE TABLE repair_applications (
  id                 INTEGER PRIMARY KEY,
  record_id          INTEGER NOT NULL REFERENCES records (id),
  dept               TEXT NOT NULL,    -- the deciding authority's USCC
  status             TEXT NOT NULL
                     CHECK (status IN ('submitted', 'in_notice', 'completed', 'rejected')),
  kind_key           TEXT NOT NULL,    -- 违法行为类型: what "the same kind" compares
  note               TEXT NOT NULL DEFAULT '',
  training_hours     REAL,
  credit_report_date TEXT,
  submitted_by       TEXT NOT NULL,
  submitted_at       TEXT NOT NULL,    -- UTC timestamp
  submitted_on       TEXT NOT NULL,    -- China date
  policy             TEXT NOT NULL,    -- profile id and sha256 applied at submission
  decision_deadline  TEXT NOT NULL,    -- last day for the decision (working days)
  deadline_rule      TEXT NOT NULL,
  decided_by         TEXT,
  decided_on         TEXT,             -- China date of approval or rejection
  decision_number    TEXT,             -- 信用修复决定书 number
  allowing_rule      TEXT,             -- the rule that allowed the repair (minimum period …)
  reason             TEXT NOT NULL DEFAULT '',  -- rejection reason
  notice_end         TEXT,             -- last day of the public notice, inclusive
  notice_rule        TEXT,
  completed_on       TEXT
) STRICT;
CREATE INDEX repair_applications_record ON repair_applications (record_id);
CREATE INDEX repair_applications_status ON repair_applications (status, notice_end);
-- At most one open application per record.
CREATE UNIQUE INDEX repair_applications_open ON repair_applications (record_id)
  WHERE status IN ('submitted', 'in_notice');

-- The evidence of an application: which requirement each file meets.
CREATE TABLE repair_evidence (
  application_id INTEGER NOT NULL REFERENCES repair_applications (id),
  requirement    TEXT NOT NULL,        -- commitment | rectification | training | credit_report
  name           TEXT NOT NULL,        -- the file name as given
  sha256         TEXT NOT NULL REFERENCES evidence_blobs (sha256),
  PRIMARY KEY (application_id, requirement, sha256)
) STRICT, WITHOUT ROWID;

-- What happened to an application, in order: submitted, approved, notice, objected, rejected,
-- completed.
CREATE TABLE repair_events (
  id             INTEGER PRIMARY KEY,
  application_id INTEGER NOT NULL REFERENCES repair_applications (id),
  at             TEXT NOT NULL,
  actor          TEXT NOT NULL,
  event          TEXT NOT NULL,
  detail         TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX repair_events_application ON repair_events (application_id);

-- Objections: the providing department (records.source_dept_uscc) verifies them.
CREATE TABLE objections (
  id              INTEGER PRIMARY KEY,
  record_id       INTEGER NOT NULL REFERENCES records (id),
  dept            TEXT NOT NULL,       -- the providing department's USCC
  status          TEXT NOT NULL CHECK (status IN ('open', 'upheld', 'dismissed')),
  reason          TEXT NOT NULL,
  evidence_name   TEXT,
  evidence_sha256 TEXT REFERENCES evidence_blobs (sha256),
  filed_by        TEXT NOT NULL,
  filed_at        TEXT NOT NULL,
  filed_on        TEXT NOT NULL,
  deadline        TEXT NOT NULL,       -- last day of verification (working days)
  deadline_rule   TEXT NOT NULL,
  resolved_by     TEXT,
  resolved_at     TEXT,
  resolved_on     TEXT,
  outcome         TEXT CHECK (outcome IN ('corrected', 'revoked', 'dismissed')),
  outcome_reason  TEXT,
  batch_id        INTEGER REFERENCES import_batches (id)  -- the correction or revocation
) STRICT;
CREATE INDEX objections_status ON objections (status, deadline);
CREATE UNIQUE INDEX objections_open ON objections (record_id) WHERE status = 'open';
