ALTER TABLE "draws" ADD COLUMN "permit_number" text;--> statement-breakpoint
ALTER TABLE "draws" ADD COLUMN "permit_province" text;