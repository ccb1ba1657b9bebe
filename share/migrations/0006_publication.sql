-- 0006 publication: the releases delivered to the credit portal, what each one held, and what the
-- portal shows of each record. Documented in docs/publication.md.

-- What the portal shows: the record version of the last delivered upsert, NULL when the portal
-- does not show the record (never published, or withdrawn by a delivered release).
ALTER TABLE records ADD COLUMN portal_version INTEGER;
-- Set when a record is first published: the last day of the publication deadline (the decision
-- date plus the policy's deadlines.publication working days, on the working-day calendar) and
-- whether the delivery came after it. `credit report` reads these.
ALTER TABLE records ADD COLUMN publication_deadline TEXT;
ALTER TABLE records ADD COLUMN published_late INTEGER CHECK (published_late IN (0, 1));

-- One row per release, numbered without gaps. A release is cut (pending) with its items, rendered
-- from the record versions it names, and marked delivered once its files are written or the
-- portal acknowledged it. A pending release is re-sent, identical, before a new one is cut.
CREATE TABLE releases (
  sequence        INTEGER PRIMARY KEY,
  type            TEXT NOT NULL CHECK (type IN ('delta', 'full')),
  status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered')),
  as_of           TEXT NOT NULL,          -- the China date the release was computed for
  created_at      TEXT NOT NULL,
  created_by      TEXT NOT NULL,
  policy_id       INTEGER NOT NULL REFERENCES policy_profiles (id),  -- masking rules applied
  upserts         INTEGER NOT NULL,
  withdrawals     INTEGER NOT NULL,
  late            INTEGER NOT NULL DEFAULT 0,  -- first publications after their deadline
  records_upto    INTEGER NOT NULL,       -- records.id and record_versions.id seen by the cut
  versions_upto   INTEGER NOT NULL,
  files           TEXT NOT NULL DEFAULT '[]',  -- JSON [{name, lines, bytes, sha256}]
  manifest        TEXT NOT NULL DEFAULT '',    -- manifest.json exactly as delivered
  manifest_sha256 TEXT NOT NULL DEFAULT '',
  delivered_at    TEXT,
  delivered_on    TEXT,                   -- China date of delivery: the publication date
  delivered_by    TEXT,
  delivered_to    TEXT,                   -- the directory or the portal URL
  deliveries      INTEGER NOT NULL DEFAULT 0,  -- confirmations received (re-sends are counted)
  portal_response TEXT                    -- the portal's acknowledgement (first 4 KiB)
) STRICT;
CREATE INDEX releases_pending ON releases (status) WHERE status = 'pending';

-- What a release holds: one row per record, the version rendered and why.
CREATE TABLE release_items (
  sequence  INTEGER NOT NULL REFERENCES releases (sequence),
  record_id INTEGER NOT NULL REFERENCES records (id),
  version   INTEGER NOT NULL,
  op        TEXT NOT NULL CHECK (op IN ('upsert', 'withdraw')),
  reason    TEXT NOT NULL,  -- upsert: new | amended | snapshot; withdraw: expired | repaired |
                            -- revoked | not_public
  deadline  TEXT,           -- first publications: the publication deadline (last day)
  late      INTEGER CHECK (late IN (0, 1)),  -- set on delivery
  PRIMARY KEY (sequence, record_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX release_items_record ON release_items (record_id);
