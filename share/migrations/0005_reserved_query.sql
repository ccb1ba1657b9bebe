-- 0005 is reserved for the query branch (issue 4). This empty placeholder only keeps the numbers
-- contiguous on the publication branch; it is dropped when the branches are merged.
SELECT 1;
