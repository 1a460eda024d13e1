-- The fact outbox (0053), two fixes a review found (#17):
-- 1. A rebuild's settle took the outbox table's lock and then the fold lock, while a fold takes the fold lock
--    and then (its DELETE) the table: the two could deadlock (reproduced on PostgreSQL; PostgreSQL aborted the
--    rebuild, i.e. a brand's time-zone change). Both now take the fold lock first.
-- 2. A submissions statement that changes no row still ran the outbox's INSERT … SELECT of nothing, and the
--    outbox's statement trigger then sent NOTIFY 'facts' for it: every empty claim woke the derived-facts
--    worker in every process (and took PostgreSQL's notify lock at commit). The outbox wakes the worker only
--    when its statement stored a record.
CREATE OR REPLACE FUNCTION derived_facts_settle_proofs() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7317001);
  LOCK TABLE fact_outbox_proofs IN EXCLUSIVE MODE;
  LOOP
    EXIT WHEN derived_facts_fold_proofs(1000) = 0;
  END LOOP;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION fact_outbox_notify_work() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM new_rows) THEN
    PERFORM pg_notify('proofline_work', 'facts');
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER fact_outbox_proofs_notify_work ON fact_outbox_proofs;
--> statement-breakpoint
DROP TRIGGER fact_outbox_members_notify_work ON fact_outbox_members;
--> statement-breakpoint
CREATE TRIGGER fact_outbox_proofs_notify_work AFTER INSERT ON fact_outbox_proofs
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION fact_outbox_notify_work();
--> statement-breakpoint
CREATE TRIGGER fact_outbox_members_notify_work AFTER INSERT ON fact_outbox_members
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION fact_outbox_notify_work();
