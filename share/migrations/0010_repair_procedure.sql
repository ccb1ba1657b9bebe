-- 0010 the repair procedure to the letter of the regulations (docs/repair.md).

-- Annulment of a repair obtained by not truthfully stating the facts (丹信用办〔2019〕1号
-- 第十七条): the finding, who made it and when. The application keeps status 'completed' (it
-- still counts among the subject's repairs); annulled_on set means it no longer has effect.
ALTER TABLE repair_applications ADD COLUMN annulled_on TEXT;
ALTER TABLE repair_applications ADD COLUMN annulled_by TEXT;
ALTER TABLE repair_applications ADD COLUMN annul_finding TEXT;

-- The acceptance decision (是否同意受理, 丹信用办〔2019〕1号 第十二条第（五）项) where the profile has
-- one: approval is that decision, under this rule.
ALTER TABLE repair_applications ADD COLUMN acceptance_rule TEXT;
-- Withdrawal from publication after the repair decision (失信信息处理, 第十二条第（七）项: 1
-- working day): the last day allowed, its rule, and the day it was done (the release withdrawing
-- the record was delivered, or the decision itself for a record not on the portal).
ALTER TABLE repair_applications ADD COLUMN processing_deadline TEXT;
ALTER TABLE repair_applications ADD COLUMN processing_rule TEXT;
ALTER TABLE repair_applications ADD COLUMN processed_on TEXT;

-- The public notice of a proposed repair (拟信用修复公示, 第十二条第（六）项) on the portal: releases
-- carry it while it runs and withdraw it when it ends or the repair is decided
-- (docs/publication.md). notice_on_portal: a delivered release published it and none withdrew it.
ALTER TABLE repair_applications ADD COLUMN notice_on_portal INTEGER NOT NULL DEFAULT 0
  CHECK (notice_on_portal IN (0, 1));
CREATE INDEX repair_applications_on_portal ON repair_applications (notice_on_portal)
  WHERE notice_on_portal = 1;
-- What a release says of each notice, as it was when the release was cut (a re-sent release
-- renders the same bytes).
CREATE TABLE release_notices (
  sequence       INTEGER NOT NULL REFERENCES releases (sequence),
  application_id INTEGER NOT NULL REFERENCES repair_applications (id),
  record_id      INTEGER NOT NULL REFERENCES records (id),
  op             TEXT NOT NULL CHECK (op IN ('notice', 'end')),
  reason         TEXT NOT NULL,        -- notice | ended | completed | rejected | objected | annulled
  subject_name   TEXT,                 -- organisations only: a person's name is never in a notice
  uscc           TEXT,
  notice_start   TEXT,
  notice_end     TEXT,                 -- the notice's last day, inclusive
  rule           TEXT,
  PRIMARY KEY (sequence, application_id)
) STRICT, WITHOUT ROWID;
