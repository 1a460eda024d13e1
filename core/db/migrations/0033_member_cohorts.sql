CREATE TABLE "analytics_cohort_weeks" (
	"brand_id" text NOT NULL,
	"scope" text NOT NULL,
	"cohort" date NOT NULL,
	"week" date NOT NULL,
	"members" integer NOT NULL,
	CONSTRAINT "analytics_cohort_weeks_pk" PRIMARY KEY("brand_id","scope","cohort","week")
);
--> statement-breakpoint
CREATE TABLE "analytics_members" (
	"brand_id" text NOT NULL,
	"scope" text NOT NULL,
	"member_id" text NOT NULL,
	"proofs" integer NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	"first_week" date NOT NULL,
	CONSTRAINT "analytics_members_pk" PRIMARY KEY("brand_id","scope","member_id")
);
--> statement-breakpoint
CREATE INDEX "analytics_member_days_member_idx" ON "analytics_member_days" USING btree ("brand_id","member_id");--> statement-breakpoint
-- Per-member rollups for the undated member questions (docs/decisions/009): analytics_members (a member's
-- accepted proofs, first one's time and week, per campaign and for all campaigns '*') and
-- analytics_cohort_weeks (members by first week × active week, as counters). They are derived from
-- analytics_member_days, for the members a statement's accepted proofs touched: under a lock on the member
-- (its '*' row, upserted first, in key order), the member's cohort cells are subtracted as they were, the
-- member-days change, and they are added back as they are now, so concurrent decisions of the same member
-- serialise on that row and those of other members add up in the shared counters.
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
END
$$;
--> statement-breakpoint
-- The cohort cells of the touched members as their member-days stand now, with p_sign.
CREATE OR REPLACE FUNCTION analytics_members_cells(p_sign smallint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO pg_temp.analytics_cohort_changes (sign, brand_id, scope, cohort, week)
  SELECT p_sign, w.brand_id, w.scope, min(w.week) OVER (PARTITION BY w.brand_id, w.scope, w.member_id), w.week
  FROM (SELECT d.brand_id, s.scope, d.member_id, date_trunc('week', d.day::timestamp)::date AS week
        FROM pg_temp.analytics_member_changes t
        JOIN analytics_member_days d ON d.brand_id = t.brand_id AND d.member_id = t.member_id
        CROSS JOIN LATERAL (VALUES (d.campaign_id), ('*')) s (scope)
        WHERE d.proofs > 0
        GROUP BY 1, 2, 3, 4) w;
END
$$;
--> statement-breakpoint
-- Before the member-days change: lock the touched members and take their cohort cells out.
CREATE OR REPLACE FUNCTION analytics_members_begin() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO pg_temp.analytics_member_changes (brand_id, member_id)
  SELECT DISTINCT c.brand_id, c.member_id
  FROM (SELECT c.id, c.brand_id, c.campaign_id, c.member_id, c.created_at FROM pg_temp.analytics_proof_changes c
        WHERE c.state IN ('accepted', 'rewarded')
        GROUP BY c.id, c.brand_id, c.campaign_id, c.member_id, c.created_at HAVING sum(c.sign) <> 0) c;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  INSERT INTO analytics_members AS m (brand_id, scope, member_id, proofs, first_at, first_week)
  SELECT t.brand_id, '*', t.member_id, 0, 'infinity', 'infinity' FROM pg_temp.analytics_member_changes t
  ORDER BY 1, 3
  ON CONFLICT (brand_id, scope, member_id) DO UPDATE SET proofs = m.proofs;
  -- A statement of its own: its snapshot follows the locks just taken (a concurrent decision of the same
  -- member has committed its member-days and cells, or has not begun them).
  PERFORM analytics_members_cells(-1::smallint);
  RETURN true;
END
$$;
--> statement-breakpoint
-- After the member-days changed: the touched members' rows recomputed, their cohort cells added back.
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
  INSERT INTO analytics_cohort_weeks AS w (brand_id, scope, cohort, week, members)
  SELECT c.brand_id, c.scope, c.cohort, c.week, sum(c.sign) FROM pg_temp.analytics_cohort_changes c
  GROUP BY 1, 2, 3, 4
  HAVING sum(c.sign) <> 0
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (brand_id, scope, cohort, week) DO UPDATE SET members = w.members + excluded.members;
  DELETE FROM analytics_cohort_weeks w
  USING (SELECT DISTINCT brand_id, scope, cohort, week FROM pg_temp.analytics_cohort_changes WHERE sign < 0) k
  WHERE w.brand_id = k.brand_id AND w.scope = k.scope AND w.cohort = k.cohort AND w.week = k.week
    AND w.members = 0;
  DELETE FROM pg_temp.analytics_cohort_changes;
  DELETE FROM pg_temp.analytics_member_changes;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics_proofs_apply() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_members boolean;
BEGIN
  DELETE FROM pg_temp.analytics_proof_changes c
  USING (SELECT id, state, reason, read, verified, brand_id, campaign_id, member_id, created_at
         FROM pg_temp.analytics_proof_changes
         GROUP BY id, state, reason, read, verified, brand_id, campaign_id, member_id, created_at
         HAVING sum(sign) = 0) z
  WHERE c.id = z.id AND c.state = z.state AND c.reason = z.reason AND c.read = z.read AND c.verified = z.verified
    AND c.brand_id = z.brand_id AND c.campaign_id = z.campaign_id AND c.member_id = z.member_id
    AND c.created_at = z.created_at;
  IF NOT EXISTS (SELECT 1 FROM pg_temp.analytics_proof_changes) THEN
    RETURN;
  END IF;

  INSERT INTO analytics_proof_days AS d (brand_id, campaign_id, day, state, reason, read, verified, proofs)
  SELECT c.brand_id, c.campaign_id, (c.created_at AT TIME ZONE b.timezone)::date, c.state, c.reason, c.read,
         c.verified, sum(c.sign)
  FROM pg_temp.analytics_proof_changes c JOIN brands b ON b.id = c.brand_id
  GROUP BY 1, 2, 3, 4, 5, 6, 7
  HAVING sum(c.sign) <> 0
  ORDER BY 1, 2, 3, 4, 5, 6, 7
  ON CONFLICT (brand_id, campaign_id, day, state, reason, read, verified) DO UPDATE SET proofs = d.proofs + excluded.proofs;
  DELETE FROM analytics_proof_days d
  USING (SELECT DISTINCT c.brand_id, c.campaign_id, (c.created_at AT TIME ZONE b.timezone)::date AS day
         FROM pg_temp.analytics_proof_changes c JOIN brands b ON b.id = c.brand_id WHERE c.sign < 0) k
  WHERE d.brand_id = k.brand_id AND d.campaign_id = k.campaign_id AND d.day = k.day AND d.proofs = 0;

  v_members := analytics_members_begin();

  -- Members: per proof, +1 when it became accepted (or rewarded), -1 when it stopped being so.
  WITH m AS (
    SELECT c.id, c.brand_id, c.campaign_id, c.member_id, c.created_at, sum(c.sign) AS sign
    FROM pg_temp.analytics_proof_changes c WHERE c.state IN ('accepted', 'rewarded')
    GROUP BY c.id, c.brand_id, c.campaign_id, c.member_id, c.created_at HAVING sum(c.sign) <> 0)
  INSERT INTO analytics_member_days AS d (brand_id, campaign_id, day, member_id, proofs, first_at)
  SELECT m.brand_id, m.campaign_id, (m.created_at AT TIME ZONE b.timezone)::date, m.member_id, sum(m.sign),
         coalesce(min(m.created_at) FILTER (WHERE m.sign > 0), 'infinity')
  FROM m JOIN brands b ON b.id = m.brand_id
  GROUP BY 1, 2, 3, 4
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (brand_id, campaign_id, day, member_id) DO UPDATE SET
    proofs = d.proofs + excluded.proofs, first_at = least(d.first_at, excluded.first_at);
  -- A proof that left may have been the day's first: recompute it (this statement's snapshot follows the
  -- row locks the upsert above took, so no concurrent decision of that member-day is missed).
  WITH r AS (
    SELECT c.brand_id, c.campaign_id, (c.created_at AT TIME ZONE b.timezone)::date AS day, c.member_id,
           b.timezone, min(c.created_at) AS left_at
    FROM (SELECT c.id, c.brand_id, c.campaign_id, c.member_id, c.created_at FROM pg_temp.analytics_proof_changes c
          WHERE c.state IN ('accepted', 'rewarded')
          GROUP BY c.id, c.brand_id, c.campaign_id, c.member_id, c.created_at HAVING sum(c.sign) < 0) c
    JOIN brands b ON b.id = c.brand_id
    GROUP BY 1, 2, 3, 4, 5)
  UPDATE analytics_member_days d SET first_at = coalesce((
      SELECT min(s.created_at) FROM submissions s
      WHERE s.member_id = r.member_id AND s.brand_id = r.brand_id AND s.campaign_id = r.campaign_id
        AND s.state IN ('accepted', 'rewarded') AND (s.created_at AT TIME ZONE r.timezone)::date = r.day), 'infinity')
  FROM r
  WHERE d.brand_id = r.brand_id AND d.campaign_id = r.campaign_id AND d.day = r.day AND d.member_id = r.member_id
    AND d.proofs > 0 AND d.first_at >= r.left_at;
  DELETE FROM analytics_member_days d
  USING (SELECT DISTINCT c.brand_id, c.campaign_id, (c.created_at AT TIME ZONE b.timezone)::date AS day, c.member_id
         FROM pg_temp.analytics_proof_changes c JOIN brands b ON b.id = c.brand_id
         WHERE c.sign < 0 AND c.state IN ('accepted', 'rewarded')) k
  WHERE d.brand_id = k.brand_id AND d.campaign_id = k.campaign_id AND d.day = k.day AND d.member_id = k.member_id
    AND d.proofs = 0;

  IF v_members THEN
    PERFORM analytics_members_end();
  END IF;
  DELETE FROM pg_temp.analytics_proof_changes;
END
$$;
--> statement-breakpoint
-- Rebuilds one brand's per-member rollups (or every brand's, with NULL) from its member-days.
CREATE OR REPLACE FUNCTION analytics_members_rebuild(p_brand_id text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM analytics_members WHERE p_brand_id IS NULL OR brand_id = p_brand_id;
  DELETE FROM analytics_cohort_weeks WHERE p_brand_id IS NULL OR brand_id = p_brand_id;
  INSERT INTO analytics_members (brand_id, scope, member_id, proofs, first_at, first_week)
  SELECT d.brand_id, s.scope, d.member_id, sum(d.proofs), min(d.first_at),
         date_trunc('week', min(d.day)::timestamp)::date
  FROM analytics_member_days d CROSS JOIN LATERAL (VALUES (d.campaign_id), ('*')) s (scope)
  WHERE (p_brand_id IS NULL OR d.brand_id = p_brand_id) AND d.proofs > 0
  GROUP BY 1, 2, 3;
  INSERT INTO analytics_cohort_weeks (brand_id, scope, cohort, week, members)
  SELECT w.brand_id, w.scope, m.first_week, w.week, count(*)
  FROM (SELECT DISTINCT d.brand_id, s.scope, d.member_id, date_trunc('week', d.day::timestamp)::date AS week
        FROM analytics_member_days d CROSS JOIN LATERAL (VALUES (d.campaign_id), ('*')) s (scope)
        WHERE (p_brand_id IS NULL OR d.brand_id = p_brand_id) AND d.proofs > 0) w
  JOIN analytics_members m ON m.brand_id = w.brand_id AND m.scope = w.scope AND m.member_id = w.member_id
  GROUP BY 1, 2, 3, 4;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics_proofs_rebuild(p_brand_id text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM analytics_proof_days WHERE p_brand_id IS NULL OR brand_id = p_brand_id;
  DELETE FROM analytics_member_days WHERE p_brand_id IS NULL OR brand_id = p_brand_id;
  INSERT INTO analytics_proof_days (brand_id, campaign_id, day, state, reason, read, verified, proofs)
  SELECT s.brand_id, s.campaign_id, (s.created_at AT TIME ZONE b.timezone)::date, s.state,
         analytics_proof_reason(s.state, s.reason_code), s.invoice_id IS NOT NULL,
         analytics_proof_verified(s.state, s.decision), count(*)
  FROM submissions s JOIN brands b ON b.id = s.brand_id
  WHERE p_brand_id IS NULL OR s.brand_id = p_brand_id
  GROUP BY 1, 2, 3, 4, 5, 6, 7;
  INSERT INTO analytics_member_days (brand_id, campaign_id, day, member_id, proofs, first_at)
  SELECT s.brand_id, s.campaign_id, (s.created_at AT TIME ZONE b.timezone)::date, s.member_id, count(*),
         min(s.created_at)
  FROM submissions s JOIN brands b ON b.id = s.brand_id
  WHERE (p_brand_id IS NULL OR s.brand_id = p_brand_id) AND s.state IN ('accepted', 'rewarded')
  GROUP BY 1, 2, 3, 4;
  PERFORM analytics_members_rebuild(p_brand_id);
END
$$;
--> statement-breakpoint
SELECT analytics_members_rebuild(NULL);
