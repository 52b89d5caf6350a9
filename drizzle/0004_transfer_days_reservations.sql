ALTER TABLE "transfers" ADD COLUMN "reception_number" text;--> statement-breakpoint
ALTER TABLE "transfers" ADD COLUMN "executed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "transfers" ADD COLUMN "value_date" text;--> statement-breakpoint
-- Transfers made before this migration: the business day they count on (institution time),
-- RESERVED for a confirmed one still ahead of its date, and a 受付番号 each (eleven digits
-- from their order, then the Luhn check digit; new ones are random and skip taken numbers).
UPDATE "transfers" AS t SET "value_date" = coalesce(t."scheduled_for", to_char(coalesce(t."confirmed_at", t."created_at") AT TIME ZONE coalesce(i."policy"->>'timeZone', 'Asia/Tokyo'), 'YYYY-MM-DD'))
FROM "contracts" AS c JOIN "institutions" AS i ON i."id" = c."institution_id"
WHERE c."id" = t."contract_ref";--> statement-breakpoint
UPDATE "transfers" SET "value_date" = coalesce("scheduled_for", to_char(coalesce("confirmed_at", "created_at") AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD')) WHERE "value_date" IS NULL;--> statement-breakpoint
UPDATE "transfers" SET "status" = 'RESERVED' WHERE "status" = 'SENT' AND "scheduled_for" IS NOT NULL AND "scheduled_for" > to_char(now() AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD');--> statement-breakpoint
UPDATE "transfers" SET "executed_at" = "confirmed_at" WHERE "status" = 'SENT';--> statement-breakpoint
WITH numbered AS (
  SELECT "id", lpad((row_number() OVER (ORDER BY "created_at", "id"))::text, 11, '0') AS body FROM "transfers"
), checked AS (
  SELECT n."id", n.body || ((10 - (
    SELECT sum(CASE WHEN p % 2 = 1 THEN (CASE WHEN d * 2 > 9 THEN d * 2 - 9 ELSE d * 2 END) ELSE d END)
    FROM (SELECT p, substr(n.body, p, 1)::int AS d FROM generate_series(1, 11) AS p) AS digits
  ) % 10) % 10)::text AS num
  FROM numbered AS n
)
UPDATE "transfers" AS t SET "reception_number" = substr(c.num, 1, 4) || '-' || substr(c.num, 5, 4) || '-' || substr(c.num, 9, 4)
FROM checked AS c WHERE c."id" = t."id";--> statement-breakpoint
ALTER TABLE "transfers" ALTER COLUMN "reception_number" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "transfers" ALTER COLUMN "value_date" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "transfers_reception_number_uq" ON "transfers" USING btree ("reception_number");--> statement-breakpoint
CREATE INDEX "transfers_value_date_idx" ON "transfers" USING btree ("contract_ref","value_date");--> statement-breakpoint
CREATE INDEX "transfers_due_idx" ON "transfers" USING btree ("status","scheduled_for");
