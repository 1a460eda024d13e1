CREATE TABLE "receipt_blob_deletions" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"storage_key" text NOT NULL,
	"reason" text NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"outcome" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "receipt_images" ALTER COLUMN "storage_key" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "receipt_images" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "receipt_blob_deletions" ADD CONSTRAINT "receipt_blob_deletions_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "receipt_blob_deletions_due_idx" ON "receipt_blob_deletions" USING btree ("state","next_attempt_at");