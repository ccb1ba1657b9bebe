-- 0003 signed checkpoints of the audit chain, and the store's identity.
-- A checkpoint is handed to the auditor as a signed file (see `credit audit checkpoint`); the copy
-- kept here lets `credit audit verify` check the log against every checkpoint ever written, and
-- lets the next checkpoint verify only the entries written since the last one.

CREATE TABLE audit_checkpoints (
  id           INTEGER PRIMARY KEY,
  seq          INTEGER NOT NULL,     -- the last audit entry the checkpoint covers
  head_hash    TEXT NOT NULL,        -- that entry's hash
  created_at   TEXT NOT NULL,        -- real UTC time
  simulated_at TEXT,                 -- CREDIT_NOW, when it was set
  created_by   TEXT NOT NULL,
  key_id       TEXT NOT NULL,        -- the signing key (ed25519:<SHA-256 of the public key>)
  document     TEXT NOT NULL         -- the signed checkpoint exactly as handed out (JSON)
) STRICT;
CREATE INDEX audit_checkpoints_seq ON audit_checkpoints (seq);

CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN
  SELECT RAISE(ABORT, 'audit checkpoints are append-only');
END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN
  SELECT RAISE(ABORT, 'audit checkpoints are append-only');
END;

-- A random identity, written into checkpoints and export manifests so that they cannot be
-- checked against the wrong store. (The Ed25519 signing key is created on first use and kept in
-- settings 'audit.signing_key'; see docs/audit.md for why.)
INSERT OR IGNORE INTO settings (key, value) VALUES ('store.id', lower(hex(randomblob(16))));
