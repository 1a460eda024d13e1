ALTER TABLE "members" ADD COLUMN "points_balance" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- members.points_balance: the sum of the member's points_ledger rows (docs/decisions/011), so a segment's
-- `points` test reads a column in the scan of members. Kept per statement in the transaction that writes
-- the ledger: each statement adds its rows' points (an update moves them, a delete takes them back), so a
-- member touched by a statement is updated once. Ledger writers hold the member's points lock
-- (pg_advisory_xact_lock 730001) first, and the deciding paths take it before they touch the member row,
-- so this update cannot deadlock with them.
CREATE OR REPLACE FUNCTION members_points_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE members m SET points_balance = m.points_balance + d.delta
      FROM (SELECT n.member_id, sum(n.points) AS delta FROM new_rows n GROUP BY n.member_id) d
     WHERE m.id = d.member_id AND d.delta <> 0;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE members m SET points_balance = m.points_balance - d.delta
      FROM (SELECT o.member_id, sum(o.points) AS delta FROM old_rows o GROUP BY o.member_id) d
     WHERE m.id = d.member_id AND d.delta <> 0;
  ELSE
    UPDATE members m SET points_balance = m.points_balance + d.delta
      FROM (SELECT x.member_id, sum(x.points) AS delta FROM (
              SELECT n.member_id, n.points::bigint AS points FROM new_rows n
              UNION ALL
              SELECT o.member_id, -o.points::bigint FROM old_rows o) x
            GROUP BY x.member_id) d
     WHERE m.id = d.member_id AND d.delta <> 0;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER points_ledger_balance_insert AFTER INSERT ON points_ledger
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION members_points_balance();
--> statement-breakpoint
CREATE TRIGGER points_ledger_balance_update AFTER UPDATE ON points_ledger
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION members_points_balance();
--> statement-breakpoint
CREATE TRIGGER points_ledger_balance_delete AFTER DELETE ON points_ledger
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION members_points_balance();
--> statement-breakpoint
UPDATE members m SET points_balance = b.balance
  FROM (SELECT l.member_id, sum(l.points) AS balance FROM points_ledger l GROUP BY l.member_id) b
 WHERE m.id = b.member_id AND b.balance <> 0;
