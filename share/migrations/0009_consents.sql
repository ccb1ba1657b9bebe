-- 0009 authorised query (授权查询): the subjects' authorisations, each with its purpose, the kinds
-- of record it covers and its last day (甘信用办发〔2021〕5号（十四）: no lifetime authorisation).
-- Documented in docs/privacy.md. The evidence is kept by SHA-256 digest only, never the file; a
-- natural person's ID number only as an HMAC with the store's audit key (the same form as in the
-- audit log), so a consent can be matched to records without holding the number in clear.
CREATE TABLE consents (
  id              INTEGER PRIMARY KEY,
  subject_type    TEXT NOT NULL CHECK (subject_type IN ('uscc', 'id_number')),
  subject_key     TEXT NOT NULL,     -- the USCC, or "hmac:<32 hex>" of the ID number
  subject_shown   TEXT NOT NULL,     -- the USCC, or the ID number masked (3101**********2755)
  purpose         TEXT NOT NULL,
  kinds           TEXT NOT NULL,     -- JSON list: ["penalty", "license"]
  valid_from      TEXT NOT NULL,     -- China date it was recorded
  valid_until     TEXT NOT NULL,     -- last day it covers, inclusive
  evidence_sha256 TEXT NOT NULL,
  evidence_bytes  INTEGER NOT NULL,
  dept            TEXT NOT NULL,     -- the recording user's department
  max_rule        TEXT NOT NULL,     -- the profile rule that bounded valid_until
  recorded_by     TEXT NOT NULL,
  recorded_at     TEXT NOT NULL,     -- UTC timestamp
  revoked_by      TEXT,
  revoked_at      TEXT,
  revoke_reason   TEXT
) STRICT;
CREATE INDEX consents_subject ON consents (subject_key);
