CREATE TABLE "tw_applications" (
	"id" text PRIMARY KEY NOT NULL,
	"institution_id" text NOT NULL,
	"customer_ref" text NOT NULL,
	"user_ref" text NOT NULL,
	"kind" text NOT NULL,
	"profile" text NOT NULL,
	"renews_certificate_id" text,
	"terms_version" integer,
	"status" text DEFAULT 'PENDING' NOT NULL,
	"certificate_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "tw_customers" (
	"id" text PRIMARY KEY NOT NULL,
	"institution_id" text NOT NULL,
	"kind" text NOT NULL,
	"customer_type" integer,
	"identifier" text NOT NULL,
	"name" text NOT NULL,
	"branch_code" text DEFAULT '0000' NOT NULL,
	"locale" text,
	"next_cert_seq" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tw_daily_sequences" (
	"institution_id" text NOT NULL,
	"day" text NOT NULL,
	"last" integer NOT NULL,
	CONSTRAINT "tw_daily_sequences_pk" PRIMARY KEY("institution_id","day")
);
--> statement-breakpoint
CREATE TABLE "tw_edi_certificates" (
	"id" text PRIMARY KEY NOT NULL,
	"institution_id" text NOT NULL,
	"customer_ref" text NOT NULL,
	"party_customer_ref" text NOT NULL,
	"party_code" text NOT NULL,
	"certificate_id" text NOT NULL,
	"serial_hex" text NOT NULL,
	"registered_by" text NOT NULL,
	"registered_at" timestamp with time zone NOT NULL,
	"unlinked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "tw_edi_instructions" (
	"id" text PRIMARY KEY NOT NULL,
	"institution_id" text NOT NULL,
	"customer_ref" text,
	"party_code" text,
	"request_id" text,
	"certificate_id" text,
	"certificate_serial_hex" text,
	"body_sha256" text NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text NOT NULL,
	"code" text,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tw_edi_profiles" (
	"customer_ref" text PRIMARY KEY NOT NULL,
	"institution_id" text NOT NULL,
	"edi_user_code" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tw_edi_related_parties" (
	"customer_ref" text NOT NULL,
	"related_code" text NOT NULL,
	"related_customer_ref" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "tw_edi_related_parties_pk" PRIMARY KEY("customer_ref","related_code")
);
--> statement-breakpoint
CREATE TABLE "tw_handoff_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"institution_id" text NOT NULL,
	"kid" text NOT NULL,
	"public_jwk" jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"deactivated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "tw_handoff_nonces" (
	"institution_id" text NOT NULL,
	"jti" text NOT NULL,
	"used_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "tw_handoff_nonces_pk" PRIMARY KEY("institution_id","jti")
);
--> statement-breakpoint
CREATE TABLE "tw_terms" (
	"institution_id" text NOT NULL,
	"version" integer NOT NULL,
	"title" text NOT NULL,
	"text" text NOT NULL,
	"effective_from" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "tw_terms_pk" PRIMARY KEY("institution_id","version")
);
--> statement-breakpoint
CREATE TABLE "tw_terms_acceptances" (
	"id" text PRIMARY KEY NOT NULL,
	"institution_id" text NOT NULL,
	"terms_version" integer NOT NULL,
	"customer_ref" text NOT NULL,
	"user_ref" text NOT NULL,
	"application_ref" text,
	"accepted_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tw_users" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_ref" text NOT NULL,
	"user_code" text NOT NULL,
	"password_hash" text NOT NULL,
	"password_temporary" boolean DEFAULT true NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"locked" boolean DEFAULT false NOT NULL,
	"locked_at" timestamp with time zone,
	"is_admin" boolean DEFAULT false NOT NULL,
	"last_login_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "tw_applications_customer_idx" ON "tw_applications" USING btree ("customer_ref","status");--> statement-breakpoint
CREATE UNIQUE INDEX "tw_applications_open_uq" ON "tw_applications" USING btree ("customer_ref","kind") WHERE status = 'PENDING';--> statement-breakpoint
CREATE UNIQUE INDEX "tw_customers_identifier_uq" ON "tw_customers" USING btree ("institution_id","identifier");--> statement-breakpoint
CREATE UNIQUE INDEX "tw_edi_certificates_live_uq" ON "tw_edi_certificates" USING btree ("party_customer_ref","certificate_id") WHERE unlinked_at IS NULL;--> statement-breakpoint
CREATE INDEX "tw_edi_certificates_certificate_idx" ON "tw_edi_certificates" USING btree ("certificate_id");--> statement-breakpoint
CREATE INDEX "tw_edi_certificates_customer_idx" ON "tw_edi_certificates" USING btree ("customer_ref");--> statement-breakpoint
CREATE UNIQUE INDEX "tw_edi_instructions_request_uq" ON "tw_edi_instructions" USING btree ("customer_ref","request_id");--> statement-breakpoint
CREATE INDEX "tw_edi_instructions_customer_idx" ON "tw_edi_instructions" USING btree ("institution_id","customer_ref","received_at");--> statement-breakpoint
CREATE UNIQUE INDEX "tw_edi_profiles_code_uq" ON "tw_edi_profiles" USING btree ("institution_id","edi_user_code");--> statement-breakpoint
CREATE INDEX "tw_edi_related_parties_related_idx" ON "tw_edi_related_parties" USING btree ("related_customer_ref");--> statement-breakpoint
CREATE UNIQUE INDEX "tw_handoff_keys_kid_uq" ON "tw_handoff_keys" USING btree ("institution_id","kid");--> statement-breakpoint
CREATE INDEX "tw_handoff_nonces_expires_idx" ON "tw_handoff_nonces" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "tw_terms_acceptances_customer_idx" ON "tw_terms_acceptances" USING btree ("customer_ref","accepted_at");--> statement-breakpoint
CREATE UNIQUE INDEX "tw_users_code_uq" ON "tw_users" USING btree ("customer_ref","user_code");--> statement-breakpoint
CREATE INDEX "tw_users_customer_idx" ON "tw_users" USING btree ("customer_ref");