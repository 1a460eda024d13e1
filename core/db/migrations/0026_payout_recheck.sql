ALTER TABLE "draw_winners" ADD COLUMN "forfeit_reason" text;--> statement-breakpoint
ALTER TABLE "draw_winners" ADD COLUMN "proof_checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "draw_winners" ADD COLUMN "held_for_review_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "draws" ADD COLUMN "require_reviewed_proofs" boolean DEFAULT false NOT NULL;