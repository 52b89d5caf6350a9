CREATE TABLE "sec_applications" (
	"id" text PRIMARY KEY NOT NULL,
	"institution_id" text NOT NULL,
	"customer_ref" text NOT NULL,
	"kind" text NOT NULL,
	"renews_certificate_id" text,
	"status" text DEFAULT 'PENDING' NOT NULL,
	"consent_version" integer,
	"consent_accepted_at" timestamp with time zone,
	"certificate_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sec_consents" (
	"institution_id" text NOT NULL,
	"version" integer NOT NULL,
	"title" text NOT NULL,
	"text" text NOT NULL,
	"effective_from" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sec_consents_pk" PRIMARY KEY("institution_id","version")
);
--> statement-breakpoint
CREATE TABLE "sec_customers" (
	"id" text PRIMARY KEY NOT NULL,
	"institution_id" text NOT NULL,
	"national_id" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"locked" boolean DEFAULT false NOT NULL,
	"locked_at" timestamp with time zone,
	"mobile" text,
	"locale" text,
	"last_login_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sec_orders" (
	"id" text PRIMARY KEY NOT NULL,
	"institution_id" text NOT NULL,
	"customer_ref" text NOT NULL,
	"certificate_id" text NOT NULL,
	"challenge_id" text NOT NULL,
	"stock_code" text NOT NULL,
	"side" text NOT NULL,
	"quantity" integer NOT NULL,
	"limit_price" text NOT NULL,
	"signed_sha256" text NOT NULL,
	"signature" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sec_pairings" (
	"id" text PRIMARY KEY NOT NULL,
	"institution_id" text NOT NULL,
	"customer_ref" text NOT NULL,
	"ciphertext" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"fetched_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sec_sms_codes" (
	"customer_ref" text NOT NULL,
	"purpose" text NOT NULL,
	"reference" text NOT NULL,
	"code_hash" text NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"spent_at" timestamp with time zone,
	"spent_reason" text,
	CONSTRAINT "sec_sms_codes_pk" PRIMARY KEY("customer_ref","purpose")
);
--> statement-breakpoint
CREATE INDEX "sec_applications_customer_idx" ON "sec_applications" USING btree ("customer_ref","status");--> statement-breakpoint
CREATE UNIQUE INDEX "sec_applications_open_uq" ON "sec_applications" USING btree ("customer_ref") WHERE status = 'PENDING';--> statement-breakpoint
CREATE UNIQUE INDEX "sec_customers_national_id_uq" ON "sec_customers" USING btree ("institution_id","national_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sec_orders_challenge_uq" ON "sec_orders" USING btree ("challenge_id");--> statement-breakpoint
CREATE INDEX "sec_orders_customer_idx" ON "sec_orders" USING btree ("customer_ref","created_at");--> statement-breakpoint
CREATE INDEX "sec_pairings_customer_idx" ON "sec_pairings" USING btree ("customer_ref");