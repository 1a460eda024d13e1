-- Review finding F2 on 0059 (#17): the line-item trigger passed a statement's old versions to its one INSERT as
-- an array (array_agg of old_rows, then unnest), which made a 20k-row delete take 0.48–1.02 s (0.19–0.55 s
-- before 0059). The INSERT now reads old_rows itself: an INSERT's trigger has no old_rows to name, so the
-- statement is built for the trigger's operation (EXECUTE; transition tables are visible to it), one text for
-- the old versions' and the current rows' columns. Same records, same batch, same brand locks as 0059.
CREATE OR REPLACE FUNCTION analytics_rollup_line_items() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_batch bigint;
  v_brands text[];
  -- A record's columns (after batch and sign) from a line-item row `li`: of the table, or of old_rows.
  c_record CONSTANT text := 'li.submission_id, li.brand_id, li.campaign_id, coalesce(li.member_id, ''''), '
    'li.purchase_date, li.weekday, coalesce(li.hour, -1), li.store_key, coalesce(li.region_code, ''''), '
    'coalesce(li.product_key, li.normalized_name), li.product_key IS NOT NULL, li.amount_minor, '
    'li.invoice_total_minor';
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
  -- Before the statement: the old versions, and the rows it did not write (so +1 and -1 cancel). After it:
  -- every current row of the proofs it touched.
  EXECUTE format(
    $q$WITH ins AS (
      INSERT INTO fact_outbox_line_items (batch, sign, submission_id, brand_id, campaign_id, member_key,
                                          purchase_date, weekday, hour, store_key, region_key, product, own,
                                          amount_minor, invoice_total_minor)
      %s
      SELECT $1, s.sign, %s
      FROM analytics_line_items li
      JOIN (SELECT DISTINCT submission_id FROM pg_temp.analytics_rollup_touched) t ON t.submission_id = li.submission_id
      CROSS JOIN (VALUES (1::smallint), (-1::smallint)) s (sign)
      WHERE s.sign = 1 OR NOT EXISTS (SELECT 1 FROM pg_temp.analytics_rollup_touched w
                                      WHERE w.submission_id = li.submission_id AND w.line_no = li.line_no)
      RETURNING brand_id)
    SELECT array_agg(DISTINCT ins.brand_id ORDER BY ins.brand_id) FROM ins$q$,
    CASE WHEN TG_OP = 'INSERT' THEN ''
         ELSE format('SELECT $1, -1::smallint, %s FROM old_rows li UNION ALL', c_record) END,
    c_record)
  INTO v_brands USING v_batch;
  DELETE FROM pg_temp.analytics_rollup_touched;
  -- After the records are stored, so a brand's rebuild either waited for this transaction or it waits for
  -- the rebuild (see analytics_rollup_rebuild); shared: writers of a brand never wait for each other.
  IF v_brands IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock_shared(7317002, hashtext(b)) FROM unnest(v_brands) AS b;
  END IF;
  RETURN NULL;
END
$$;
