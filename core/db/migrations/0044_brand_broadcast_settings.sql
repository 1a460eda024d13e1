ALTER TABLE "brands" ADD COLUMN "quiet_hours_start" integer DEFAULT 1260 NOT NULL;--> statement-breakpoint
ALTER TABLE "brands" ADD COLUMN "quiet_hours_end" integer DEFAULT 540 NOT NULL;--> statement-breakpoint
ALTER TABLE "brands" ADD COLUMN "quiet_hours_mid_send" text DEFAULT 'wait' NOT NULL;--> statement-breakpoint
ALTER TABLE "brands" ADD COLUMN "frequency_cap_messages" integer DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE "brands" ADD COLUMN "frequency_cap_days" integer DEFAULT 7 NOT NULL;--> statement-breakpoint
ALTER TABLE "brands" ADD COLUMN "line_plan" text;--> statement-breakpoint
ALTER TABLE "brands" ADD COLUMN "line_plan_included_messages" integer;--> statement-breakpoint
ALTER TABLE "brands" ADD COLUMN "line_plan_overage_price" numeric(10, 4);