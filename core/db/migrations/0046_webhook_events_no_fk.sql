ALTER TABLE "webhook_events" DROP CONSTRAINT "webhook_events_brand_id_brands_id_fk";
--> statement-breakpoint
ALTER TABLE "webhook_events" DROP CONSTRAINT "webhook_events_channel_id_line_channels_id_fk";
