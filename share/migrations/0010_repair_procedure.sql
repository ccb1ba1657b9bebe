-- 0010 the repair procedure to the letter of the regulations (docs/repair.md).

-- Annulment of a repair obtained by not truthfully stating the facts (丹信用办〔2019〕1号
-- 第十七条): the finding, who made it and when. The application keeps status 'completed' (it
-- still counts among the subject's repairs); annulled_on set means it no longer has effect.
ALTER TABLE repair_applications ADD COLUMN annulled_on TEXT;
ALTER TABLE repair_applications ADD COLUMN annulled_by TEXT;
ALTER TABLE repair_applications ADD COLUMN annul_finding TEXT;
