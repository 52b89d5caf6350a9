/** The `inkan` subcommands. Each returns the process exit code. */
import type { Config } from "../config.js";
import { KeyAlgorithm } from "../domain/policy.js";
import { listOutbox, type OutboxFilter } from "../notify/outbox.js";
import { startPlatform } from "../platform.js";
import { initCaHierarchy } from "../services/ca.js";
import { demoTokenCodes, formatDemoInfo, readDemoInfo } from "../services/demo.js";
import { caPassphraseOf, serve } from "../server.js";
import { isClusterWorker, resolveWorkers, servePrimary } from "../cluster.js";
import { auditCommands } from "./audit-commands.js";
import { raCommands } from "./ra-commands.js";
import { UsageError } from "./usage.js";

export { UsageError };

export interface Flags {
  demo?: boolean;
  json?: boolean;
  all?: boolean;
  limit?: string;
  shared?: boolean;
  algorithm?: string;
  checkpoint?: string;
  out?: string;
  "public-key"?: boolean;
  institution?: string;
  print?: boolean;
  workers?: string;
  /** ra-client add */
  profiles?: string;
  quota?: string;
  csr?: string;
  "pin-cert"?: string;
  /** ra-client rotate */
  overlap?: string;
  finish?: boolean;
  /** Positionals after the command's words (e.g. USERNAME of `staff reset`). */
  args?: string[];
}

type Command = (config: Config, flags: Flags) => Promise<number>;

const out = (s: string): void => void process.stdout.write(s.endsWith("\n") ? s : s + "\n");

export const commands: Record<string, Command> = {
  serve: async (config, flags) => {
    // demo or production: config.mode (from --demo and NODE_ENV); several workers: cluster.ts
    const workers = isClusterWorker() ? 1 : resolveWorkers(config, flags.workers);
    if (workers > 1) await servePrimary(config, workers);
    else await serve(config);
    return 0;
  },

  migrate: async (config) => {
    const p = await startPlatform(config); // opening applies the migrations
    await p.close();
    out(`migrations applied (${config.databaseUrl ? "PostgreSQL" : `embedded database in ${config.dataDir}`})`);
    return 0;
  },

  demo: async (config, flags) => {
    const info = await readDemoInfo(config);
    if (!info) {
      process.stderr.write("inkan: no demo yet — start the platform once with `npm start` (inkan serve --demo)\n");
      return 1;
    }
    out(flags.json ? JSON.stringify({ ...info, tokenCodes: demoTokenCodes(info, new Date()) }, null, 2) : formatDemoInfo(info));
    return 0;
  },

  ...auditCommands, // audit verify, audit checkpoint, staff reset, db grant-runtime
  ...raCommands, // ra-client add, rotate, list, disable, enable

  outbox: async (config, flags) => {
    const limit = flags.limit === undefined ? 50 : Number(flags.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10000) throw new UsageError("--limit takes a whole number from 1 to 10000");
    const p = await startPlatform(config);
    try {
      const filter: OutboxFilter = { limit };
      if (!flags.all) filter.status = "pending";
      const rows = await listOutbox(p.db, filter);
      if (flags.json) {
        out(JSON.stringify(rows, null, 2));
        return 0;
      }
      if (rows.length === 0) out(flags.all ? "the outbox is empty" : "no pending messages (use --all to see sent ones)");
      for (const r of rows) {
        out(`#${r.id} ${r.createdAt.toISOString()} ${r.channel} ${r.status}${r.attempts ? ` (${r.attempts} attempts)` : ""} → ${r.recipient}`);
        if (r.subject) out(`  Subject: ${r.subject}`);
        out(r.body.replace(/^/gm, "  ") + "\n");
      }
      return 0;
    } finally {
      await p.close();
    }
  },

  "ca init": async (config, flags) => {
    const algorithm = flags.algorithm === undefined ? undefined : KeyAlgorithm.safeParse(flags.algorithm);
    if (algorithm && !algorithm.success) throw new UsageError(`--algorithm takes one of ${KeyAlgorithm.options.join(", ")}`);
    const p = await startPlatform(config);
    try {
      const h = await initCaHierarchy(p, {
        passphrase: caPassphraseOf(config, p.keyring),
        mode: flags.shared ? "shared" : "per-institution",
        publicUrl: config.publicUrl,
        now: p.clock.now(),
        actor: "cli",
        ...(algorithm?.success ? { algorithm: algorithm.data } : {}),
      });
      out(h.created.length ? `created: ${h.created.join(", ")}` : "the CA hierarchy is complete; nothing created");
      for (const i of h.issuing) out(`issuing CA ${i.id} (${i.name}) for ${i.institutionIds.join(", ") || "no institution yet"}`);
      return 0;
    } finally {
      await p.close();
    }
  },
};
