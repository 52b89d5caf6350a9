/**
 * `inkan audit verify [--checkpoint FILE]`, `inkan audit checkpoint [--out FILE | --public-key]`,
 * `inkan staff reset USERNAME [--institution CODE]`, `inkan db grant-runtime ROLE [--print]`.
 *
 * The audit and staff commands work while a server runs: on PostgreSQL they simply connect; on
 * the embedded database, whose data dir the server holds, they ask the server through its admin
 * socket and print the same, with the same exit code.
 */
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import type { Config } from "../config.js";
import { AdminSocketUnavailable, adminSocketPath, callAdminSocket } from "../admin-socket.js";
import { startPlatform } from "../platform.js";
import type { AuditBreak, AuditVerdict } from "../services/audit.js";
import { checkpointLine } from "../services/audit-checkpoint.js";
import { operatorOps, type OperatorOp, type OperatorOps } from "../services/operator.js";
import { openPostgres } from "../store/database.js";
import { DataDirLocked } from "../store/lockfile.js";
import { grantRuntimeRole, isRoleName, runtimeGrantStatements } from "../store/roles.js";
import type { Flags } from "./commands.js";
import { UsageError } from "./usage.js";

type Command = (config: Config, flags: Flags) => Promise<number>;

const out = (s: string): void => void process.stdout.write(s.endsWith("\n") ? s : s + "\n");
const err = (s: string): void => void process.stderr.write(`inkan: ${s}\n`);

/** Runs the operation in this process, or in the server that holds the embedded database. */
async function operate<K extends OperatorOp>(config: Config, op: K, input: OperatorOps[K]["input"]): Promise<OperatorOps[K]["output"]> {
  let p;
  try {
    p = await startPlatform(config);
  } catch (e) {
    if (!(e instanceof DataDirLocked) || config.databaseUrl) throw e;
    const path = adminSocketPath(config.dataDir);
    if (!existsSync(path)) throw e;
    try {
      return await callAdminSocket(path, op, input);
    } catch (s) {
      throw s instanceof AdminSocketUnavailable ? e : s;
    }
  }
  try {
    return await operatorOps[op](p, input);
  } finally {
    await p.close();
  }
}

const WHY: Record<AuditBreak, string> = {
  edited: "the row does not match its hash: it was changed, or written without the audit key",
  missing: "the row is missing: rows were deleted",
  "pending-edited": "a row written under load and waiting to be chained (audit_pending) was changed, or written without the audit key",
  "head-mismatch": "the head does not match the rows: rows were cut off the end, added, or the head was rewritten",
  "head-forged": "the head's MAC does not verify: the head was rewritten without the audit key (rows cut off the end?)",
  "head-unsealed": "the head carries no MAC: it was removed, or the trail predates head MACs and no server has started since the upgrade",
};

export function describeVerdict(v: AuditVerdict): string {
  if (v.ok) return `audit trail OK: ${v.rows} rows, chain intact${v.unchained ? `; ${v.unchained} rows written since are waiting to be chained (MACs verify)` : ""}`;
  return `audit trail BROKEN at row ${v.brokenAt} (${v.reason}); rows 1..${v.rows} verify\n  ${WHY[v.reason]}`;
}

function textOf(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`--checkpoint: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

export const auditCommands: Record<string, Command> = {
  "audit verify": async (config, flags) => {
    const checkpoints = flags.checkpoint === undefined ? undefined : textOf(flags.checkpoint);
    const r = await operate(config, "audit verify", checkpoints === undefined ? {} : { checkpoints });
    const report = r.checkpoints;
    if (flags.json) out(JSON.stringify(report ?? r.verdict));
    else {
      out(describeVerdict(r.verdict));
      if (report) {
        for (const p of report.problems) out(`checkpoint FAILED: ${p}`);
        if (report.latest) out(`checkpoints: ${report.verified} verified; the latest, of ${report.latest.at}, covers ${report.latest.seq} rows`);
      }
    }
    return r.verdict.ok && (!report || report.ok) ? 0 : 1;
  },

  "audit checkpoint": async (config, flags) => {
    if (flags["public-key"]) {
      if (flags.out !== undefined) throw new UsageError("--public-key prints the key; it takes no --out");
      const k = await operate(config, "audit public-key", {});
      out(flags.json ? JSON.stringify(k) : k.publicKeyPem);
      return 0;
    }
    const r = await operate(config, "audit checkpoint", {});
    if (!r.ok) {
      err(`${describeVerdict(r.verdict)}\n  no checkpoint written: a checkpoint never vouches for a broken trail`);
      return 1;
    }
    const line = checkpointLine(r.checkpoint);
    if (flags.out === undefined) out(line);
    else {
      appendFileSync(flags.out, line + "\n", { mode: 0o640 });
      out(`checkpoint of ${r.checkpoint.at}: ${r.checkpoint.seq} rows, appended to ${flags.out}`);
    }
    return 0;
  },

  "staff reset": async (config, flags) => {
    const [username, ...rest] = flags.args ?? [];
    if (!username || rest.length) throw new UsageError("usage: inkan staff reset USERNAME [--institution CODE]");
    const r = await operate(config, "staff reset", { username, ...(flags.institution === undefined ? {} : { institutionCode: flags.institution }) });
    if (flags.json) out(JSON.stringify(r));
    else {
      out(`back-office account ${r.username} (${r.role}, institution ${r.institution.code} ${r.institution.name}): unlocked, its sessions ended`);
      out(`new password (shown once, stored only as a hash): ${r.password}`);
    }
    return 0;
  },

  "db grant-runtime": async (config, flags) => {
    const [role, ...rest] = flags.args ?? [];
    if (!role || rest.length) throw new UsageError("usage: inkan db grant-runtime ROLE [--print]");
    if (!isRoleName(role)) throw new UsageError(`"${role}" is not a plain role name (letters, digits, _)`);
    if (flags.print) {
      out(runtimeGrantStatements(role).map((s) => s + ";").join("\n"));
      return 0;
    }
    if (!config.databaseUrl) throw new UsageError("db grant-runtime is for PostgreSQL (DATABASE_URL of the owner role); the embedded database has one role");
    const db = await openPostgres(config.databaseUrl); // as the owner: applies pending migrations first
    try {
      await grantRuntimeRole(db.db, role);
    } finally {
      await db.close();
    }
    out(`granted the runtime rights to ${role} (see --print for the statements); start the servers with its DATABASE_URL`);
    return 0;
  },
};
