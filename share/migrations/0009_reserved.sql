-- 0009 is the privacy branch's (0009_consents.sql). This empty placeholder only keeps the
-- versions contiguous on the issue-13b branch, so that 0010 applies: delete it when merging
-- with 0009_consents.sql.
SELECT 1;
