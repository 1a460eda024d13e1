CREATE TABLE "member_purchases" (
	"submission_id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"member_id" text NOT NULL,
	"invoice_id" text NOT NULL,
	"invoice_date" date NOT NULL,
	"seller_tax_id" text,
	"seller_name" text,
	"seller_address" text,
	"item_names" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "accepted_proofs_at" timestamp with time zone[] DEFAULT '{}'::timestamptz[] NOT NULL;--> statement-breakpoint
CREATE INDEX "member_purchases_brand_date_idx" ON "member_purchases" USING btree ("brand_id","invoice_date");--> statement-breakpoint
CREATE INDEX "member_purchases_invoice_idx" ON "member_purchases" USING btree ("invoice_id");
--> statement-breakpoint
-- members.accepted_proofs_at: when the member's latest 50 accepted (or rewarded) proofs were sent, newest
-- first, recomputed in the same transaction whenever a submission enters or leaves those states (a new
-- accepted proof, a reversal, a rejection on review) or moves to another member or time.
CREATE OR REPLACE FUNCTION members_accepted_proofs_in_force() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.state IN ('accepted', 'rewarded') THEN
    PERFORM members_accepted_proofs_recompute(OLD.member_id);
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.state IN ('accepted', 'rewarded')
     AND (TG_OP = 'INSERT' OR NOT (OLD.state IN ('accepted', 'rewarded') AND OLD.member_id = NEW.member_id)
          OR OLD.created_at IS DISTINCT FROM NEW.created_at) THEN
    PERFORM members_accepted_proofs_recompute(NEW.member_id);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION members_accepted_proofs_recompute(target_member text) RETURNS void LANGUAGE sql AS $$
  UPDATE members m SET accepted_proofs_at = coalesce((
    SELECT array_agg(t.created_at ORDER BY t.created_at DESC) FROM (
      SELECT s.created_at FROM submissions s WHERE s.member_id = target_member AND s.state IN ('accepted', 'rewarded')
      ORDER BY s.created_at DESC LIMIT 50) t), '{}')
  WHERE m.id = target_member;
$$;
--> statement-breakpoint
CREATE TRIGGER submissions_accepted_proofs AFTER INSERT OR DELETE OR UPDATE OF state, member_id, created_at
  ON submissions FOR EACH ROW EXECUTE FUNCTION members_accepted_proofs_in_force();
--> statement-breakpoint
UPDATE members m SET accepted_proofs_at = t.times FROM (
  SELECT member_id, array_agg(created_at ORDER BY created_at DESC) AS times FROM (
    SELECT s.member_id, s.created_at,
           row_number() OVER (PARTITION BY s.member_id ORDER BY s.created_at DESC) AS n
    FROM submissions s WHERE s.state IN ('accepted', 'rewarded')) ranked
  WHERE n <= 50 GROUP BY member_id) t
WHERE m.id = t.member_id;
--> statement-breakpoint
-- member_purchases: one row per accepted (or rewarded) proof of an invoice, rebuilt in the same transaction
-- when the submission changes state, member or invoice, when the invoice's date or store changes, and when
-- its items change.
CREATE OR REPLACE FUNCTION member_purchases_rebuild(target_submission text) RETURNS void LANGUAGE sql AS $$
  DELETE FROM member_purchases WHERE submission_id = target_submission;
  INSERT INTO member_purchases (submission_id, brand_id, member_id, invoice_id, invoice_date, seller_tax_id,
                                seller_name, seller_address, item_names)
  SELECT s.id, s.brand_id, s.member_id, i.id, i.invoice_date, i.seller_tax_id, i.seller_name, i.seller_address,
         coalesce((SELECT string_agg(it.normalized_name, E'\n' ORDER BY it.line_no) FROM invoice_items it
                   WHERE it.invoice_id = i.id), '')
  FROM submissions s JOIN invoices i ON i.id = s.invoice_id
  WHERE s.id = target_submission AND s.state IN ('accepted', 'rewarded');
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION member_purchases_from_submissions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM member_purchases WHERE submission_id = OLD.id;
  ELSIF NEW.invoice_id IS NOT NULL AND NEW.state IN ('accepted', 'rewarded')
        OR TG_OP = 'UPDATE' AND OLD.invoice_id IS NOT NULL AND OLD.state IN ('accepted', 'rewarded') THEN
    PERFORM member_purchases_rebuild(NEW.id);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER submissions_member_purchases AFTER INSERT OR DELETE OR UPDATE OF state, member_id, invoice_id
  ON submissions FOR EACH ROW EXECUTE FUNCTION member_purchases_from_submissions();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION member_purchases_from_invoices() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE member_purchases p SET invoice_date = NEW.invoice_date, seller_tax_id = NEW.seller_tax_id,
    seller_name = NEW.seller_name, seller_address = NEW.seller_address
  WHERE p.invoice_id = NEW.id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER invoices_member_purchases AFTER UPDATE OF invoice_date, seller_tax_id, seller_name, seller_address
  ON invoices FOR EACH ROW EXECUTE FUNCTION member_purchases_from_invoices();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION member_purchases_from_invoice_items() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE member_purchases p SET item_names = coalesce((
    SELECT string_agg(it.normalized_name, E'\n' ORDER BY it.line_no) FROM invoice_items it
    WHERE it.invoice_id = p.invoice_id), '')
  WHERE p.invoice_id IN (CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.invoice_id END,
                         CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.invoice_id END);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER invoice_items_member_purchases AFTER INSERT OR DELETE OR UPDATE OF invoice_id, line_no, normalized_name
  ON invoice_items FOR EACH ROW EXECUTE FUNCTION member_purchases_from_invoice_items();
--> statement-breakpoint
INSERT INTO member_purchases (submission_id, brand_id, member_id, invoice_id, invoice_date, seller_tax_id,
                              seller_name, seller_address, item_names)
SELECT s.id, s.brand_id, s.member_id, i.id, i.invoice_date, i.seller_tax_id, i.seller_name, i.seller_address,
       coalesce((SELECT string_agg(it.normalized_name, E'\n' ORDER BY it.line_no) FROM invoice_items it
                 WHERE it.invoice_id = i.id), '')
FROM submissions s JOIN invoices i ON i.id = s.invoice_id
WHERE s.state IN ('accepted', 'rewarded');
