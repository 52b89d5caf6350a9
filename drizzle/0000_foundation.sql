CREATE SEQUENCE "public"."certificate_change_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "audit_events" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"institution_id" text,
	"subject" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_head" (
	"id" integer PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "institutions" (
	"id" text PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"name_en" text NOT NULL,
	"preset" text NOT NULL,
	"policy" jsonb NOT NULL,
	"contact" text DEFAULT '' NOT NULL,
	"issuing_ca_id" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "institutions_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "meta" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"channel" text NOT NULL,
	"institution_id" text,
	"kind" text NOT NULL,
	"recipient" text NOT NULL,
	"locale" text NOT NULL,
	"subject" text DEFAULT '' NOT NULL,
	"body" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"locked_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "certificate_authorities" (
	"id" text PRIMARY KEY NOT NULL,
	"role" text NOT NULL,
	"parent_id" text,
	"name" text NOT NULL,
	"subject_dn" text NOT NULL,
	"algorithm" text NOT NULL,
	"cert_der" "bytea" NOT NULL,
	"key_enc" "bytea" NOT NULL,
	"not_before" timestamp with time zone NOT NULL,
	"not_after" timestamp with time zone NOT NULL,
	"crl_number" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "certificates" (
	"id" text PRIMARY KEY NOT NULL,
	"issuer_id" text NOT NULL,
	"serial_hex" text NOT NULL,
	"institution_id" text NOT NULL,
	"owner_kind" text NOT NULL,
	"owner_ref" text NOT NULL,
	"profile" text NOT NULL,
	"subject_dn" text NOT NULL,
	"cn" text NOT NULL,
	"cert_der" "bytea" NOT NULL,
	"spki_sha256" text NOT NULL,
	"not_before" timestamp with time zone NOT NULL,
	"not_after" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'VALID' NOT NULL,
	"revoked_at" timestamp with time zone,
	"revocation_reason" integer,
	"superseded_by" text,
	"change_seq" bigint DEFAULT nextval('certificate_change_seq') NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "certificates_issuer_serial_uq" UNIQUE("issuer_id","serial_hex")
);
--> statement-breakpoint
CREATE TABLE "crls" (
	"issuer_id" text NOT NULL,
	"number" bigint NOT NULL,
	"this_update" timestamp with time zone NOT NULL,
	"next_update" timestamp with time zone NOT NULL,
	"der" "bytea" NOT NULL,
	CONSTRAINT "crls_issuer_number_uq" UNIQUE("issuer_id","number")
);
--> statement-breakpoint
CREATE INDEX "audit_events_subject_idx" ON "audit_events" USING btree ("institution_id","subject");--> statement-breakpoint
CREATE INDEX "outbox_due_idx" ON "outbox" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "certificates_owner_idx" ON "certificates" USING btree ("institution_id","owner_kind","owner_ref");--> statement-breakpoint
CREATE INDEX "certificates_change_idx" ON "certificates" USING btree ("change_seq");--> statement-breakpoint
CREATE INDEX "certificates_spki_idx" ON "certificates" USING btree ("spki_sha256");