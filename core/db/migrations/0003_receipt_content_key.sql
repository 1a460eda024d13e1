ALTER TABLE "receipt_images" ADD COLUMN "reading_kind" text;--> statement-breakpoint
ALTER TABLE "receipt_images" ADD COLUMN "content_key" text;--> statement-breakpoint
ALTER TABLE "receipt_images" ADD COLUMN "duplicate_of_id" text;--> statement-breakpoint
ALTER TABLE "receipt_images" ADD COLUMN "flags" jsonb;--> statement-breakpoint
CREATE INDEX "receipt_images_brand_content_key_idx" ON "receipt_images" USING btree ("brand_id","content_key");--> statement-breakpoint
CREATE INDEX "receipt_images_member_uploaded_idx" ON "receipt_images" USING btree ("member_id","created_at");