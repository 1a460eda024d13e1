CREATE TABLE "proof_questions" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"member_id" text NOT NULL,
	"partial" jsonb NOT NULL,
	"state" text NOT NULL,
	"asked_by" text NOT NULL,
	"closed_by" text,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "proof_questions" ADD CONSTRAINT "proof_questions_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proof_questions" ADD CONSTRAINT "proof_questions_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "proof_questions_asked_by_uq" ON "proof_questions" USING btree ("brand_id","asked_by");--> statement-breakpoint
CREATE UNIQUE INDEX "proof_questions_open_uq" ON "proof_questions" USING btree ("brand_id","member_id") WHERE "proof_questions"."state" = 'open';--> statement-breakpoint
CREATE INDEX "proof_questions_closed_by_idx" ON "proof_questions" USING btree ("brand_id","closed_by");