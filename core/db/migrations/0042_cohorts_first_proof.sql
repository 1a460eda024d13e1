CREATE TABLE "analytics_cohort_days" (
	"brand_id" text NOT NULL,
	"scope" text NOT NULL,
	"week" date NOT NULL,
	"first_day" date NOT NULL,
	"days" smallint NOT NULL,
	"members" integer NOT NULL,
	CONSTRAINT "analytics_cohort_days_pk" PRIMARY KEY("brand_id","scope","week","first_day","days")
);
--> statement-breakpoint
CREATE TABLE "analytics_first_days" (
	"brand_id" text NOT NULL,
	"scope" text NOT NULL,
	"first_day" date NOT NULL,
	"second_day" date NOT NULL,
	"members" integer NOT NULL,
	CONSTRAINT "analytics_first_days_pk" PRIMARY KEY("brand_id","scope","first_day","second_day")
);
--> statement-breakpoint
CREATE TABLE "analytics_return_days" (
	"brand_id" text NOT NULL,
	"scope" text NOT NULL,
	"day" date NOT NULL,
	"prev_day" date NOT NULL,
	"members" integer NOT NULL,
	CONSTRAINT "analytics_return_days_pk" PRIMARY KEY("brand_id","scope","day","prev_day")
);
--> statement-breakpoint
-- Cohorts by first-ever proof over any range (docs/decisions/009, "Cohorts by first-ever proof"):
-- analytics_cohort_days (members by first-ever day, active week and the week's active days as bits),
-- analytics_return_days (members by active day and the active day before it) and analytics_first_days
-- (members by the days of their first and second accepted proofs), per campaign and for all campaigns '*'.
-- Like analytics_cohort_weeks they are cells of the members a statement touched, derived from their
-- member-days: analytics_members_cells takes them out before the member-days change (under the member
-- lock of analytics_members_begin) and adds them back after; analytics_members_cells_apply adds the
-- difference to the counters in key order and deletes the rows that fell to zero.
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
  IF to_regclass('pg_temp.analytics_cohort_changes') IS NULL THEN
    CREATE TEMP TABLE analytics_cohort_changes (
      sign smallint NOT NULL, brand_id text NOT NULL, scope text NOT NULL, cohort date NOT NULL, week date NOT NULL
    ) ON COMMIT DELETE ROWS;
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
  weeks AS (
    INSERT INTO pg_temp.analytics_cohort_changes (sign, brand_id, scope, cohort, week)
    SELECT p_sign, o.brand_id, o.scope, date_trunc('week', o.first_day::timestamp)::date, o.week
    FROM o GROUP BY o.brand_id, o.scope, o.member_id, o.first_day, o.week),
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
-- Changes (sign, keys…) in a work table added to a counter table (keys…, members), in key order (concurrent
-- decisions of other members wait for one another on a shared row instead of deadlocking); the rows that
-- fell to zero deleted; the work table emptied.
CREATE OR REPLACE FUNCTION analytics_counters_add(p_counters text, p_changes text, p_keys text[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_keys text := array_to_string(ARRAY(SELECT quote_ident(k) FROM unnest(p_keys) k), ', ');
  v_t text := array_to_string(ARRAY(SELECT 't.' || quote_ident(k) FROM unnest(p_keys) k), ', ');
  v_k text := array_to_string(ARRAY(SELECT 'k.' || quote_ident(k) FROM unnest(p_keys) k), ', ');
BEGIN
  EXECUTE format('INSERT INTO %1$I AS t (%3$s, members)
                  SELECT %3$s, sum(sign) FROM pg_temp.%2$I GROUP BY %3$s HAVING sum(sign) <> 0 ORDER BY %3$s
                  ON CONFLICT (%3$s) DO UPDATE SET members = t.members + excluded.members',
                 p_counters, p_changes, v_keys);
  EXECUTE format('DELETE FROM %1$I t USING (SELECT DISTINCT %3$s FROM pg_temp.%2$I WHERE sign < 0) k
                  WHERE (%4$s) = (%5$s) AND t.members = 0',
                 p_counters, p_changes, v_keys, v_t, v_k);
  EXECUTE format('DELETE FROM pg_temp.%I', p_changes);
END
$$;
--> statement-breakpoint
-- The cells' changes added to their counters.
CREATE OR REPLACE FUNCTION analytics_members_cells_apply() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM analytics_counters_add('analytics_cohort_weeks', 'analytics_cohort_changes',
                                 ARRAY['brand_id', 'scope', 'cohort', 'week']);
  PERFORM analytics_counters_add('analytics_cohort_days', 'analytics_cohort_day_changes',
                                 ARRAY['brand_id', 'scope', 'week', 'first_day', 'days']);
  PERFORM analytics_counters_add('analytics_return_days', 'analytics_return_day_changes',
                                 ARRAY['brand_id', 'scope', 'day', 'prev_day']);
  PERFORM analytics_counters_add('analytics_first_days', 'analytics_first_day_changes',
                                 ARRAY['brand_id', 'scope', 'first_day', 'second_day']);
END
$$;
--> statement-breakpoint
-- After the member-days changed: the touched members' rows recomputed, their cells added back.
CREATE OR REPLACE FUNCTION analytics_members_end() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM analytics_members_cells(1::smallint);
  INSERT INTO analytics_members AS m (brand_id, scope, member_id, proofs, first_at, first_week)
  SELECT d.brand_id, s.scope, d.member_id, sum(d.proofs), min(d.first_at),
         date_trunc('week', min(d.day)::timestamp)::date
  FROM pg_temp.analytics_member_changes t
  JOIN analytics_member_days d ON d.brand_id = t.brand_id AND d.member_id = t.member_id
  CROSS JOIN LATERAL (VALUES (d.campaign_id), ('*')) s (scope)
  WHERE d.proofs > 0
  GROUP BY 1, 2, 3
  ORDER BY 1, 2, 3
  ON CONFLICT (brand_id, scope, member_id) DO UPDATE SET
    proofs = excluded.proofs, first_at = excluded.first_at, first_week = excluded.first_week;
  DELETE FROM analytics_members m USING pg_temp.analytics_member_changes t
  WHERE m.brand_id = t.brand_id AND m.member_id = t.member_id
    AND NOT EXISTS (SELECT 1 FROM analytics_member_days d
                    WHERE d.brand_id = m.brand_id AND d.member_id = m.member_id AND d.proofs > 0
                      AND (m.scope = '*' OR d.campaign_id = m.scope));
  PERFORM analytics_members_cells_apply();
  DELETE FROM pg_temp.analytics_member_changes;
END
$$;
--> statement-breakpoint
-- Rebuilds one brand's per-member rollups (or every brand's, with NULL) from its member-days: the member
-- rows directly, the cells as the triggers make them (every member of the brand touched, cells added).
CREATE OR REPLACE FUNCTION analytics_members_rebuild(p_brand_id text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM analytics_members WHERE p_brand_id IS NULL OR brand_id = p_brand_id;
  DELETE FROM analytics_cohort_weeks WHERE p_brand_id IS NULL OR brand_id = p_brand_id;
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
SELECT analytics_members_rebuild(NULL);
