CREATE TABLE "broadcast_recipients" (
	"brand_id" text NOT NULL,
	"broadcast_id" text NOT NULL,
	"member_id" text NOT NULL,
	"line_user_id" text NOT NULL,
	"group_key" text NOT NULL,
	"chunk_no" integer,
	"status" text NOT NULL,
	"skip_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "broadcast_recipients_broadcast_id_member_id_pk" PRIMARY KEY("broadcast_id","member_id")
);
--> statement-breakpoint
ALTER TABLE "broadcast_chunks" ADD COLUMN "messages" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "broadcast_chunks" ADD COLUMN "lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "broadcast_chunks" ADD COLUMN "next_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "broadcasts" ADD COLUMN "condition" jsonb;--> statement-breakpoint
ALTER TABLE "broadcasts" ADD COLUMN "variants" jsonb;--> statement-breakpoint
ALTER TABLE "broadcasts" ADD COLUMN "holdout_percent" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "broadcasts" ADD COLUMN "ignore_quiet_hours" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "broadcasts" ADD COLUMN "wait_reason" text;--> statement-breakpoint
ALTER TABLE "broadcasts" ADD COLUMN "skipped" jsonb;--> statement-breakpoint
ALTER TABLE "broadcasts" ADD COLUMN "started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "broadcast_recipients" ADD CONSTRAINT "broadcast_recipients_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "broadcast_recipients" ADD CONSTRAINT "broadcast_recipients_broadcast_id_broadcasts_id_fk" FOREIGN KEY ("broadcast_id") REFERENCES "public"."broadcasts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "broadcast_recipients_member_idx" ON "broadcast_recipients" USING btree ("member_id","created_at");--> statement-breakpoint
CREATE INDEX "broadcast_recipients_chunk_idx" ON "broadcast_recipients" USING btree ("broadcast_id","chunk_no");--> statement-breakpoint
CREATE INDEX "broadcast_chunks_state_idx" ON "broadcast_chunks" USING btree ("state","next_attempt_at");