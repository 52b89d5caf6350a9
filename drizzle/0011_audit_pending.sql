CREATE TABLE "audit_pending" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"nonce" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"institution_id" text,
	"subject" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"mac" text NOT NULL,
	CONSTRAINT "audit_pending_nonce_unique" UNIQUE("nonce")
);
