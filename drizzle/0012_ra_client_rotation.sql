ALTER TABLE "ra_clients" ADD COLUMN "previous_cert_sha256" text;--> statement-breakpoint
ALTER TABLE "ra_clients" ADD COLUMN "previous_certificate_id" text;--> statement-breakpoint
ALTER TABLE "ra_clients" ADD COLUMN "previous_valid_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "ra_clients" ADD CONSTRAINT "ra_clients_previous_cert_uq" UNIQUE("previous_cert_sha256");