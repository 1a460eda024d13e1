ALTER TABLE "broadcasts" ADD COLUMN "demographic_filter" jsonb;--> statement-breakpoint
ALTER TABLE "broadcasts" ADD COLUMN "line_request_id" text;--> statement-breakpoint
ALTER TABLE "broadcasts" ADD COLUMN "narrowcast_phase" text;--> statement-breakpoint
ALTER TABLE "broadcasts" ADD COLUMN "narrowcast_target_count" integer;--> statement-breakpoint
ALTER TABLE "broadcasts" ADD COLUMN "narrowcast_success_count" integer;--> statement-breakpoint
ALTER TABLE "broadcasts" ADD COLUMN "narrowcast_failure_count" integer;--> statement-breakpoint
ALTER TABLE "broadcasts" ADD COLUMN "narrowcast_error" text;--> statement-breakpoint
ALTER TABLE "broadcasts" ADD COLUMN "narrowcast_checked_at" timestamp with time zone;