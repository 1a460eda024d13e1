CREATE TABLE "receipt_known_sellers" (
	"brand_id" text NOT NULL,
	"tax_id" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "receipt_known_sellers_brand_id_tax_id_pk" PRIMARY KEY("brand_id","tax_id")
);
--> statement-breakpoint
ALTER TABLE "receipt_known_sellers" ADD CONSTRAINT "receipt_known_sellers_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;