ALTER TABLE "broadcast_recipients" DROP CONSTRAINT "broadcast_recipients_brand_id_brands_id_fk";
--> statement-breakpoint
ALTER TABLE "broadcast_recipients" DROP CONSTRAINT "broadcast_recipients_broadcast_id_broadcasts_id_fk";
--> statement-breakpoint
DROP INDEX "broadcast_recipients_member_idx";--> statement-breakpoint
CREATE INDEX "broadcast_recipients_brand_created_idx" ON "broadcast_recipients" USING btree ("brand_id","created_at");