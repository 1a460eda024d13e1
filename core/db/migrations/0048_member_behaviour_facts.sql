ALTER TABLE "members" ADD COLUMN "purchases" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "last_bought_on" date;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "last_redeemed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "last_won_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "survey_answer_keys" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
CREATE INDEX "member_purchases_member_idx" ON "member_purchases" USING btree ("member_id");--> statement-breakpoint
CREATE INDEX "survey_answers_member_idx" ON "survey_answers" USING btree ("member_id");--> statement-breakpoint
-- Member-level behaviour facts (docs/decisions/011, sixth pass): every behaviour test a segment makes under
-- OR becomes a test on the member's own row in the one parallel scan of members, as accepted_proofs_at and
-- points_balance already are. Kept by statement triggers in the transaction that writes the source rows
-- (recomputed for every member a statement touches, written only when the value changed); filled below for
-- existing rows; never written by the application.
--
-- members.purchases: the member's member_purchases rows (themselves kept by 0032 / 0037's triggers on
-- submissions, invoices and invoice_items), newest invoice first; last_bought_on: the latest invoice date.
CREATE OR REPLACE FUNCTION members_purchases_recompute_many(target_members text[]) RETURNS void LANGUAGE sql AS $$
  UPDATE members m SET purchases = c.purchases, last_bought_on = c.last_bought_on
    FROM (
      SELECT t.id, coalesce(b.purchases, '[]'::jsonb) AS purchases, b.last_bought_on
        FROM unnest(target_members) AS t(id)
        LEFT JOIN LATERAL (
          SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                   'd', to_char(p.invoice_date, 'YYYYMMDD')::int, 't', p.seller_tax_id, 'n', p.seller_name,
                   'a', p.seller_address, 'i', p.item_names)) ORDER BY p.invoice_date DESC, p.submission_id)
                   AS purchases,
                 max(p.invoice_date) AS last_bought_on
            FROM member_purchases p WHERE p.member_id = t.id) b ON true) c
   WHERE m.id = c.id
     AND (m.purchases, m.last_bought_on) IS DISTINCT FROM (c.purchases, c.last_bought_on);
$$;
--> statement-breakpoint
-- members.last_redeemed_at: the latest redemption that is not cancelled.
CREATE OR REPLACE FUNCTION members_last_redeemed_recompute_many(target_members text[]) RETURNS void LANGUAGE sql AS $$
  UPDATE members m SET last_redeemed_at = c.at
    FROM (
      SELECT t.id, (SELECT max(r.created_at) FROM redemptions r
                     WHERE r.member_id = t.id AND r.state <> 'cancelled') AS at
      FROM unnest(target_members) AS t(id)) c
   WHERE m.id = c.id AND m.last_redeemed_at IS DISTINCT FROM c.at;
$$;
--> statement-breakpoint
-- members.last_won_at: the latest draw win not forfeited (its created_at) or instant prize not voided (its
-- played_at; -infinity while the won card is not played: "won" but within no number of days).
CREATE OR REPLACE FUNCTION members_last_won_recompute_many(target_members text[]) RETURNS void LANGUAGE sql AS $$
  UPDATE members m SET last_won_at = c.at
    FROM (
      SELECT t.id, greatest(
               (SELECT max(w.created_at) FROM draw_winners w
                 WHERE w.member_id = t.id AND w.status <> 'forfeited'),
               (SELECT max(coalesce(ip.played_at, '-infinity'::timestamptz)) FROM instant_plays ip
                 WHERE ip.member_id = t.id AND ip.prize_id IS NOT NULL AND ip.voided_at IS NULL)) AS at
      FROM unnest(target_members) AS t(id)) c
   WHERE m.id = c.id AND m.last_won_at IS DISTINCT FROM c.at;
