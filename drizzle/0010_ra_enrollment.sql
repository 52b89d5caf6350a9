CREATE TABLE "ra_clients" (
	"id" text PRIMARY KEY NOT NULL,
	"institution_id" text NOT NULL,
	"name" text NOT NULL,
	"cert_sha256" text NOT NULL,
	"cert_der" "bytea" NOT NULL,
	"cert_subject_dn" text NOT NULL,
	"cert_not_before" timestamp with time zone NOT NULL,
	"cert_not_after" timestamp with time zone NOT NULL,
	"certificate_id" text,
	"allowed_profiles" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"quota_max" integer NOT NULL,
	"quota_window_seconds" integer NOT NULL,
	"disabled_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ra_clients_cert_uq" UNIQUE("cert_sha256"),
	CONSTRAINT "ra_clients_name_uq" UNIQUE("institution_id","name")
);
--> statement-breakpoint
CREATE TABLE "ra_idempotency_keys" (
	"client_id" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"request_sha256" text NOT NULL,
	"certificate_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ra_idempotency_keys_pk" PRIMARY KEY("client_id","idempotency_key")
);
--> statement-breakpoint
CREATE INDEX "ra_idempotency_keys_cert_idx" ON "ra_idempotency_keys" USING btree ("certificate_id");