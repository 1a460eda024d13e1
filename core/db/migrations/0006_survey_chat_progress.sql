CREATE TABLE "survey_progress" (
	"id" text PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"survey_id" text NOT NULL,
	"member_id" text NOT NULL,
	"submission_id" text NOT NULL,
	"answer_scope" text NOT NULL,
	"answers" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "survey_progress" ADD CONSTRAINT "survey_progress_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_progress" ADD CONSTRAINT "survey_progress_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_progress" ADD CONSTRAINT "survey_progress_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_progress" ADD CONSTRAINT "survey_progress_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "survey_progress_scope_uq" ON "survey_progress" USING btree ("survey_id","member_id","answer_scope");