ALTER TABLE "webhook_events" ADD COLUMN "request_id" text;--> statement-breakpoint
ALTER TABLE "outbound_messages" ADD COLUMN "reply_attempted_at" timestamp with time zone;