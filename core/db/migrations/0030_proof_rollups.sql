CREATE TABLE "analytics_member_days" (
	"brand_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"day" date NOT NULL,
	"member_id" text NOT NULL,
	"proofs" integer NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	CONSTRAINT "analytics_member_days_pk" PRIMARY KEY("brand_id","campaign_id","day","member_id")
);
--> statement-breakpoint
CREATE TABLE "analytics_proof_days" (
	"brand_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"day" date NOT NULL,
	"state" text NOT NULL,
	"reason" text NOT NULL,
	"read" boolean NOT NULL,
	"verified" boolean NOT NULL,
	"proofs" integer NOT NULL,
	CONSTRAINT "analytics_proof_days_pk" PRIMARY KEY("brand_id","campaign_id","day","state","reason","read","verified")
);
--> statement-breakpoint
CREATE INDEX "analytics_member_days_brand_day_idx" ON "analytics_member_days" USING btree ("brand_id","day");--> statement-breakpoint
CREATE INDEX "analytics_proof_days_brand_day_idx" ON "analytics_proof_days" USING btree ("brand_id","day");--> statement-breakpoint
-- The two rollups above are kept by statement triggers on submissions (docs/decisions/009), as the line-item
-- rollups are (0027): each statement collects the rows it touched as they were (sign -1) and as they are
-- (sign +1), in what the rollups see of them, into a session-local work table; pairs that cancel (an update
-- of nothing the rollups see: a retry time, a sweep) drop out, and analytics_proofs_apply() adds the rest.
-- Counts are added (never recomputed), so concurrent decisions add up; a member-day's first time is
-- lowered by additions and recomputed, under the row lock the addition took, when its proof leaves.
CREATE OR REPLACE FUNCTION analytics_proof_reason(p_state text, p_reason_code text) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN p_state = 'rejected' THEN coalesce(p_reason_code, '') ELSE '' END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics_proof_verified(p_state text, p_decision jsonb) RETURNS boolean
  LANGUAGE sql IMMUTABLE AS $$ SELECT (p_decision -> 'verification') IS NOT NULL OR p_state IN ('accepted', 'rewarded') $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics_proofs_prepare() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF to_regclass('pg_temp.analytics_proof_changes') IS NULL THEN
    CREATE TEMP TABLE analytics_proof_changes (
      sign smallint NOT NULL, id text NOT NULL, brand_id text NOT NULL, campaign_id text NOT NULL,
      member_id text NOT NULL, created_at timestamptz NOT NULL, state text NOT NULL, reason text NOT NULL,
      read boolean NOT NULL, verified boolean NOT NULL
    ) ON COMMIT DELETE ROWS;
  END IF;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics_proofs_apply() RETURNS void LANGUAGE plpgsql AS $$
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
  DELETE FROM pg_temp.analytics_proof_changes;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics_proofs_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM analytics_proofs_prepare();
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO pg_temp.analytics_proof_changes
    SELECT -1, s.id, s.brand_id, s.campaign_id, s.member_id, s.created_at, s.state,
           analytics_proof_reason(s.state, s.reason_code), s.invoice_id IS NOT NULL,
           analytics_proof_verified(s.state, s.decision)
    FROM old_rows s;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
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
-- Rebuilds one brand's proof rollups (or every brand's, with NULL) from its submissions.
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
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics_proofs_brand_timezone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM analytics_proofs_rebuild(NEW.id);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER submissions_analytics_insert AFTER INSERT ON submissions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION analytics_proofs_rollup();
--> statement-breakpoint
CREATE TRIGGER submissions_analytics_update AFTER UPDATE ON submissions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION analytics_proofs_rollup();
--> statement-breakpoint
CREATE TRIGGER submissions_analytics_delete AFTER DELETE ON submissions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION analytics_proofs_rollup();
--> statement-breakpoint
-- The days are the brand's: a new time zone moves its proofs to other days.
CREATE TRIGGER brands_analytics_timezone AFTER UPDATE OF timezone ON brands FOR EACH ROW
  WHEN (OLD.timezone IS DISTINCT FROM NEW.timezone) EXECUTE FUNCTION analytics_proofs_brand_timezone();
--> statement-breakpoint
SELECT analytics_proofs_rebuild(NULL);
