-- The fact outbox (0053/0054): a rebuild of one brand's funnel rollups (its time-zone change,
-- rebuildAnalyticsRollups for a brand) no longer holds fact_outbox_proofs EXCLUSIVE until it commits, which
-- made every submissions write of every brand wait. The settle takes the fold lock first (as 0054), then the
-- brand's own advisory lock (7317002, hashtext(brand)) EXCLUSIVE; a submissions statement takes that lock
-- SHARED for each brand it stored funnel records of, after storing them. So while a brand's rebuild runs:
-- - a writer of that brand that took its lock first has committed before the settle goes on (the settle
--   waited for it): the settle folds its record, and the rebuild counts its row — both once;
-- - a writer of that brand that comes later waits at its lock until the rebuild commits: the rebuild does not
--   see its row, and its record is folded after — once;
-- - writers of other brands take other locks and go on; their records are folded by the settle or later.
-- The rebuild of every brand (no brand given) still takes the table lock. A transaction that wrote a brand's
-- submissions and then folds in the same transaction would wait for the fold lock a settle of that brand holds
-- while the settle waits for it: PostgreSQL aborts one as a deadlock. No code does that: readers and the
-- worker fold in statements of their own, never after a write in the same transaction.
CREATE OR REPLACE FUNCTION derived_facts_settle_proofs(p_brand_id text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7317001);
  IF p_brand_id IS NULL THEN
    LOCK TABLE fact_outbox_proofs IN EXCLUSIVE MODE;
  ELSE
    PERFORM pg_advisory_xact_lock(7317002, hashtext(p_brand_id));
  END IF;
  -- A partial batch took everything committed: the brand's writers are done or wait, so nothing of the
  -- brand is left (other brands' records may keep coming; they are not the rebuild's).
  LOOP
    EXIT WHEN derived_facts_fold_proofs(1000) < 1000;
  END LOOP;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION derived_facts_settle_proofs() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM derived_facts_settle_proofs(NULL::text);
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics_proofs_brand_timezone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM derived_facts_settle_proofs(NEW.id);
  PERFORM analytics_proofs_rebuild(NEW.id);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics_proofs_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_brands text[];
BEGIN
  IF TG_OP = 'UPDATE' THEN
    WITH ins AS (
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
        FROM old_rows s) x
      RETURNING brand_id)
    SELECT array_agg(DISTINCT ins.brand_id ORDER BY ins.brand_id) INTO v_brands FROM ins;
  ELSIF TG_OP = 'DELETE' THEN
    WITH ins AS (
      INSERT INTO fact_outbox_proofs (sign, submission_id, brand_id, campaign_id, member_id, created_at, state,
                                      reason, read, verified)
      SELECT -1, s.id, s.brand_id, s.campaign_id, s.member_id, s.created_at, s.state,
             analytics_proof_reason(s.state, s.reason_code), s.invoice_id IS NOT NULL,
             analytics_proof_verified(s.state, s.decision)
      FROM old_rows s
      RETURNING brand_id)
    SELECT array_agg(DISTINCT ins.brand_id ORDER BY ins.brand_id) INTO v_brands FROM ins;
  ELSE
    WITH ins AS (
      INSERT INTO fact_outbox_proofs (sign, submission_id, brand_id, campaign_id, member_id, created_at, state,
                                      reason, read, verified)
      SELECT 1, s.id, s.brand_id, s.campaign_id, s.member_id, s.created_at, s.state,
             analytics_proof_reason(s.state, s.reason_code), s.invoice_id IS NOT NULL,
             analytics_proof_verified(s.state, s.decision)
      FROM new_rows s
      RETURNING brand_id)
    SELECT array_agg(DISTINCT ins.brand_id ORDER BY ins.brand_id) INTO v_brands FROM ins;
  END IF;
  -- After the records are stored, so a brand's rebuild either waited for this transaction or it waits for
  -- the rebuild (see derived_facts_settle_proofs); shared: writers of a brand never wait for each other.
  IF v_brands IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock_shared(7317002, hashtext(b)) FROM unnest(v_brands) AS b;
  END IF;
  RETURN NULL;
END
$$;
