CREATE TABLE "analytics_daily" (
	"brand_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"purchase_date" date NOT NULL,
	"hour" smallint NOT NULL,
	"weekday" smallint NOT NULL,
	"proofs" integer NOT NULL,
	"lines" integer NOT NULL,
	"total_minor" bigint NOT NULL,
	"amount_minor" bigint NOT NULL,
	"with_own" integer NOT NULL,
	"own_amount_minor" bigint NOT NULL,
	"own_baskets_total_minor" bigint NOT NULL,
	CONSTRAINT "analytics_daily_pk" PRIMARY KEY("brand_id","campaign_id","purchase_date","hour")
);
--> statement-breakpoint
CREATE TABLE "analytics_pair_days" (
	"brand_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"purchase_date" date NOT NULL,
	"product_a" text NOT NULL,
	"product_b" text NOT NULL,
	"baskets" integer NOT NULL,
	CONSTRAINT "analytics_pair_days_pk" PRIMARY KEY("brand_id","campaign_id","purchase_date","product_a","product_b")
);
--> statement-breakpoint
CREATE TABLE "analytics_place_members" (
	"brand_id" text NOT NULL,
	"campaign_key" text NOT NULL,
	"kind" text NOT NULL,
	"place_key" text NOT NULL,
	"member_key" text NOT NULL,
	"proofs" integer NOT NULL,
	CONSTRAINT "analytics_place_members_pk" PRIMARY KEY("brand_id","campaign_key","kind","place_key","member_key")
);
--> statement-breakpoint
CREATE TABLE "analytics_place_totals" (
	"brand_id" text NOT NULL,
	"campaign_key" text NOT NULL,
	"kind" text NOT NULL,
	"place_key" text NOT NULL,
	"proofs" integer NOT NULL,
	"members" integer NOT NULL,
	"amount_minor" bigint NOT NULL,
	CONSTRAINT "analytics_place_totals_pk" PRIMARY KEY("brand_id","campaign_key","kind","place_key")
);
--> statement-breakpoint
CREATE TABLE "analytics_product_days" (
	"brand_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"purchase_date" date NOT NULL,
	"product" text NOT NULL,
	"own" boolean NOT NULL,
	"baskets" integer NOT NULL,
	CONSTRAINT "analytics_product_days_pk" PRIMARY KEY("brand_id","campaign_id","purchase_date","product","own")
);
--> statement-breakpoint
CREATE TABLE "analytics_store_days" (
	"brand_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"purchase_date" date NOT NULL,
	"store_key" text NOT NULL,
	"region_key" text NOT NULL,
	"member_key" text NOT NULL,
	"proofs" integer NOT NULL,
	"amount_minor" bigint NOT NULL,
	CONSTRAINT "analytics_store_days_pk" PRIMARY KEY("brand_id","campaign_id","purchase_date","store_key","region_key","member_key")
);
--> statement-breakpoint
CREATE INDEX "analytics_store_days_brand_date_idx" ON "analytics_store_days" USING btree ("brand_id","purchase_date");--> statement-breakpoint
-- The rollups above are kept by statement triggers on analytics_line_items (docs/decisions/009). Each
-- statement collects, per proof it touched, the proof's rows before the statement (sign -1) and after it
-- (sign +1) into session-local work tables, and analytics_rollup_apply() adds the difference to every
-- rollup, then deletes rollup rows that fell to zero. Inserts, reversals (deletes), product mappings and
-- erasures (updates) all go the same way, in the writing transaction.
CREATE OR REPLACE FUNCTION analytics_rollup_prepare() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF to_regclass('pg_temp.analytics_rollup_rows') IS NULL THEN
    CREATE TEMP TABLE analytics_rollup_rows (
      sign smallint NOT NULL, submission_id text NOT NULL, brand_id text NOT NULL, campaign_id text NOT NULL,
      member_key text NOT NULL, purchase_date date NOT NULL, weekday smallint NOT NULL, hour smallint NOT NULL,
      store_key text NOT NULL, region_key text NOT NULL, product text NOT NULL, own boolean NOT NULL,
      amount_minor bigint NOT NULL, invoice_total_minor bigint NOT NULL
    ) ON COMMIT DELETE ROWS;
    CREATE TEMP TABLE analytics_rollup_touched (submission_id text NOT NULL, line_no integer)
      ON COMMIT DELETE ROWS;
  END IF;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics_rollup_apply() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- Per proof and side (before -1, after +1): its header and basket figures.
  WITH p AS (
    SELECT sign, brand_id, campaign_id, purchase_date, hour, min(weekday) AS weekday, store_key, region_key,
           member_key, count(*) AS lines, max(invoice_total_minor) AS total, sum(amount_minor) AS amount,
           coalesce(sum(amount_minor) FILTER (WHERE own), 0) AS own_amount, bool_or(own) AS has_own
    FROM pg_temp.analytics_rollup_rows
    GROUP BY sign, submission_id, brand_id, campaign_id, purchase_date, hour, store_key, region_key, member_key)
  INSERT INTO analytics_daily AS d (brand_id, campaign_id, purchase_date, hour, weekday, proofs, lines,
                                    total_minor, amount_minor, with_own, own_amount_minor, own_baskets_total_minor)
  SELECT brand_id, campaign_id, purchase_date, hour, min(weekday), sum(sign), sum(sign * lines), sum(sign * total),
         sum(sign * amount), sum(sign * has_own::int), sum(sign * own_amount),
         sum(sign * CASE WHEN has_own THEN total ELSE 0 END)
  FROM p
  GROUP BY brand_id, campaign_id, purchase_date, hour
  HAVING sum(sign) <> 0 OR sum(sign * lines) <> 0 OR sum(sign * total) <> 0 OR sum(sign * amount) <> 0
      OR sum(sign * has_own::int) <> 0 OR sum(sign * own_amount) <> 0
  ORDER BY brand_id, campaign_id, purchase_date, hour
  ON CONFLICT (brand_id, campaign_id, purchase_date, hour) DO UPDATE SET
    proofs = d.proofs + excluded.proofs, lines = d.lines + excluded.lines,
    total_minor = d.total_minor + excluded.total_minor, amount_minor = d.amount_minor + excluded.amount_minor,
    with_own = d.with_own + excluded.with_own, own_amount_minor = d.own_amount_minor + excluded.own_amount_minor,
    own_baskets_total_minor = d.own_baskets_total_minor + excluded.own_baskets_total_minor;

  WITH p AS (
    SELECT sign, brand_id, campaign_id, purchase_date, hour, min(weekday) AS weekday, store_key, region_key,
           member_key, count(*) AS lines, max(invoice_total_minor) AS total, sum(amount_minor) AS amount,
           coalesce(sum(amount_minor) FILTER (WHERE own), 0) AS own_amount, bool_or(own) AS has_own
    FROM pg_temp.analytics_rollup_rows
    GROUP BY sign, submission_id, brand_id, campaign_id, purchase_date, hour, store_key, region_key, member_key)
  INSERT INTO analytics_store_days AS d (brand_id, campaign_id, purchase_date, store_key, region_key, member_key,
                                         proofs, amount_minor)
  SELECT brand_id, campaign_id, purchase_date, store_key, region_key, member_key, sum(sign), sum(sign * amount)
  FROM p
  GROUP BY brand_id, campaign_id, purchase_date, store_key, region_key, member_key
  HAVING sum(sign) <> 0 OR sum(sign * amount) <> 0
  ORDER BY brand_id, campaign_id, purchase_date, store_key, region_key, member_key
  ON CONFLICT (brand_id, campaign_id, purchase_date, store_key, region_key, member_key) DO UPDATE SET
    proofs = d.proofs + excluded.proofs, amount_minor = d.amount_minor + excluded.amount_minor;

  -- Undated store and region rankings, per campaign and for all campaigns ('*'): proofs and amount add
  -- up; a member counts at a place while their proofs there are above zero.
  WITH p AS (
    SELECT sign, brand_id, campaign_id, store_key, region_key, member_key, sum(amount_minor) AS amount
    FROM pg_temp.analytics_rollup_rows
    GROUP BY sign, submission_id, brand_id, campaign_id, store_key, region_key, member_key),
  places AS (
    SELECT p.sign, p.brand_id, c.campaign_key, k.kind, k.place_key, p.member_key, p.amount
    FROM p
    CROSS JOIN LATERAL (VALUES (p.campaign_id), ('*')) c (campaign_key)
    CROSS JOIN LATERAL (VALUES ('store', p.store_key), ('region', p.region_key)) k (kind, place_key)),
  dm AS (
    SELECT brand_id, campaign_key, kind, place_key, member_key, sum(sign) AS delta FROM places
    WHERE member_key <> ''
    GROUP BY brand_id, campaign_key, kind, place_key, member_key HAVING sum(sign) <> 0),
  up AS (
    INSERT INTO analytics_place_members AS m (brand_id, campaign_key, kind, place_key, member_key, proofs)
    SELECT brand_id, campaign_key, kind, place_key, member_key, delta FROM dm
    ORDER BY brand_id, campaign_key, kind, place_key, member_key
    ON CONFLICT (brand_id, campaign_key, kind, place_key, member_key) DO UPDATE SET proofs = m.proofs + excluded.proofs
    RETURNING brand_id, campaign_key, kind, place_key, member_key, proofs),
  mc AS (
    SELECT dm.brand_id, dm.campaign_key, dm.kind, dm.place_key,
           sum(CASE WHEN dm.delta > 0 AND up.proofs = dm.delta THEN 1
                    WHEN dm.delta < 0 AND up.proofs = 0 THEN -1 ELSE 0 END) AS members
    FROM dm JOIN up USING (brand_id, campaign_key, kind, place_key, member_key)
    GROUP BY dm.brand_id, dm.campaign_key, dm.kind, dm.place_key),
  pt AS (
    SELECT brand_id, campaign_key, kind, place_key, sum(sign) AS proofs, sum(sign * amount) AS amount
    FROM places GROUP BY brand_id, campaign_key, kind, place_key)
  INSERT INTO analytics_place_totals AS t (brand_id, campaign_key, kind, place_key, proofs, members, amount_minor)
  SELECT brand_id, campaign_key, kind, place_key, coalesce(pt.proofs, 0), coalesce(mc.members, 0),
         coalesce(pt.amount, 0)
  FROM pt FULL JOIN mc USING (brand_id, campaign_key, kind, place_key)
  WHERE coalesce(pt.proofs, 0) <> 0 OR coalesce(mc.members, 0) <> 0 OR coalesce(pt.amount, 0) <> 0
  ORDER BY brand_id, campaign_key, kind, place_key
  ON CONFLICT (brand_id, campaign_key, kind, place_key) DO UPDATE SET
    proofs = t.proofs + excluded.proofs, members = t.members + excluded.members,
    amount_minor = t.amount_minor + excluded.amount_minor;

  -- Items of a basket: each product once, as the line-item analysis counts them.
  WITH i AS (
    SELECT DISTINCT sign, submission_id, brand_id, campaign_id, purchase_date, product, own
    FROM pg_temp.analytics_rollup_rows)
  INSERT INTO analytics_product_days AS d (brand_id, campaign_id, purchase_date, product, own, baskets)
  SELECT brand_id, campaign_id, purchase_date, product, own, sum(sign)
  FROM i
  GROUP BY brand_id, campaign_id, purchase_date, product, own
  HAVING sum(sign) <> 0
  ORDER BY brand_id, campaign_id, purchase_date, product, own
  ON CONFLICT (brand_id, campaign_id, purchase_date, product, own) DO UPDATE SET baskets = d.baskets + excluded.baskets;

  WITH i AS (
    SELECT DISTINCT sign, submission_id, brand_id, campaign_id, purchase_date, product, own
    FROM pg_temp.analytics_rollup_rows)
  INSERT INTO analytics_pair_days AS d (brand_id, campaign_id, purchase_date, product_a, product_b, baskets)
  SELECT x.brand_id, x.campaign_id, x.purchase_date, x.product, y.product, sum(x.sign)
  FROM i x
  JOIN i y
    ON y.submission_id = x.submission_id AND y.sign = x.sign AND y.product <> x.product
  WHERE x.own
  GROUP BY x.brand_id, x.campaign_id, x.purchase_date, x.product, y.product
  HAVING sum(x.sign) <> 0
  ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (brand_id, campaign_id, purchase_date, product_a, product_b) DO UPDATE SET baskets = d.baskets + excluded.baskets;

  DELETE FROM analytics_daily d USING (SELECT DISTINCT brand_id, campaign_id, purchase_date, hour
                                       FROM pg_temp.analytics_rollup_rows) k
  WHERE d.brand_id = k.brand_id AND d.campaign_id = k.campaign_id AND d.purchase_date = k.purchase_date
    AND d.hour = k.hour AND d.proofs = 0;
  DELETE FROM analytics_store_days d
  USING (SELECT DISTINCT brand_id, campaign_id, purchase_date, store_key, region_key, member_key
         FROM pg_temp.analytics_rollup_rows) k
  WHERE d.brand_id = k.brand_id AND d.campaign_id = k.campaign_id AND d.purchase_date = k.purchase_date
    AND d.store_key = k.store_key AND d.region_key = k.region_key AND d.member_key = k.member_key AND d.proofs = 0;
  DELETE FROM analytics_product_days d
  USING (SELECT DISTINCT brand_id, campaign_id, purchase_date, product FROM pg_temp.analytics_rollup_rows) k
  WHERE d.brand_id = k.brand_id AND d.campaign_id = k.campaign_id AND d.purchase_date = k.purchase_date
    AND d.product = k.product AND d.baskets = 0;
  DELETE FROM analytics_pair_days d
  USING (SELECT DISTINCT brand_id, campaign_id, purchase_date, product FROM pg_temp.analytics_rollup_rows
         WHERE own) k
  WHERE d.brand_id = k.brand_id AND d.campaign_id = k.campaign_id AND d.purchase_date = k.purchase_date
    AND d.product_a = k.product AND d.baskets = 0;

  DELETE FROM analytics_place_members m
  USING (SELECT DISTINCT r.brand_id, c.campaign_key, k.kind, k.place_key, r.member_key
         FROM pg_temp.analytics_rollup_rows r
         CROSS JOIN LATERAL (VALUES (r.campaign_id), ('*')) c (campaign_key)
         CROSS JOIN LATERAL (VALUES ('store', r.store_key), ('region', r.region_key)) k (kind, place_key)) k
  WHERE m.brand_id = k.brand_id AND m.campaign_key = k.campaign_key AND m.kind = k.kind
    AND m.place_key = k.place_key AND m.member_key = k.member_key AND m.proofs = 0;
  DELETE FROM analytics_place_totals t
  USING (SELECT DISTINCT r.brand_id, c.campaign_key, k.kind, k.place_key
         FROM pg_temp.analytics_rollup_rows r
         CROSS JOIN LATERAL (VALUES (r.campaign_id), ('*')) c (campaign_key)
         CROSS JOIN LATERAL (VALUES ('store', r.store_key), ('region', r.region_key)) k (kind, place_key)) k
  WHERE t.brand_id = k.brand_id AND t.campaign_key = k.campaign_key AND t.kind = k.kind
    AND t.place_key = k.place_key AND t.proofs = 0;
  DELETE FROM pg_temp.analytics_rollup_rows;
  DELETE FROM pg_temp.analytics_rollup_touched;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics_rollup_line_items() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM analytics_rollup_prepare();
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO pg_temp.analytics_rollup_touched SELECT li.submission_id, NULL FROM old_rows li;
    INSERT INTO pg_temp.analytics_rollup_rows
    SELECT -1, li.submission_id, li.brand_id, li.campaign_id, coalesce(li.member_id, ''), li.purchase_date, li.weekday,
         coalesce(li.hour, -1), li.store_key, coalesce(li.region_code, ''), coalesce(li.product_key, li.normalized_name),
         li.product_key IS NOT NULL, li.amount_minor, li.invoice_total_minor
    FROM old_rows li;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO pg_temp.analytics_rollup_touched SELECT li.submission_id, li.line_no FROM new_rows li;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_temp.analytics_rollup_touched) THEN
    RETURN NULL;
  END IF;
  -- After the statement: every current row of the proofs it touched. Before it: the rows it did not write
  -- (so +1 and -1 cancel) and the old versions collected above.
  INSERT INTO pg_temp.analytics_rollup_rows
  SELECT s.sign, li.submission_id, li.brand_id, li.campaign_id, coalesce(li.member_id, ''), li.purchase_date, li.weekday,
         coalesce(li.hour, -1), li.store_key, coalesce(li.region_code, ''), coalesce(li.product_key, li.normalized_name),
         li.product_key IS NOT NULL, li.amount_minor, li.invoice_total_minor
  FROM analytics_line_items li
  JOIN (SELECT DISTINCT submission_id FROM pg_temp.analytics_rollup_touched) t ON t.submission_id = li.submission_id
  CROSS JOIN (VALUES (1::smallint), (-1::smallint)) s (sign)
  WHERE s.sign = 1 OR NOT EXISTS (SELECT 1 FROM pg_temp.analytics_rollup_touched w
                                  WHERE w.submission_id = li.submission_id AND w.line_no = li.line_no);
  PERFORM analytics_rollup_apply();
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- Rebuilds one brand's rollups (or every brand's, with NULL) from its line items.
CREATE OR REPLACE FUNCTION analytics_rollup_rebuild(p_brand_id text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM analytics_daily WHERE p_brand_id IS NULL OR brand_id = p_brand_id;
  DELETE FROM analytics_store_days WHERE p_brand_id IS NULL OR brand_id = p_brand_id;
  DELETE FROM analytics_product_days WHERE p_brand_id IS NULL OR brand_id = p_brand_id;
  DELETE FROM analytics_pair_days WHERE p_brand_id IS NULL OR brand_id = p_brand_id;
  DELETE FROM analytics_place_members WHERE p_brand_id IS NULL OR brand_id = p_brand_id;
  DELETE FROM analytics_place_totals WHERE p_brand_id IS NULL OR brand_id = p_brand_id;
  PERFORM analytics_rollup_prepare();
  DELETE FROM pg_temp.analytics_rollup_rows;
  INSERT INTO pg_temp.analytics_rollup_rows
  SELECT 1, li.submission_id, li.brand_id, li.campaign_id, coalesce(li.member_id, ''), li.purchase_date, li.weekday,
         coalesce(li.hour, -1), li.store_key, coalesce(li.region_code, ''), coalesce(li.product_key, li.normalized_name),
         li.product_key IS NOT NULL, li.amount_minor, li.invoice_total_minor
  FROM analytics_line_items li WHERE p_brand_id IS NULL OR li.brand_id = p_brand_id;
  PERFORM analytics_rollup_apply();
END
$$;
--> statement-breakpoint
CREATE TRIGGER analytics_line_items_rollup_insert AFTER INSERT ON analytics_line_items
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION analytics_rollup_line_items();
--> statement-breakpoint
CREATE TRIGGER analytics_line_items_rollup_update AFTER UPDATE ON analytics_line_items
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION analytics_rollup_line_items();
--> statement-breakpoint
CREATE TRIGGER analytics_line_items_rollup_delete AFTER DELETE ON analytics_line_items
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION analytics_rollup_line_items();
--> statement-breakpoint
SELECT analytics_rollup_rebuild(NULL);
