CREATE TABLE "fact_outbox_members" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"member_ids" text[] DEFAULT '{}' NOT NULL,
	"purchase_ids" text[] DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fact_outbox_proofs" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"sign" smallint NOT NULL,
	"submission_id" text NOT NULL,
	"brand_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"member_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"state" text NOT NULL,
	"reason" text NOT NULL,
	"read" boolean NOT NULL,
	"verified" boolean NOT NULL
);
--> statement-breakpoint
-- The outbox of derived facts (issue 17, docs/decisions/016): the statement triggers on submissions only
-- record what must be refolded (the funnel's -1/+1 rows, the members and purchases to recompute); the fold
-- applies the records and deletes them in one transaction, after the answer committed (the derived-facts
-- worker, woken by NOTIFY proofline_work 'facts'), and every reader of the derived tables folds what is
-- pending before it reads. Folds take one advisory lock, so two never interleave (nothing counted twice).
CREATE OR REPLACE FUNCTION analytics_proofs_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO fact_outbox_proofs (sign, submission_id, brand_id, campaign_id, member_id, created_at, state,
                                    reason, read, verified)
    SELECT -1, x.* FROM (
      SELECT s.id, s.brand_id, s.campaign_id, s.member_id, s.created_at, s.state,
             analytics_proof_reason(s.state, s.reason_code), s.invoice_id IS NOT NULL,
             analytics_proof_verified(s.state, s.decision)
      FROM old_rows s
      EXCEPT ALL
      SELECT s.id, s.brand_id, s.campaign_id, s.member_id, s.created_at, s.state,
             analytics_proof_reason(s.state, s.reason_code), s.invoice_id IS NOT NULL,
             analytics_proof_verified(s.state, s.decision)
      FROM new_rows s) x
    UNION ALL
    SELECT 1, x.* FROM (
      SELECT s.id, s.brand_id, s.campaign_id, s.member_id, s.created_at, s.state,
             analytics_proof_reason(s.state, s.reason_code), s.invoice_id IS NOT NULL,
             analytics_proof_verified(s.state, s.decision)
      FROM new_rows s
      EXCEPT ALL
      SELECT s.id, s.brand_id, s.campaign_id, s.member_id, s.created_at, s.state,
             analytics_proof_reason(s.state, s.reason_code), s.invoice_id IS NOT NULL,
             analytics_proof_verified(s.state, s.decision)
      FROM old_rows s) x;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO fact_outbox_proofs (sign, submission_id, brand_id, campaign_id, member_id, created_at, state,
                                    reason, read, verified)
    SELECT -1, s.id, s.brand_id, s.campaign_id, s.member_id, s.created_at, s.state,
           analytics_proof_reason(s.state, s.reason_code), s.invoice_id IS NOT NULL,
           analytics_proof_verified(s.state, s.decision)
    FROM old_rows s;
  ELSE
    INSERT INTO fact_outbox_proofs (sign, submission_id, brand_id, campaign_id, member_id, created_at, state,
                                    reason, read, verified)
    SELECT 1, s.id, s.brand_id, s.campaign_id, s.member_id, s.created_at, s.state,
           analytics_proof_reason(s.state, s.reason_code), s.invoice_id IS NOT NULL,
           analytics_proof_verified(s.state, s.decision)
    FROM new_rows s;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION submissions_member_facts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_members text[];
  v_purchases text[];
BEGIN
  IF TG_OP = 'UPDATE' THEN
    SELECT array_agg(DISTINCT x.member_id) FILTER (WHERE x.member_id IS NOT NULL),
           array_agg(DISTINCT x.purchase) FILTER (WHERE x.purchase IS NOT NULL)
      INTO v_members, v_purchases
      FROM (
        SELECT CASE WHEN o.state IN ('accepted', 'rewarded')
                     AND (n.state NOT IN ('accepted', 'rewarded') OR o.member_id <> n.member_id
                          OR o.created_at IS DISTINCT FROM n.created_at)
                    THEN o.member_id END AS old_member,
               CASE WHEN n.state IN ('accepted', 'rewarded')
                     AND (o.state NOT IN ('accepted', 'rewarded') OR o.member_id <> n.member_id
                          OR o.created_at IS DISTINCT FROM n.created_at)
                    THEN n.member_id END AS new_member,
               CASE WHEN (n.invoice_id IS NOT NULL AND n.state IN ('accepted', 'rewarded')
                          OR o.invoice_id IS NOT NULL AND o.state IN ('accepted', 'rewarded'))
                     AND (o.state <> n.state OR o.member_id <> n.member_id
                          OR o.invoice_id IS DISTINCT FROM n.invoice_id)
                    THEN n.id END AS purchase
          FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE o.state <> n.state OR o.member_id <> n.member_id OR o.invoice_id IS DISTINCT FROM n.invoice_id
            OR o.created_at IS DISTINCT FROM n.created_at) c
      CROSS JOIN LATERAL (VALUES (c.old_member, c.purchase), (c.new_member, NULL)) AS x(member_id, purchase);
  ELSIF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT n.member_id) FILTER (WHERE n.state IN ('accepted', 'rewarded')),
           array_agg(n.id) FILTER (WHERE n.invoice_id IS NOT NULL AND n.state IN ('accepted', 'rewarded'))
      INTO v_members, v_purchases
      FROM new_rows n;
  ELSE
    -- A deleted proof's purchase row goes with the fold's rebuild (it finds no submission to rebuild from).
    SELECT array_agg(DISTINCT o.member_id) FILTER (WHERE o.state IN ('accepted', 'rewarded')), array_agg(o.id)
      INTO v_members, v_purchases
      FROM old_rows o;
  END IF;
  IF v_members IS NOT NULL OR v_purchases IS NOT NULL THEN
    INSERT INTO fact_outbox_members (member_ids, purchase_ids)
    VALUES (coalesce(v_members, '{}'), coalesce(v_purchases, '{}'));
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER fact_outbox_proofs_notify_work AFTER INSERT ON fact_outbox_proofs
  FOR EACH STATEMENT EXECUTE FUNCTION proofline_notify_work('facts');
