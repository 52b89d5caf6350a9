/**
 * Two roles on PostgreSQL: the owner role runs the migrations (it owns the tables, the audit
 * triggers and drizzle's bookkeeping) and the runtime role the servers use has data rights
 * only. Not owning a table, the runtime role cannot ALTER it (no DISABLE TRIGGER), DROP or
 * TRUNCATE it; not being superuser, it cannot SET session_replication_role = replica to skip
 * triggers; on audit_events it may only read and insert. These are the grants the owner gives
 * (`inkan db grant-runtime ROLE`, README "PostgreSQL roles").
 */
import { sql } from "drizzle-orm";
import type { Db } from "./database.js";

const ROLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function isRoleName(v: string): boolean {
  return ROLE_NAME.test(v);
}

/** The statements, to run as the owner role in Inkan's database after `inkan migrate`. */
export function runtimeGrantStatements(role: string): string[] {
  if (!isRoleName(role)) throw new RangeError(`not a role name: ${role}`);
  const r = `"${role}"`;
  return [
    `GRANT USAGE ON SCHEMA public TO ${r}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r}`,
    // The audit trail is append-only for the application, by right and by trigger.
    `REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM ${r}`,
    // Tables and sequences later migrations create (as this owner) get the same rights.
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${r}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${r}`,
    // So a server can tell that no migration is pending without the rights to run the migrator.
    `GRANT USAGE ON SCHEMA drizzle TO ${r}`,
    `GRANT SELECT ON drizzle.__drizzle_migrations TO ${r}`,
  ];
}

/** Runs the grants in one transaction. */
export async function grantRuntimeRole(db: Db, role: string): Promise<string[]> {
  const statements = runtimeGrantStatements(role);
  await db.transaction(async (tx) => {
    for (const s of statements) await tx.execute(sql.raw(s));
  });
  return statements;
}
