CREATE TABLE "challenges" (
	"id" text PRIMARY KEY NOT NULL,
	"purpose" text NOT NULL,
	"origin" text NOT NULL,
	"institution_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"count" integer NOT NULL,
	"reset_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"institution_id" text NOT NULL,
	"contract_ref" text,
	"user_ref" text,
	"staff_ref" text,
	"certificate_id" text,
	"stage" text NOT NULL,
	"state" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "activation_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"contract_ref" text NOT NULL,
	"user_ref" text,
	"started_at" timestamp with time zone NOT NULL,
	"last_activity_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	"state" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bank_staff" (
	"id" text PRIMARY KEY NOT NULL,
	"institution_id" text NOT NULL,
	"username" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"locked" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "contract_accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"contract_ref" text NOT NULL,
	"branch_code" text NOT NULL,
	"account_type" text NOT NULL,
	"account_number" text NOT NULL,
	"transfer_limit" bigint,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "contracts" (
	"id" text PRIMARY KEY NOT NULL,
	"institution_id" text NOT NULL,
	"contract_id" text NOT NULL,
	"company_name" text NOT NULL,
	"application_date" text NOT NULL,
	"cert_window_start" text NOT NULL,
	"registration_pin_hash" text NOT NULL,
	"admin_login_pin_hash" text,
	"admin_confirm_pin_hash" text,
	"admin_email" text,
	"locale" text,
	"state" text DEFAULT 'REGISTERED' NOT NULL,
	"locked_by_bank" boolean DEFAULT false NOT NULL,
	"lock_cause" text,
	"incident_registered" boolean DEFAULT false NOT NULL,
	"lock_mode" text NOT NULL,
	"contracted_services" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"contract_limit" bigint,
	"admin_failures" integer DEFAULT 0 NOT NULL,
	"activated_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "corporate_users" (
	"id" text PRIMARY KEY NOT NULL,
	"contract_ref" text NOT NULL,
	"user_id" text NOT NULL,
	"name_kana" text NOT NULL,
	"name_kanji" text,
	"temp_login_pin_hash" text,
	"temp_confirm_pin_hash" text,
	"login_pin_hash" text,
	"confirm_pin_hash" text,
	"email" text,
	"cert_issuable" boolean DEFAULT true NOT NULL,
	"permissions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"service_limits" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"activated" boolean DEFAULT false NOT NULL,
	"suspended" boolean DEFAULT false NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"pin_change_recommended" boolean DEFAULT false NOT NULL,
	"cert_window_start" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_cards" (
	"id" text PRIMARY KEY NOT NULL,
	"contract_ref" text NOT NULL,
	"grid_sealed" "bytea" NOT NULL,
	"status" text DEFAULT 'ACTIVE' NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "file_transfer_settings" (
	"contract_ref" text PRIMARY KEY NOT NULL,
	"zengin_password_sealed" "bytea",
	"file_access_key_sealed" "bytea",
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hardware_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"institution_id" text NOT NULL,
	"serial" text NOT NULL,
	"secret_sealed" "bytea" NOT NULL,
	"algorithm" text DEFAULT 'SHA1' NOT NULL,
	"digits" integer DEFAULT 6 NOT NULL,
	"step_seconds" integer DEFAULT 30 NOT NULL,
	"last_used_step" bigint DEFAULT 0 NOT NULL,
	"contract_ref" text,
	"user_ref" text,
	"status" text DEFAULT 'STOCK' NOT NULL,
	"loaded_at" timestamp with time zone NOT NULL,
	"assigned_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "renewal_reminders" (
	"certificate_id" text NOT NULL,
	"days_before" integer NOT NULL,
	"sent_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "transfer_fees" (
	"contract_ref" text PRIMARY KEY NOT NULL,
	"entries" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "transfers" (
	"id" text PRIMARY KEY NOT NULL,
	"contract_ref" text NOT NULL,
	"user_ref" text NOT NULL,
	"debit_account_ref" text,
	"amount" bigint NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'PENDING' NOT NULL,
	"signature" "bytea",
	"certificate_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"confirmed_at" timestamp with time zone,
	"scheduled_for" text
);
--> statement-breakpoint
CREATE INDEX "rate_limits_reset_idx" ON "rate_limits" USING btree ("reset_at");--> statement-breakpoint
CREATE INDEX "sessions_principal_idx" ON "sessions" USING btree ("kind","contract_ref","user_ref");--> statement-breakpoint
CREATE INDEX "activation_sessions_principal_idx" ON "activation_sessions" USING btree ("contract_ref","user_ref");--> statement-breakpoint
CREATE UNIQUE INDEX "bank_staff_username_uq" ON "bank_staff" USING btree ("institution_id","username");--> statement-breakpoint
CREATE UNIQUE INDEX "contract_accounts_uq" ON "contract_accounts" USING btree ("contract_ref","branch_code","account_type","account_number");--> statement-breakpoint
CREATE UNIQUE INDEX "contracts_institution_contract_uq" ON "contracts" USING btree ("institution_id","contract_id");--> statement-breakpoint
CREATE UNIQUE INDEX "corporate_users_live_uq" ON "corporate_users" USING btree ("contract_ref","user_id") WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX "corporate_users_contract_idx" ON "corporate_users" USING btree ("contract_ref");--> statement-breakpoint
CREATE INDEX "customer_cards_contract_idx" ON "customer_cards" USING btree ("contract_ref","status");--> statement-breakpoint
CREATE UNIQUE INDEX "hardware_tokens_serial_uq" ON "hardware_tokens" USING btree ("institution_id","serial");--> statement-breakpoint
CREATE INDEX "hardware_tokens_user_idx" ON "hardware_tokens" USING btree ("user_ref");--> statement-breakpoint
CREATE UNIQUE INDEX "renewal_reminders_uq" ON "renewal_reminders" USING btree ("certificate_id","days_before");--> statement-breakpoint
CREATE INDEX "transfers_user_idx" ON "transfers" USING btree ("contract_ref","user_ref");