$$;
--> statement-breakpoint
-- members.survey_answer_keys: ["survey", "question", "answer"] (jsonb text) for the text of every answer
-- (answers ->> question, what a scalar answer is compared with) and for every string of a multiple choice
-- (what ?| matches), sorted and without repeats.
CREATE OR REPLACE FUNCTION members_survey_answer_keys_recompute_many(target_members text[]) RETURNS void LANGUAGE sql AS $$
  UPDATE members m SET survey_answer_keys = c.survey_keys
    FROM (
      SELECT t.id, coalesce((
        SELECT array_agg(DISTINCT k.key ORDER BY k.key)
          FROM survey_answers sa
          CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(sa.answers) = 'object' THEN sa.answers
                                             ELSE '{}'::jsonb END) AS q(question, answer)
          CROSS JOIN LATERAL (
            SELECT sa.answers ->> q.question AS value
            UNION ALL
            SELECT e.value FROM jsonb_array_elements(CASE WHEN jsonb_typeof(q.answer) = 'array' THEN q.answer
                                                          ELSE '[]'::jsonb END) AS a(element)
                   CROSS JOIN LATERAL (SELECT a.element #>> '{}' AS value) e
             WHERE jsonb_typeof(a.element) = 'string') v
          CROSS JOIN LATERAL (SELECT jsonb_build_array(sa.survey_id, q.question, v.value)::text AS key) k
         WHERE sa.member_id = t.id AND v.value IS NOT NULL), '{}'::text[]) AS survey_keys
      FROM unnest(target_members) AS t(id)) c
   WHERE m.id = c.id AND m.survey_answer_keys IS DISTINCT FROM c.survey_keys;
$$;
--> statement-breakpoint
-- One trigger function for the five source tables: the members of the statement's old and new rows.
CREATE OR REPLACE FUNCTION members_behaviour_facts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_members text[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT n.member_id) INTO v_members FROM new_rows n;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT o.member_id) INTO v_members FROM old_rows o;
  ELSE
    SELECT array_agg(DISTINCT x.member_id) INTO v_members
      FROM (SELECT n.member_id FROM new_rows n UNION SELECT o.member_id FROM old_rows o) x;
  END IF;
  IF v_members IS NULL THEN
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME = 'member_purchases' THEN
    PERFORM members_purchases_recompute_many(v_members);
  ELSIF TG_TABLE_NAME = 'redemptions' THEN
    PERFORM members_last_redeemed_recompute_many(v_members);
  ELSIF TG_TABLE_NAME IN ('draw_winners', 'instant_plays') THEN
    PERFORM members_last_won_recompute_many(v_members);
  ELSIF TG_TABLE_NAME = 'survey_answers' THEN
    PERFORM members_survey_answer_keys_recompute_many(v_members);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- Three triggers per table (a trigger with transition tables has one event): <table>_member_facts_<event>.
DO $$
DECLARE
  v_table text;
BEGIN
  FOREACH v_table IN ARRAY ARRAY['member_purchases', 'redemptions', 'draw_winners', 'instant_plays', 'survey_answers'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION members_behaviour_facts()', v_table || '_member_facts_insert', v_table);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION members_behaviour_facts()', v_table || '_member_facts_update', v_table);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION members_behaviour_facts()', v_table || '_member_facts_delete', v_table);
  END LOOP;
END
$$;
--> statement-breakpoint
-- The facts of existing rows, one set-based statement each.
UPDATE members m SET purchases = b.purchases, last_bought_on = b.last_bought_on
  FROM (SELECT p.member_id, jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                 'd', to_char(p.invoice_date, 'YYYYMMDD')::int, 't', p.seller_tax_id, 'n', p.seller_name,
                 'a', p.seller_address, 'i', p.item_names)) ORDER BY p.invoice_date DESC, p.submission_id) AS purchases,
               max(p.invoice_date) AS last_bought_on
          FROM member_purchases p GROUP BY p.member_id) b
 WHERE m.id = b.member_id;
--> statement-breakpoint
UPDATE members m SET last_redeemed_at = b.at
  FROM (SELECT r.member_id, max(r.created_at) AS at FROM redemptions r WHERE r.state <> 'cancelled'
         GROUP BY r.member_id) b
 WHERE m.id = b.member_id;
--> statement-breakpoint
UPDATE members m SET last_won_at = b.at
  FROM (SELECT x.member_id, max(x.at) AS at FROM (
          SELECT w.member_id, w.created_at AS at FROM draw_winners w WHERE w.status <> 'forfeited'
          UNION ALL
          SELECT ip.member_id, coalesce(ip.played_at, '-infinity'::timestamptz) FROM instant_plays ip
           WHERE ip.prize_id IS NOT NULL AND ip.voided_at IS NULL) x
         GROUP BY x.member_id) b
 WHERE m.id = b.member_id;
--> statement-breakpoint
SELECT members_survey_answer_keys_recompute_many(array_agg(DISTINCT sa.member_id)) FROM survey_answers sa;
