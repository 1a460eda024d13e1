ALTER TABLE "draw_winners" ADD COLUMN "awarded_prize_key" text;--> statement-breakpoint
ALTER TABLE "draw_winners" ADD COLUMN "replaces_id" text;