ALTER TABLE "members" ADD COLUMN "marketing_consent" boolean;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "data_processing_consent" boolean;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "tags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
-- members.marketing_consent / data_processing_consent: the latest consent row of each kind, recomputed on
-- every change to a member's consents (they are append-only, but seeds and imports may write them out of
-- order), in the same transaction.
CREATE OR REPLACE FUNCTION members_consents_in_force() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE members m SET
    marketing_consent = (SELECT c.granted FROM consents c WHERE c.member_id = m.id AND c.kind = 'marketing'
                         ORDER BY c.created_at DESC, c.id DESC LIMIT 1),
    data_processing_consent = (SELECT c.granted FROM consents c WHERE c.member_id = m.id AND c.kind = 'data_processing'
                               ORDER BY c.created_at DESC, c.id DESC LIMIT 1)
  WHERE m.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.member_id ELSE NEW.member_id END;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER consents_in_force AFTER INSERT OR UPDATE OR DELETE ON consents
  FOR EACH ROW EXECUTE FUNCTION members_consents_in_force();
--> statement-breakpoint
UPDATE members m SET
  marketing_consent = (SELECT c.granted FROM consents c WHERE c.member_id = m.id AND c.kind = 'marketing'
                       ORDER BY c.created_at DESC, c.id DESC LIMIT 1),
  data_processing_consent = (SELECT c.granted FROM consents c WHERE c.member_id = m.id AND c.kind = 'data_processing'
                             ORDER BY c.created_at DESC, c.id DESC LIMIT 1)
WHERE EXISTS (SELECT 1 FROM consents c WHERE c.member_id = m.id);
--> statement-breakpoint
-- members.tags: the member's tags, sorted, recomputed on every change to member_tags.
CREATE OR REPLACE FUNCTION members_tags_in_force() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE members m SET tags = coalesce((SELECT array_agg(t.tag ORDER BY t.tag) FROM member_tags t
                                        WHERE t.member_id = m.id), '{}')
  WHERE m.id IN (CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.member_id END,
                 CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.member_id END);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER member_tags_in_force AFTER INSERT OR UPDATE OR DELETE ON member_tags
  FOR EACH ROW EXECUTE FUNCTION members_tags_in_force();
--> statement-breakpoint
UPDATE members m SET tags = (SELECT array_agg(t.tag ORDER BY t.tag) FROM member_tags t WHERE t.member_id = m.id)
WHERE EXISTS (SELECT 1 FROM member_tags t WHERE t.member_id = m.id);
