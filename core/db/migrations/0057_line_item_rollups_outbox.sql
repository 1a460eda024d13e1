CREATE TABLE "fact_outbox_line_items" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"batch" bigint NOT NULL,
	"sign" smallint NOT NULL,
	"submission_id" text NOT NULL,
	"brand_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"member_key" text NOT NULL,
	"purchase_date" date NOT NULL,
	"weekday" smallint NOT NULL,
	"hour" smallint NOT NULL,
	"store_key" text NOT NULL,
	"region_key" text NOT NULL,
	"product" text NOT NULL,
	"own" boolean NOT NULL,
	"amount_minor" bigint NOT NULL,
	"invoice_total_minor" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "fact_outbox_line_items_batch_idx" ON "fact_outbox_line_items" USING btree ("batch");--> statement-breakpoint
-- The line-item rollups through the fact outbox (issue 17, as the funnel in 0053): the statement triggers on
-- analytics_line_items no longer apply the rollups in the writing transaction (two thirds of the batch
-- verification's line-item INSERT); they store, per statement, each touched proof's rows before (-1) and
-- after (+1) in fact_outbox_line_items, and the fold applies them (analytics_rollup_apply, unchanged) and
-- deletes them in one transaction. A statement's rows carry one batch number and are folded together: the
-- rollups count a proof once per statement and side, so its submission id is made unique per batch for the
-- apply. Readers of the rollups fold first (core/analytics), as the funnel's do.
CREATE OR REPLACE FUNCTION analytics_rollup_line_items() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_batch bigint;
BEGIN
  PERFORM analytics_rollup_prepare();
  DELETE FROM pg_temp.analytics_rollup_touched;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO pg_temp.analytics_rollup_touched SELECT li.submission_id, NULL FROM old_rows li;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO pg_temp.analytics_rollup_touched SELECT li.submission_id, li.line_no FROM new_rows li;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_temp.analytics_rollup_touched) THEN
    RETURN NULL;
  END IF;
  v_batch := nextval(pg_get_serial_sequence('fact_outbox_line_items', 'seq'));
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO fact_outbox_line_items (batch, sign, submission_id, brand_id, campaign_id, member_key,
                                        purchase_date, weekday, hour, store_key, region_key, product, own,
                                        amount_minor, invoice_total_minor)
    SELECT v_batch, -1, li.submission_id, li.brand_id, li.campaign_id, coalesce(li.member_id, ''), li.purchase_date,
           li.weekday, coalesce(li.hour, -1), li.store_key, coalesce(li.region_code, ''),
           coalesce(li.product_key, li.normalized_name), li.product_key IS NOT NULL, li.amount_minor,
           li.invoice_total_minor
    FROM old_rows li;
  END IF;
  -- After the statement: every current row of the proofs it touched. Before it: the rows it did not write
  -- (so +1 and -1 cancel) and the old versions stored above.
  INSERT INTO fact_outbox_line_items (batch, sign, submission_id, brand_id, campaign_id, member_key,
                                      purchase_date, weekday, hour, store_key, region_key, product, own,
                                      amount_minor, invoice_total_minor)
  SELECT v_batch, s.sign, li.submission_id, li.brand_id, li.campaign_id, coalesce(li.member_id, ''), li.purchase_date,
         li.weekday, coalesce(li.hour, -1), li.store_key, coalesce(li.region_code, ''),
         coalesce(li.product_key, li.normalized_name), li.product_key IS NOT NULL, li.amount_minor,
         li.invoice_total_minor
  FROM analytics_line_items li
  JOIN (SELECT DISTINCT submission_id FROM pg_temp.analytics_rollup_touched) t ON t.submission_id = li.submission_id
  CROSS JOIN (VALUES (1::smallint), (-1::smallint)) s (sign)
  WHERE s.sign = 1 OR NOT EXISTS (SELECT 1 FROM pg_temp.analytics_rollup_touched w
                                  WHERE w.submission_id = li.submission_id AND w.line_no = li.line_no);
  DELETE FROM pg_temp.analytics_rollup_touched;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER fact_outbox_line_items_notify_work AFTER INSERT ON fact_outbox_line_items
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION fact_outbox_notify_work();
--> statement-breakpoint
-- Folds the statements of about p_limit line-item records (oldest first, whole statements) into the
-- rollups; returns how many records. Call under the fold lock (derived_facts_fold).
CREATE OR REPLACE FUNCTION derived_facts_fold_line_items(p_limit integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  v_count integer;
BEGIN
  PERFORM analytics_rollup_prepare();
  DELETE FROM pg_temp.analytics_rollup_rows;
  WITH b AS (
    SELECT DISTINCT f.batch FROM (SELECT batch FROM fact_outbox_line_items ORDER BY seq LIMIT p_limit) f),
  d AS (
    DELETE FROM fact_outbox_line_items o USING b WHERE o.batch = b.batch
    RETURNING o.batch, o.sign, o.submission_id, o.brand_id, o.campaign_id, o.member_key, o.purchase_date,
              o.weekday, o.hour, o.store_key, o.region_key, o.product, o.own, o.amount_minor,
              o.invoice_total_minor)
  INSERT INTO pg_temp.analytics_rollup_rows
  SELECT d.sign, d.batch::text || ':' || d.submission_id, d.brand_id, d.campaign_id, d.member_key,
         d.purchase_date, d.weekday, d.hour, d.store_key, d.region_key, d.product, d.own, d.amount_minor,
         d.invoice_total_minor
    FROM d;
  GET DIAGNOSTICS v_count = ROW_COUNT;
  IF v_count > 0 THEN
    PERFORM analytics_rollup_apply();
  END IF;
  RETURN v_count;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION derived_facts_fold(p_limit integer) RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM fact_outbox_proofs) AND NOT EXISTS (SELECT 1 FROM fact_outbox_members)
     AND NOT EXISTS (SELECT 1 FROM fact_outbox_line_items)
     OR pg_is_in_recovery() THEN
    RETURN 0;
  END IF;
  PERFORM pg_advisory_xact_lock(7317001);
  RETURN derived_facts_fold_proofs(p_limit) + derived_facts_fold_members(p_limit)
       + derived_facts_fold_line_items(p_limit);
END
$$;
--> statement-breakpoint
-- A rebuild of the line-item rollups counts every committed line item: no record may stay pending (its fold
-- would count it again), so new ones wait for the rebuild's transaction (the outbox's lock, after the fold
-- lock, in a fold's order) and those committed are folded first; then the rebuild of 0027, unchanged.
ALTER FUNCTION analytics_rollup_rebuild(text) RENAME TO analytics_rollup_rebuild_from_line_items;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics_rollup_rebuild(p_brand_id text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7317001);
  LOCK TABLE fact_outbox_line_items IN EXCLUSIVE MODE;
  LOOP
    EXIT WHEN derived_facts_fold_line_items(1000) = 0;
  END LOOP;
  PERFORM analytics_rollup_rebuild_from_line_items(p_brand_id);
END
$$;
