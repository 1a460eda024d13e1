ALTER TABLE "receipt_images" ADD COLUMN "source_ref" text;--> statement-breakpoint
CREATE UNIQUE INDEX "receipt_images_source_ref_uq" ON "receipt_images" USING btree ("brand_id","source_ref");