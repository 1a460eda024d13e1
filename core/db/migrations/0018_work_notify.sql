-- Wake the workers on commit (core/db/work-signal.ts): every statement that stores webhook events, every
-- queued push (replies are sent by the worker that wrote them), and every chat proof decided after its
-- answer (the "later decision" push) sends NOTIFY proofline_work, '<queue>'. PostgreSQL delivers it when
-- the transaction commits, and folds identical notifications of one transaction into one.
CREATE OR REPLACE FUNCTION proofline_notify_work() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('proofline_work', TG_ARGV[0]);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER webhook_events_notify_work AFTER INSERT ON webhook_events
  FOR EACH STATEMENT EXECUTE FUNCTION proofline_notify_work('events');
--> statement-breakpoint
CREATE TRIGGER outbound_messages_notify_work AFTER INSERT ON outbound_messages
  FOR EACH ROW WHEN (NEW.kind <> 'reply') EXECUTE FUNCTION proofline_notify_work('outbound');
--> statement-breakpoint
CREATE TRIGGER submissions_decided_notify_work AFTER UPDATE OF state ON submissions
  FOR EACH ROW WHEN (NEW.channel = 'chat' AND NEW.state IN ('accepted', 'rewarded', 'rejected')
    AND OLD.state IS DISTINCT FROM NEW.state)
  EXECUTE FUNCTION proofline_notify_work('outbound');
