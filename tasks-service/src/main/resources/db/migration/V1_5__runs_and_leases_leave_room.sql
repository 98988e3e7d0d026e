-- A run is written at its claim and rewritten, larger (outcome, summary, usage), at its finish; a
-- lease likewise at its end. Neither rewrite touches an indexed column, so it can stay on the row's
-- page as a heap-only update (no new index entries) if the page has room for the new version.
-- Densely filled pages had room for only ~40% of runs' finishes and ~65% of leases' ends on the
-- task benchmark; leaving room when pages are filled keeps the rest off the indexes too.
-- (Applies to pages filled from now on.)
alter table runs set (fillfactor = 60);
alter table leases set (fillfactor = 80);
