ALTER TABLE "members" ADD COLUMN "channel_id" text;--> statement-breakpoint
ALTER TABLE "outbound_messages" ADD COLUMN "to_user_id" text;--> statement-breakpoint
ALTER TABLE "outbound_messages" ADD COLUMN "reply_deadline" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbound_messages" ADD COLUMN "next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "outbound_messages" ADD COLUMN "locked_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbound_messages" ADD COLUMN "delivered_as" text;--> statement-breakpoint
ALTER TABLE "members" ADD CONSTRAINT "members_channel_id_line_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."line_channels"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outbound_messages_due_idx" ON "outbound_messages" USING btree ("state","next_attempt_at");