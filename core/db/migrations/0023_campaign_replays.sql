CREATE TABLE "campaign_replays" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"base_version" integer NOT NULL,
	"rules" jsonb NOT NULL,
	"rewards" jsonb NOT NULL,
	"days" integer NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"state" text NOT NULL,
	"total" integer,
	"processed" integer DEFAULT 0 NOT NULL,
	"result" jsonb,
	"last_error" text,
	"lease_until" timestamp with time zone,
	"requested_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "campaign_replays" ADD CONSTRAINT "campaign_replays_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_replays" ADD CONSTRAINT "campaign_replays_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "campaign_replays_state_idx" ON "campaign_replays" USING btree ("state","created_at");--> statement-breakpoint
CREATE INDEX "campaign_replays_campaign_idx" ON "campaign_replays" USING btree ("campaign_id","created_at");--> statement-breakpoint
CREATE INDEX "submissions_campaign_created_idx" ON "submissions" USING btree ("campaign_id","created_at","id");