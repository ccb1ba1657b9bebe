-- 0003 records and the import workflow: 双公示 decisions and dishonest-list entries, their
-- history, import batches (staged → committed | rejected), staged rows, rejects and standing
-- import authorisations. Documented for the other modules in docs/records.md.
-- Kinds are not CHECKed here: a new kind is a file under share/kinds/ plus a little code.

-- Standing authorisations (DESIGN §3): while one is valid, an operator's import of the covered
-- department and kinds commits at once instead of waiting for a reviewer.
CREATE TABLE import_authorizations (
  id            INTEGER PRIMARY KEY,
  dept          TEXT NOT NULL,            -- department USCC, or '*' (credit centre)
  kinds         TEXT NOT NULL,            -- JSON array of kinds, e.g. ["penalty","license"]
  valid_until   TEXT NOT NULL,            -- YYYY-MM-DD, China date, inclusive
  granted_by    TEXT NOT NULL,
  granted_at    TEXT NOT NULL,
  reason        TEXT NOT NULL DEFAULT '',
  revoked_by    TEXT,
  revoked_at    TEXT,
  revoke_reason TEXT
) STRICT;

-- One row per import run (and per staged amendment or revocation: operation amend | revoke).
CREATE TABLE import_batches (
  id               INTEGER PRIMARY KEY,
  operation        TEXT NOT NULL DEFAULT 'import' CHECK (operation IN ('import', 'amend', 'revoke')),
  kind             TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('staged', 'committed', 'rejected')),
  dept             TEXT NOT NULL,         -- the department the batch belongs to ('*' possible)
  staged_by        TEXT NOT NULL,
  staged_at        TEXT NOT NULL,
  decided_by       TEXT,                  -- approver or rejecter; the stager under an authorisation
  decided_at       TEXT,
  reason           TEXT NOT NULL DEFAULT '',
  authorization_id INTEGER REFERENCES import_authorizations (id),  -- the standing grant used
  files            TEXT NOT NULL DEFAULT '[]',  -- JSON [{name, sha256, bytes, encoding, format}]
  options          TEXT NOT NULL DEFAULT '{}',  -- JSON {skip_invalid, input_format, encoding}
  unknown_columns  TEXT NOT NULL DEFAULT '[]',  -- JSON [{file, column}]
  policy           TEXT NOT NULL DEFAULT '',    -- profile id and sha256 applied at staging/commit
  rows             INTEGER NOT NULL DEFAULT 0,  -- data rows read
  accepted         INTEGER NOT NULL DEFAULT 0,  -- valid rows = inserted + updated + unchanged
  rejected         INTEGER NOT NULL DEFAULT 0,
  inserted         INTEGER NOT NULL DEFAULT 0,
  updated          INTEGER NOT NULL DEFAULT 0,
  unchanged        INTEGER NOT NULL DEFAULT 0,
  warnings         INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX import_batches_status ON import_batches (status, dept);

