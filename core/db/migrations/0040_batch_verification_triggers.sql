-- invoices_member_purchases as one statement-level UPDATE over the invoices whose purchase columns changed
-- (issue 17), same results: the batch verification stores the platform's answer for a hundred invoices in
-- one statement, which called the per-row trigger (one UPDATE of member_purchases) for each of them.
CREATE OR REPLACE FUNCTION member_purchases_from_invoice_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE member_purchases p SET invoice_date = n.invoice_date, seller_tax_id = n.seller_tax_id,
    seller_name = n.seller_name, seller_address = n.seller_address
  FROM new_rows n JOIN old_rows o ON o.id = n.id
  WHERE p.invoice_id = n.id
    AND (o.invoice_date, o.seller_tax_id, o.seller_name, o.seller_address)
        IS DISTINCT FROM (n.invoice_date, n.seller_tax_id, n.seller_name, n.seller_address);
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER invoices_member_purchases ON invoices;
--> statement-breakpoint
DROP FUNCTION member_purchases_from_invoices();
--> statement-breakpoint
CREATE TRIGGER invoices_member_purchases AFTER UPDATE ON invoices
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION member_purchases_from_invoice_rows();