--> statement-breakpoint
CREATE TRIGGER fact_outbox_members_notify_work AFTER INSERT ON fact_outbox_members
  FOR EACH STATEMENT EXECUTE FUNCTION proofline_notify_work('facts');
--> statement-breakpoint
-- Folds up to p_limit funnel records (oldest first) into the rollups; returns how many. Call under the
-- fold lock (derived_facts_fold).
CREATE OR REPLACE FUNCTION derived_facts_fold_proofs(p_limit integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  v_count integer;
BEGIN
  PERFORM analytics_proofs_prepare();
  WITH d AS (
    DELETE FROM fact_outbox_proofs o
     WHERE o.seq IN (SELECT f.seq FROM fact_outbox_proofs f ORDER BY f.seq LIMIT p_limit)
    RETURNING o.sign, o.submission_id, o.brand_id, o.campaign_id, o.member_id, o.created_at, o.state, o.reason,
              o.read, o.verified)
  INSERT INTO pg_temp.analytics_proof_changes
  SELECT d.sign, d.submission_id, d.brand_id, d.campaign_id, d.member_id, d.created_at, d.state, d.reason,
         d.read, d.verified
    FROM d;
  GET DIAGNOSTICS v_count = ROW_COUNT;
  IF v_count > 0 THEN
    PERFORM analytics_proofs_apply();
  END IF;
  RETURN v_count;
END
$$;
--> statement-breakpoint
-- Folds up to p_limit member records (oldest first): the purchases rebuilt, the members' accepted-proof
-- times recomputed (both from the committed rows, so folding a record twice would change nothing).
CREATE OR REPLACE FUNCTION derived_facts_fold_members(p_limit integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  v_count integer;
  v_members text[];
  v_purchases text[];
BEGIN
  WITH d AS (
    DELETE FROM fact_outbox_members o
     WHERE o.seq IN (SELECT f.seq FROM fact_outbox_members f ORDER BY f.seq LIMIT p_limit)
    RETURNING o.member_ids, o.purchase_ids)
  SELECT (SELECT count(*) FROM d),
         (SELECT array_agg(DISTINCT x.id ORDER BY x.id) FROM d CROSS JOIN LATERAL unnest(d.member_ids) AS x(id)),
         (SELECT array_agg(DISTINCT x.id ORDER BY x.id) FROM d CROSS JOIN LATERAL unnest(d.purchase_ids) AS x(id))
    INTO v_count, v_members, v_purchases;
  IF v_purchases IS NOT NULL THEN
    PERFORM member_purchases_rebuild_many(v_purchases);
  END IF;
  IF v_members IS NOT NULL THEN
    PERFORM members_accepted_proofs_recompute_many(v_members);
  END IF;
  RETURN v_count;
END
$$;
--> statement-breakpoint
-- One fold: up to p_limit records of each outbox, under the fold lock; returns how many records it folded
-- (0 at once, without the lock, when both are empty: what a reader pays when nothing is pending). On a read
-- replica (ANALYTICS_DATABASE_URL) it folds nothing: the primary folds, the replica follows.
CREATE OR REPLACE FUNCTION derived_facts_fold(p_limit integer) RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM fact_outbox_proofs) AND NOT EXISTS (SELECT 1 FROM fact_outbox_members)
     OR pg_is_in_recovery() THEN
    RETURN 0;
  END IF;
  PERFORM pg_advisory_xact_lock(7317001);
  RETURN derived_facts_fold_proofs(p_limit) + derived_facts_fold_members(p_limit);
END
$$;
--> statement-breakpoint
-- Everything pending, folded (what a reader calls before it reads a derived table).
CREATE OR REPLACE FUNCTION derived_facts_fold_all() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  v_total integer := 0;
  v_count integer;
BEGIN
  LOOP
    v_count := derived_facts_fold(1000);
    v_total := v_total + v_count;
    EXIT WHEN v_count = 0;
  END LOOP;
  RETURN v_total;
END
$$;
--> statement-breakpoint
-- Before a rebuild of the funnel's rollups from submissions: no funnel record may stay pending (it would be
-- counted by the rebuild and again by its fold), so new ones wait for this transaction (the outbox's lock)
-- and those committed are folded first.
CREATE OR REPLACE FUNCTION derived_facts_settle_proofs() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE fact_outbox_proofs IN EXCLUSIVE MODE;
  PERFORM pg_advisory_xact_lock(7317001);
  LOOP
    EXIT WHEN derived_facts_fold_proofs(1000) = 0;
  END LOOP;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics_proofs_brand_timezone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM derived_facts_settle_proofs();
  PERFORM analytics_proofs_rebuild(NEW.id);
  RETURN NULL;
END
$$;