-- Rows of a staged batch, validated and normalised, until it is approved or rejected.
CREATE TABLE staged_rows (
  batch_id    INTEGER NOT NULL REFERENCES import_batches (id),
  seq         INTEGER NOT NULL,
  file        TEXT NOT NULL,
  line        INTEGER NOT NULL,
  natural_key TEXT NOT NULL,              -- authority USCC '|' document number
  record_id   INTEGER,                    -- amend/revoke: the record concerned
  data        TEXT NOT NULL,              -- JSON, field code → value (as records.data)
  PRIMARY KEY (batch_id, seq)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX staged_rows_key ON staged_rows (batch_id, natural_key);

-- Every rejected row of a batch (the rejects file has the row's full values; this has the why).
CREATE TABLE import_rejects (
  batch_id INTEGER NOT NULL REFERENCES import_batches (id),
  seq      INTEGER NOT NULL,
  file     TEXT NOT NULL,
  line     INTEGER NOT NULL,
  col      TEXT NOT NULL,                 -- column number and header, e.g. "3 (统一社会信用代码)"
  field    TEXT NOT NULL,                 -- the field's standard code, '' for the whole row
  value    TEXT NOT NULL,
  reason   TEXT NOT NULL,
  PRIMARY KEY (batch_id, seq)
) STRICT, WITHOUT ROWID;

-- The records: one row per (kind, deciding authority USCC, document number).
-- The derived values' reasons (JSON: each derived value with its rule id and why), stored once:
-- a million records share a few hundred of them, and a row is written twice in WAL mode.
CREATE TABLE derivations (
  id      INTEGER PRIMARY KEY,
  content TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE records (
  id               INTEGER PRIMARY KEY,
  kind             TEXT NOT NULL,         -- license | penalty | dishonest
  authority_uscc   TEXT NOT NULL,         -- 处罚机关/许可机关/列入机关 统一社会信用代码
  document_number  TEXT NOT NULL,         -- 决定书文号 / 许可决定文书号 / 列入决定文书号
  authority        TEXT NOT NULL,
  source_dept_uscc TEXT NOT NULL,         -- 数据来源单位统一社会信用代码: the owning department
  source_dept      TEXT NOT NULL,
  subject_name     TEXT NOT NULL,
  subject_type     TEXT NOT NULL
                   CHECK (subject_type IN ('legal_person', 'natural_person', 'individual_business')),
  uscc             TEXT,                  -- NULL for natural persons and placeholder codes
  id_type          TEXT,                  -- natural persons: 证件类型 as in the data
  id_number        TEXT,                  -- natural persons: 证件号码 (personal information)
  legal_rep        TEXT,
  decided_on       TEXT NOT NULL,         -- YYYY-MM-DD: decision / licence / listing date
  severity         TEXT NOT NULL CHECK (severity IN ('minor', 'general', 'severe')),
  severity_rule    TEXT NOT NULL,         -- the policy rule id that classified it
  disclosure       TEXT NOT NULL CHECK (disclosure IN ('public', 'shared', 'authorised')),
  status           TEXT NOT NULL DEFAULT 'active'
                   CHECK (status IN ('active', 'published', 'expired', 'repaired', 'revoked')),
  under_repair     INTEGER NOT NULL DEFAULT 0 CHECK (under_repair IN (0, 1)),
  disputed         INTEGER NOT NULL DEFAULT 0 CHECK (disputed IN (0, 1)),
  publish          INTEGER NOT NULL CHECK (publish IN (0, 1)),  -- does the policy publish it at all
  publicity_start  TEXT NOT NULL,
  earliest_repair  TEXT,
  publicity_until  TEXT NOT NULL,         -- last day published, inclusive
  derivation_id    INTEGER NOT NULL REFERENCES derivations (id),  -- the rules behind the derived values
  published_on     TEXT,
  withdrawn_on     TEXT,
  archived         INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
  version          INTEGER NOT NULL DEFAULT 1,
  data             TEXT NOT NULL,         -- JSON: every field by its standard code, normalised
  batch_id         INTEGER NOT NULL REFERENCES import_batches (id),  -- the last change's batch
  batch_line       INTEGER,               -- its line in that batch's input
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  UNIQUE (kind, authority_uscc, document_number)
) STRICT;
-- Lean on purpose (each index costs import time): partial where most rows have no value.
CREATE INDEX records_uscc ON records (uscc) WHERE uscc IS NOT NULL;
CREATE INDEX records_id_number ON records (id_number) WHERE id_number IS NOT NULL;
CREATE INDEX records_status_until ON records (status, publicity_until);
CREATE INDEX records_dept ON records (source_dept_uscc);

-- History: one row per change, holding the version before the change and describing the change
-- that replaced it. The current version is in records; `record show` lists both.
CREATE TABLE record_versions (
  id         INTEGER PRIMARY KEY,
  record_id  INTEGER NOT NULL REFERENCES records (id),
  version    INTEGER NOT NULL,            -- the version this row preserves
  data       TEXT NOT NULL,
  derived    TEXT NOT NULL,               -- JSON: status, severity, dates, disclosure, derivation …
  changed_at TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  change     TEXT NOT NULL,               -- import | amend | revoke | (later modules: repair, …)
  batch_id   INTEGER REFERENCES import_batches (id),
  reason     TEXT NOT NULL DEFAULT '',
  UNIQUE (record_id, version)
) STRICT;
