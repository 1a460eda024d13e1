-- The line-item rollups' outbox (0057), two fixes a review found (#17):
-- 1. A rebuild of one brand's line-item rollups (rebuildAnalyticsRollups for a brand, the synthetic seed) took
--    the whole fact_outbox_line_items EXCLUSIVE until it committed: every line-item write of every brand (the
--    batch verification's) waited for it. It now settles as one brand's funnel rebuild does (0055): the fold
--    lock, then the brand's advisory lock (7317002, hashtext(brand)) EXCLUSIVE, while a line-item statement
--    takes that lock SHARED for each brand it stored records of, after storing them. The same lock as the
--    funnel's: a statement that writes a brand's submissions and line items takes one lock, in any order, and
--    a brand's rebuild that settles both takes it once. So while a brand's rebuild runs, its earlier writers
--    have committed (their records are folded by the settle, their rows counted by the rebuild: once), its
--    later writers wait for its commit (rows not counted, records folded after: once), and other brands' writers
--    go on. The rebuild of every brand (no brand given) still takes the table lock.
-- 2. The trigger stored a statement's old versions (-1) and its proofs' current rows in two INSERT … SELECTs;
--    one now stores both (the old versions pass as an array: an INSERT's trigger has no old_rows to name).
CREATE OR REPLACE FUNCTION analytics_rollup_line_items() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_batch bigint;
  v_old analytics_line_items[];
  v_brands text[];
BEGIN
  PERFORM analytics_rollup_prepare();
  DELETE FROM pg_temp.analytics_rollup_touched;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO pg_temp.analytics_rollup_touched SELECT li.submission_id, NULL FROM old_rows li;
    SELECT array_agg(li) INTO v_old FROM old_rows li;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO pg_temp.analytics_rollup_touched SELECT li.submission_id, li.line_no FROM new_rows li;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_temp.analytics_rollup_touched) THEN
    RETURN NULL;
  END IF;
  v_batch := nextval(pg_get_serial_sequence('fact_outbox_line_items', 'seq'));
  -- Before the statement: the old versions, and the rows it did not write (so +1 and -1 cancel). After it:
  -- every current row of the proofs it touched.
  WITH r AS (
    SELECT -1::smallint AS sign, o AS li FROM unnest(v_old) o
    UNION ALL
    SELECT s.sign, li
    FROM analytics_line_items li
    JOIN (SELECT DISTINCT submission_id FROM pg_temp.analytics_rollup_touched) t ON t.submission_id = li.submission_id
    CROSS JOIN (VALUES (1::smallint), (-1::smallint)) s (sign)
    WHERE s.sign = 1 OR NOT EXISTS (SELECT 1 FROM pg_temp.analytics_rollup_touched w
                                    WHERE w.submission_id = li.submission_id AND w.line_no = li.line_no)),
  ins AS (
    INSERT INTO fact_outbox_line_items (batch, sign, submission_id, brand_id, campaign_id, member_key,
                                        purchase_date, weekday, hour, store_key, region_key, product, own,
                                        amount_minor, invoice_total_minor)
    SELECT v_batch, r.sign, (r.li).submission_id, (r.li).brand_id, (r.li).campaign_id, coalesce((r.li).member_id, ''),
           (r.li).purchase_date, (r.li).weekday, coalesce((r.li).hour, -1), (r.li).store_key,
           coalesce((r.li).region_code, ''), coalesce((r.li).product_key, (r.li).normalized_name),
           (r.li).product_key IS NOT NULL, (r.li).amount_minor, (r.li).invoice_total_minor
    FROM r
    RETURNING brand_id)
  SELECT array_agg(DISTINCT ins.brand_id ORDER BY ins.brand_id) INTO v_brands FROM ins;
  DELETE FROM pg_temp.analytics_rollup_touched;
  -- After the records are stored, so a brand's rebuild either waited for this transaction or it waits for
  -- the rebuild (see analytics_rollup_rebuild); shared: writers of a brand never wait for each other.
  IF v_brands IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock_shared(7317002, hashtext(b)) FROM unnest(v_brands) AS b;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- One settle for every outbox (0055's scheme): the fold lock, then one brand's advisory lock EXCLUSIVE (or, with
-- no brand, the whole outbox table), then folds with p_fold until a chunk of fewer records than asked took
-- every committed one (a statement's line-item records are folded whole, so never fewer than there were): the
-- brand's writers are done or wait, so nothing of the brand is left (other brands' records may keep coming;
-- they are not the rebuild's).
CREATE OR REPLACE FUNCTION derived_facts_settle(p_brand_id text, p_outbox regclass, p_fold regproc)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_count integer;
BEGIN
  PERFORM pg_advisory_xact_lock(7317001);
  IF p_brand_id IS NULL THEN
    EXECUTE format('LOCK TABLE %s IN EXCLUSIVE MODE', p_outbox);
  ELSE
    PERFORM pg_advisory_xact_lock(7317002, hashtext(p_brand_id));
  END IF;
  LOOP
    EXECUTE format('SELECT %s(1000)', p_fold) INTO v_count;
    EXIT WHEN v_count < 1000;
  END LOOP;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION derived_facts_settle_proofs(p_brand_id text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM derived_facts_settle(p_brand_id, 'fact_outbox_proofs', 'derived_facts_fold_proofs');
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics_rollup_rebuild(p_brand_id text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM derived_facts_settle(p_brand_id, 'fact_outbox_line_items', 'derived_facts_fold_line_items');
  PERFORM analytics_rollup_rebuild_from_line_items(p_brand_id);
END
$$;
