-- A chat proof's decision wakes the outbound worker only when it is a later decision: the member's answer
-- (recorded with `awaits_decision`, e.g. "received, checking") is already stored, so the worker has a push
-- to queue (`notifyLaterDecisions`). A proof decided in the member's request has no such answer yet (its
-- answer is written after the decision commits); before, every one of them woke the worker, which read
-- the later decisions and claimed due messages for nothing between the decision and the member's reply (#17).
-- The look-up is the worker's own join, by the unique (brand_id, dedupe_key) index.
CREATE OR REPLACE FUNCTION proofline_notify_later_decision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM outbound_messages o
              WHERE o.brand_id = NEW.brand_id
                AND o.dedupe_key = 'event:' || substr(NEW.source_ref, 6)
                AND o.awaits_decision) THEN
    PERFORM pg_notify('proofline_work', 'outbound');
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER submissions_decided_notify_work ON submissions;
--> statement-breakpoint
CREATE TRIGGER submissions_decided_notify_work AFTER UPDATE OF state ON submissions
  FOR EACH ROW WHEN (NEW.channel = 'chat' AND NEW.state IN ('accepted', 'rewarded', 'rejected')
    AND OLD.state IS DISTINCT FROM NEW.state AND NEW.source_ref LIKE 'line:%')
  EXECUTE FUNCTION proofline_notify_later_decision();
