-- Cheaper shapes for the triggers the batch verification runs on every batch (issue 17), same results:
-- - analytics_proofs_rollup: an UPDATE adds to the work table only the rows whose rollup values changed
--   (before, every row went in twice and the pairs that cancel were deleted again); a statement that changes
--   none (a claim: lease, attempt count, retry time) returns at once.
-- - member_purchases.item_names: kept by statement triggers over the changed items' invoices instead of one
--   UPDATE per item row; an update of other item columns changes no invoice's list.
CREATE OR REPLACE FUNCTION analytics_proofs_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_changed bigint;
BEGIN
  PERFORM analytics_proofs_prepare();
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO pg_temp.analytics_proof_changes
    SELECT -1, x.* FROM (
      SELECT s.id, s.brand_id, s.campaign_id, s.member_id, s.created_at, s.state,
             analytics_proof_reason(s.state, s.reason_code), s.invoice_id IS NOT NULL,
             analytics_proof_verified(s.state, s.decision)
      FROM old_rows s
      EXCEPT ALL
      SELECT s.id, s.brand_id, s.campaign_id, s.member_id, s.created_at, s.state,
             analytics_proof_reason(s.state, s.reason_code), s.invoice_id IS NOT NULL,
             analytics_proof_verified(s.state, s.decision)
      FROM new_rows s) x
    UNION ALL
    SELECT 1, x.* FROM (
      SELECT s.id, s.brand_id, s.campaign_id, s.member_id, s.created_at, s.state,
             analytics_proof_reason(s.state, s.reason_code), s.invoice_id IS NOT NULL,
             analytics_proof_verified(s.state, s.decision)
      FROM new_rows s
      EXCEPT ALL
      SELECT s.id, s.brand_id, s.campaign_id, s.member_id, s.created_at, s.state,
             analytics_proof_reason(s.state, s.reason_code), s.invoice_id IS NOT NULL,
             analytics_proof_verified(s.state, s.decision)
      FROM old_rows s) x;
    GET DIAGNOSTICS v_changed = ROW_COUNT;
    IF v_changed = 0 THEN
      RETURN NULL;
    END IF;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO pg_temp.analytics_proof_changes
    SELECT -1, s.id, s.brand_id, s.campaign_id, s.member_id, s.created_at, s.state,
           analytics_proof_reason(s.state, s.reason_code), s.invoice_id IS NOT NULL,
           analytics_proof_verified(s.state, s.decision)
    FROM old_rows s;
  ELSE
    INSERT INTO pg_temp.analytics_proof_changes
    SELECT 1, s.id, s.brand_id, s.campaign_id, s.member_id, s.created_at, s.state,
           analytics_proof_reason(s.state, s.reason_code), s.invoice_id IS NOT NULL,
           analytics_proof_verified(s.state, s.decision)
    FROM new_rows s;
  END IF;
  PERFORM analytics_proofs_apply();
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER invoice_items_member_purchases ON invoice_items;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION member_purchases_from_invoice_item_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE member_purchases p SET item_names = coalesce((
      SELECT string_agg(it.normalized_name, E'\n' ORDER BY it.line_no) FROM invoice_items it
      WHERE it.invoice_id = p.invoice_id), '')
    WHERE p.invoice_id IN (SELECT n.invoice_id FROM new_rows n);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE member_purchases p SET item_names = coalesce((
      SELECT string_agg(it.normalized_name, E'\n' ORDER BY it.line_no) FROM invoice_items it
      WHERE it.invoice_id = p.invoice_id), '')
    WHERE p.invoice_id IN (SELECT o.invoice_id FROM old_rows o);
  ELSE
    -- Only the invoices whose item list changed (an update of other columns changes none).
    UPDATE member_purchases p SET item_names = coalesce((
      SELECT string_agg(it.normalized_name, E'\n' ORDER BY it.line_no) FROM invoice_items it
      WHERE it.invoice_id = p.invoice_id), '')
    WHERE p.invoice_id IN (
      SELECT x.invoice_id FROM (
        (SELECT o.id, o.invoice_id, o.line_no, o.normalized_name FROM old_rows o
         EXCEPT SELECT n.id, n.invoice_id, n.line_no, n.normalized_name FROM new_rows n)
        UNION ALL
        (SELECT n.id, n.invoice_id, n.line_no, n.normalized_name FROM new_rows n
         EXCEPT SELECT o.id, o.invoice_id, o.line_no, o.normalized_name FROM old_rows o)) x);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP FUNCTION member_purchases_from_invoice_items();
--> statement-breakpoint
CREATE TRIGGER invoice_items_member_purchases_insert AFTER INSERT ON invoice_items
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION member_purchases_from_invoice_item_rows();
--> statement-breakpoint
CREATE TRIGGER invoice_items_member_purchases_update AFTER UPDATE ON invoice_items
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION member_purchases_from_invoice_item_rows();
--> statement-breakpoint
CREATE TRIGGER invoice_items_member_purchases_delete AFTER DELETE ON invoice_items
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION member_purchases_from_invoice_item_rows();
