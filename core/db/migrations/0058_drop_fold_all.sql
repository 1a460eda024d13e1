-- derived_facts_fold_all() (0053) has no caller: readers fold in chunks of their own statements
-- (foldPendingFacts), so a whole backlog is never folded under one lock in one statement.
DROP FUNCTION IF EXISTS derived_facts_fold_all();
