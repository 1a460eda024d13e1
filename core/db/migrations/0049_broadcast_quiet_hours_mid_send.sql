ALTER TABLE "broadcasts" ADD COLUMN "quiet_hours_mid_send" text DEFAULT 'wait' NOT NULL;--> statement-breakpoint
-- Broadcasts made before the choice followed their brand's setting: they keep it (a narrowcast always waits).
UPDATE "broadcasts" b SET "quiet_hours_mid_send" = br."quiet_hours_mid_send"
FROM "brands" br
WHERE br.id = b.brand_id AND b.method = 'multicast';
