ALTER TABLE "draws" ADD COLUMN "pseudonym_key" text;--> statement-breakpoint
ALTER TABLE "instant_plays" ADD COLUMN "voided_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "points_ledger" ADD COLUMN "seq" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "points_ledger_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "redemptions" ADD COLUMN "fulfilled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "redemptions" ADD COLUMN "cancelled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "redemptions" ADD COLUMN "closed_by" text;--> statement-breakpoint
ALTER TABLE "redemptions" ADD COLUMN "cancel_reason" text;--> statement-breakpoint
CREATE UNIQUE INDEX "draw_winners_draw_entry_uq" ON "draw_winners" USING btree ("draw_id","entry_id");--> statement-breakpoint
CREATE INDEX "draw_winners_member_idx" ON "draw_winners" USING btree ("member_id");--> statement-breakpoint
CREATE INDEX "lottery_entries_member_idx" ON "lottery_entries" USING btree ("member_id","earned_at");--> statement-breakpoint
CREATE INDEX "coupon_codes_free_idx" ON "coupon_codes" USING btree ("reward_id","id") WHERE "coupon_codes"."redemption_id" is null;--> statement-breakpoint
CREATE INDEX "instant_plays_member_idx" ON "instant_plays" USING btree ("member_id","created_at");--> statement-breakpoint
CREATE INDEX "points_ledger_member_seq_idx" ON "points_ledger" USING btree ("member_id","seq");--> statement-breakpoint
CREATE INDEX "points_ledger_expiry_idx" ON "points_ledger" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "redemptions_member_reward_idx" ON "redemptions" USING btree ("member_id","reward_id");