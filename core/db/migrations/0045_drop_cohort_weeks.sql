-- The whole history's cohorts are read from analytics_cohort_days (migration 0042) like any range's, so
-- analytics_cohort_weeks (0033), which held the same members by first-proof week × active week, is gone
-- and with it a fourth counter kept by every statement that changes a member's accepted proofs (issue 17:
-- one work table, one upsert and two deletes less in each deciding transaction). Same functions as 0042
-- without that table.
CREATE OR REPLACE FUNCTION analytics_proofs_prepare() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF to_regclass('pg_temp.analytics_proof_changes') IS NULL THEN
    CREATE TEMP TABLE analytics_proof_changes (
      sign smallint NOT NULL, id text NOT NULL, brand_id text NOT NULL, campaign_id text NOT NULL,
      member_id text NOT NULL, created_at timestamptz NOT NULL, state text NOT NULL, reason text NOT NULL,
      read boolean NOT NULL, verified boolean NOT NULL
    ) ON COMMIT DELETE ROWS;
  END IF;
  IF to_regclass('pg_temp.analytics_member_changes') IS NULL THEN
    CREATE TEMP TABLE analytics_member_changes (brand_id text NOT NULL, member_id text NOT NULL)
      ON COMMIT DELETE ROWS;
  END IF;
  IF to_regclass('pg_temp.analytics_cohort_day_changes') IS NULL THEN
    CREATE TEMP TABLE analytics_cohort_day_changes (
      sign smallint NOT NULL, brand_id text NOT NULL, scope text NOT NULL, week date NOT NULL,
      first_day date NOT NULL, days smallint NOT NULL
    ) ON COMMIT DELETE ROWS;
  END IF;
  IF to_regclass('pg_temp.analytics_return_day_changes') IS NULL THEN
    CREATE TEMP TABLE analytics_return_day_changes (
      sign smallint NOT NULL, brand_id text NOT NULL, scope text NOT NULL, day date NOT NULL, prev_day date NOT NULL
    ) ON COMMIT DELETE ROWS;
  END IF;
  IF to_regclass('pg_temp.analytics_first_day_changes') IS NULL THEN
    CREATE TEMP TABLE analytics_first_day_changes (
      sign smallint NOT NULL, brand_id text NOT NULL, scope text NOT NULL, first_day date NOT NULL,
      second_day date NOT NULL
    ) ON COMMIT DELETE ROWS;
  END IF;
END
$$;
--> statement-breakpoint
-- The cells of the touched members as their member-days stand now, with p_sign: one statement (one
-- snapshot) over each member's active days per scope, in day order.
CREATE OR REPLACE FUNCTION analytics_members_cells(p_sign smallint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  WITH o AS (
    SELECT d.*, date_trunc('week', d.day::timestamp)::date AS week, min(d.day) OVER m AS first_day,
           lag(d.day) OVER m AS prev_day, lead(d.day) OVER m AS next_day, row_number() OVER m AS n
    FROM (SELECT d.brand_id, s.scope, d.member_id, d.day, sum(d.proofs) AS proofs
          FROM pg_temp.analytics_member_changes t
          JOIN analytics_member_days d ON d.brand_id = t.brand_id AND d.member_id = t.member_id
          CROSS JOIN LATERAL (VALUES (d.campaign_id), ('*')) s (scope)
          WHERE d.proofs > 0
          GROUP BY 1, 2, 3, 4) d
    WINDOW m AS (PARTITION BY d.brand_id, d.scope, d.member_id ORDER BY d.day)),
  week_days AS (
    INSERT INTO pg_temp.analytics_cohort_day_changes (sign, brand_id, scope, week, first_day, days)
    SELECT p_sign, o.brand_id, o.scope, o.week, o.first_day, bit_or((1 << (o.day - o.week))::smallint)
    FROM o GROUP BY o.brand_id, o.scope, o.member_id, o.first_day, o.week),
  returns AS (
    INSERT INTO pg_temp.analytics_return_day_changes (sign, brand_id, scope, day, prev_day)
    SELECT p_sign, o.brand_id, o.scope, o.day, coalesce(o.prev_day, '-infinity') FROM o)
  INSERT INTO pg_temp.analytics_first_day_changes (sign, brand_id, scope, first_day, second_day)
  SELECT p_sign, o.brand_id, o.scope, o.day,
         CASE WHEN o.proofs >= 2 THEN o.day ELSE coalesce(o.next_day, 'infinity') END
  FROM o WHERE o.n = 1;
END
$$;
--> statement-breakpoint
-- The cells' changes added to their counters.
CREATE OR REPLACE FUNCTION analytics_members_cells_apply() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM analytics_counters_add('analytics_cohort_days', 'analytics_cohort_day_changes',
                                 ARRAY['brand_id', 'scope', 'week', 'first_day', 'days']);
  PERFORM analytics_counters_add('analytics_return_days', 'analytics_return_day_changes',
                                 ARRAY['brand_id', 'scope', 'day', 'prev_day']);
  PERFORM analytics_counters_add('analytics_first_days', 'analytics_first_day_changes',
                                 ARRAY['brand_id', 'scope', 'first_day', 'second_day']);
END
$$;
--> statement-breakpoint
-- Rebuilds one brand's per-member rollups (or every brand's, with NULL) from its member-days: the member
-- rows directly, the cells as the triggers make them (every member of the brand touched, cells added).
CREATE OR REPLACE FUNCTION analytics_members_rebuild(p_brand_id text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM analytics_members WHERE p_brand_id IS NULL OR brand_id = p_brand_id;
  DELETE FROM analytics_cohort_days WHERE p_brand_id IS NULL OR brand_id = p_brand_id;
  DELETE FROM analytics_return_days WHERE p_brand_id IS NULL OR brand_id = p_brand_id;
  DELETE FROM analytics_first_days WHERE p_brand_id IS NULL OR brand_id = p_brand_id;
  INSERT INTO analytics_members (brand_id, scope, member_id, proofs, first_at, first_week)
  SELECT d.brand_id, s.scope, d.member_id, sum(d.proofs), min(d.first_at),
         date_trunc('week', min(d.day)::timestamp)::date
  FROM analytics_member_days d CROSS JOIN LATERAL (VALUES (d.campaign_id), ('*')) s (scope)
  WHERE (p_brand_id IS NULL OR d.brand_id = p_brand_id) AND d.proofs > 0
  GROUP BY 1, 2, 3;
  PERFORM analytics_proofs_prepare();
  INSERT INTO pg_temp.analytics_member_changes (brand_id, member_id)
  SELECT DISTINCT m.brand_id, m.member_id FROM analytics_members m
  WHERE (p_brand_id IS NULL OR m.brand_id = p_brand_id) AND m.scope = '*';
  ANALYZE pg_temp.analytics_member_changes;
  PERFORM analytics_members_cells(1::smallint);
  PERFORM analytics_members_cells_apply();
  DELETE FROM pg_temp.analytics_member_changes;
END
$$;
--> statement-breakpoint
DROP TABLE "analytics_cohort_weeks" CASCADE;
