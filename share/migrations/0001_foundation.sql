-- 0001 foundation: settings, accounts and the audit chain.
-- PRAGMA user_version holds the number of the last migration applied.

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE users (
  id              INTEGER PRIMARY KEY,
  name            TEXT NOT NULL UNIQUE,
  role            TEXT NOT NULL
                  CHECK (role IN ('admin', 'operator', 'reviewer', 'publisher', 'auditor', 'viewer')),
  dept            TEXT NOT NULL,            -- the department's USCC, or '*' for the credit centre
  token_hash      TEXT NOT NULL,            -- SHA-256 (hex) of the token's secret; never the token
  disabled        INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at      TEXT NOT NULL,
  created_by      TEXT NOT NULL,
  token_issued_at TEXT NOT NULL,
  disabled_at     TEXT
) STRICT;

-- One row per operation, allowed or refused, appended in the transaction of the change it records.
-- hash = SHA-256 over the canonical serialisation of the row including prev_hash (see audit_chain).
CREATE TABLE audit_log (
  seq       INTEGER PRIMARY KEY,
  ts_utc    TEXT NOT NULL,
  ts_sim    TEXT,                -- the simulated time when CREDIT_NOW was set
  actor     TEXT NOT NULL,
  role      TEXT NOT NULL,
  dept      TEXT NOT NULL,
  action    TEXT NOT NULL,
  targets   TEXT NOT NULL,       -- JSON array of target ids
  params    TEXT NOT NULL,       -- JSON object; personal values HMACed
  outcome   TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'unauthenticated', 'failed')),
  reason    TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_time ON audit_log (ts_utc);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);

-- The log is append-only for every normal path; deliberate tampering is caught by `audit verify`.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
