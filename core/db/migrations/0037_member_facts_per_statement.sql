-- Statement-level shapes for the two per-row triggers the batch verification's decisions fire on every
-- row (issue 17), same results: members.accepted_proofs_at is recomputed once per member a statement
-- touches, and member_purchases rebuilt for the statement's proofs in one DELETE and one INSERT, instead
-- of two SQL-function calls per row. Only the rows whose state, member, invoice or time changed count
-- (a claim — lease, attempt count — changes none and does nothing).
CREATE OR REPLACE FUNCTION members_accepted_proofs_recompute_many(target_members text[]) RETURNS void LANGUAGE sql AS $$
  UPDATE members m SET accepted_proofs_at = coalesce((
    SELECT array_agg(t.created_at ORDER BY t.created_at DESC) FROM (
      SELECT s.created_at FROM submissions s WHERE s.member_id = m.id AND s.state IN ('accepted', 'rewarded')
      ORDER BY s.created_at DESC LIMIT 50) t), '{}')
  WHERE m.id = ANY (target_members);
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION member_purchases_rebuild_many(target_submissions text[]) RETURNS void LANGUAGE sql AS $$
  DELETE FROM member_purchases WHERE submission_id = ANY (target_submissions);
  INSERT INTO member_purchases (submission_id, brand_id, member_id, invoice_id, invoice_date, seller_tax_id,
                                seller_name, seller_address, item_names)
  SELECT s.id, s.brand_id, s.member_id, i.id, i.invoice_date, i.seller_tax_id, i.seller_name, i.seller_address,
         coalesce((SELECT string_agg(it.normalized_name, E'\n' ORDER BY it.line_no) FROM invoice_items it
                   WHERE it.invoice_id = i.id), '')
  FROM submissions s JOIN invoices i ON i.id = s.invoice_id
  WHERE s.id = ANY (target_submissions) AND s.state IN ('accepted', 'rewarded');
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION submissions_member_facts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_members text[];
  v_purchases text[];
BEGIN
  IF TG_OP = 'UPDATE' THEN
    SELECT array_agg(DISTINCT x.member_id) FILTER (WHERE x.member_id IS NOT NULL),
           array_agg(DISTINCT x.purchase) FILTER (WHERE x.purchase IS NOT NULL)
      INTO v_members, v_purchases
      FROM (
        SELECT CASE WHEN o.state IN ('accepted', 'rewarded')
                     AND (n.state NOT IN ('accepted', 'rewarded') OR o.member_id <> n.member_id
                          OR o.created_at IS DISTINCT FROM n.created_at)
                    THEN o.member_id END AS old_member,
               CASE WHEN n.state IN ('accepted', 'rewarded')
                     AND (o.state NOT IN ('accepted', 'rewarded') OR o.member_id <> n.member_id
                          OR o.created_at IS DISTINCT FROM n.created_at)
                    THEN n.member_id END AS new_member,
               CASE WHEN (n.invoice_id IS NOT NULL AND n.state IN ('accepted', 'rewarded')
                          OR o.invoice_id IS NOT NULL AND o.state IN ('accepted', 'rewarded'))
                     AND (o.state <> n.state OR o.member_id <> n.member_id
                          OR o.invoice_id IS DISTINCT FROM n.invoice_id)
                    THEN n.id END AS purchase
          FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE o.state <> n.state OR o.member_id <> n.member_id OR o.invoice_id IS DISTINCT FROM n.invoice_id
            OR o.created_at IS DISTINCT FROM n.created_at) c
      CROSS JOIN LATERAL (VALUES (c.old_member, c.purchase), (c.new_member, NULL)) AS x(member_id, purchase);
  ELSIF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT n.member_id) FILTER (WHERE n.state IN ('accepted', 'rewarded')),
           array_agg(n.id) FILTER (WHERE n.invoice_id IS NOT NULL AND n.state IN ('accepted', 'rewarded'))
      INTO v_members, v_purchases
      FROM new_rows n;
  ELSE
    SELECT array_agg(DISTINCT o.member_id) FILTER (WHERE o.state IN ('accepted', 'rewarded'))
      INTO v_members
      FROM old_rows o;
    DELETE FROM member_purchases WHERE submission_id IN (SELECT o.id FROM old_rows o);
  END IF;
  IF v_purchases IS NOT NULL THEN
    PERFORM member_purchases_rebuild_many(v_purchases);
  END IF;
  IF v_members IS NOT NULL THEN
    PERFORM members_accepted_proofs_recompute_many(v_members);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER submissions_accepted_proofs ON submissions;
--> statement-breakpoint
DROP TRIGGER submissions_member_purchases ON submissions;
--> statement-breakpoint
DROP FUNCTION members_accepted_proofs_in_force();
--> statement-breakpoint
DROP FUNCTION member_purchases_from_submissions();
--> statement-breakpoint
CREATE TRIGGER submissions_member_facts_insert AFTER INSERT ON submissions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION submissions_member_facts();
--> statement-breakpoint
CREATE TRIGGER submissions_member_facts_update AFTER UPDATE ON submissions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION submissions_member_facts();
--> statement-breakpoint
CREATE TRIGGER submissions_member_facts_delete AFTER DELETE ON submissions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION submissions_member_facts();
