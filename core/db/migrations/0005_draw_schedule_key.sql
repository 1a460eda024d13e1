ALTER TABLE "draws" ADD COLUMN "schedule_key" text;--> statement-breakpoint
CREATE UNIQUE INDEX "draws_campaign_schedule_uq" ON "draws" USING btree ("campaign_id","schedule_key");--> statement-breakpoint
CREATE INDEX "draws_scheduled_open_idx" ON "draws" USING btree ("status","period_to");