CREATE TABLE "analytics_line_items" (
	"submission_id" text NOT NULL,
	"line_no" integer NOT NULL,
	"brand_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"member_id" text,
	"invoice_id" text,
	"purchase_date" date NOT NULL,
	"purchase_time" time,
	"weekday" smallint NOT NULL,
	"hour" smallint,
	"store_key" text NOT NULL,
	"store_name" text,
	"seller_id" text,
	"branch" text DEFAULT '' NOT NULL,
	"store_address" text,
	"region_code" text,
	"item_name" text NOT NULL,
	"normalized_name" text NOT NULL,
	"item_group" text,
	"product_key" text,
	"quantity" numeric(12, 3) NOT NULL,
	"unit_price_minor" bigint NOT NULL,
	"amount_minor" bigint NOT NULL,
	"invoice_total_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "analytics_line_items_submission_id_line_no_pk" PRIMARY KEY("submission_id","line_no")
);
--> statement-breakpoint
CREATE TABLE "analytics_product_mappings" (
	"brand_id" text NOT NULL,
	"normalized_name" text NOT NULL,
	"product_key" text NOT NULL,
	"mapped_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "analytics_product_mappings_brand_id_normalized_name_pk" PRIMARY KEY("brand_id","normalized_name")
);
--> statement-breakpoint
CREATE TABLE "analytics_products" (
	"brand_id" text NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "analytics_products_brand_id_key_pk" PRIMARY KEY("brand_id","key")
);
--> statement-breakpoint
CREATE TABLE "analytics_stores" (
	"brand_id" text NOT NULL,
	"store_key" text NOT NULL,
	"seller_id" text,
	"branch" text DEFAULT '' NOT NULL,
	"name" text,
	"address" text,
	"region_code" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "analytics_stores_brand_id_store_key_pk" PRIMARY KEY("brand_id","store_key")
);
--> statement-breakpoint
ALTER TABLE "analytics_line_items" ADD CONSTRAINT "analytics_line_items_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_product_mappings" ADD CONSTRAINT "analytics_product_mappings_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_products" ADD CONSTRAINT "analytics_products_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_stores" ADD CONSTRAINT "analytics_stores_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "analytics_line_items_brand_date_idx" ON "analytics_line_items" USING btree ("brand_id","purchase_date");--> statement-breakpoint
CREATE INDEX "analytics_line_items_campaign_date_idx" ON "analytics_line_items" USING btree ("campaign_id","purchase_date");--> statement-breakpoint
CREATE INDEX "analytics_line_items_brand_name_idx" ON "analytics_line_items" USING btree ("brand_id","normalized_name");--> statement-breakpoint
CREATE INDEX "analytics_line_items_member_idx" ON "analytics_line_items" USING btree ("member_id");