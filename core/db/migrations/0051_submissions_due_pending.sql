DROP INDEX "submissions_due_idx";--> statement-breakpoint
CREATE INDEX "submissions_undecided_idx" ON "submissions" USING btree ("state","brand_id","created_at","id") WHERE "submissions"."state" in ('received', 'in_review');--> statement-breakpoint
CREATE INDEX "submissions_due_idx" ON "submissions" USING btree ("next_check_at","id") WHERE "submissions"."state" in ('parsed', 'awaiting_upload');