/**
 * Configuration from the environment (and an optional JSON file named by INKAN_CONFIG_FILE),
 * validated once at start. A wrong value stops the process with a message that names the
 * variable and what it expects — never with a stack trace.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";

const port = z.coerce.number().int().min(0).max(65535);
const url = (schemes: string[]) =>
  z.string().refine((v) => {
    try {
      return schemes.includes(new URL(v).protocol.replace(/:$/, ""));
    } catch {
      return false;
    }
  }, `a URL starting with ${schemes.map((s) => s + "://").join(" or ")}`);

/** Environment variable name → schema. Descriptions double as the `--help` text. */
const shape = {
  HOST: z.string().min(1).default("127.0.0.1").describe("address to listen on"),
  PORT: port.default(8080).describe("port to listen on (0 = any free port)"),
  INKAN_DATA_DIR: z.string().min(1).default("./data").describe("embedded database and local state"),
  DATABASE_URL: url(["postgres", "postgresql"]).optional().describe("use PostgreSQL instead of the embedded database"),
  INKAN_PUBLIC_URL: url(["http", "https"]).optional().describe("external base URL (CRL, OCSP, CA URLs in certificates)"),
  INKAN_SECRET: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, "64 hex characters (32 random bytes), e.g. from `openssl rand -hex 32`")
    .optional()
    .describe("master key for data encrypted at rest; generated under the data dir when absent on the embedded database"),
  INKAN_CA_PASSPHRASE: z.string().min(12, "at least 12 characters").optional().describe("passphrase of the CA private keys (derived from INKAN_SECRET when absent)"),
  INKAN_SMTP_URL: url(["smtp", "smtps"]).optional().describe("SMTP server for mail; without it mail stays in the outbox"),
  INKAN_MAIL_FROM: z.string().email("an e-mail address").default("no-reply@inkan.invalid").describe("sender address"),
  INKAN_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info").describe("log level"),
  INKAN_BODY_LIMIT: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(65536).describe("largest request body in bytes"),
  INKAN_TRUST_PROXY: z.enum(["true", "false"]).default("false").describe("trust X-Forwarded-* from a reverse proxy"),
  INKAN_OUTBOX_INTERVAL_MS: z.coerce.number().int().min(50).max(600000).default(2000).describe("how often the mail deliverer looks for work"),
} as const;

const ConfigSchema = z.object(shape);
export type EnvConfig = z.infer<typeof ConfigSchema>;

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  publicUrl: string;
  secretHex: string | undefined;
  caPassphrase: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  logLevel: EnvConfig["INKAN_LOG_LEVEL"];
  bodyLimit: number;
  trustProxy: boolean;
  outboxIntervalMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Describes every variable, for `inkan --help`. */
export function configHelp(): string {
  return Object.entries(shape)
    .map(([k, s]) => `  ${k.padEnd(26)} ${s.description ?? ""}`)
    .join("\n");
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  let fromFile: Record<string, unknown> = {};
  const file = env.INKAN_CONFIG_FILE;
  if (file) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
      fromFile = parsed as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError([`INKAN_CONFIG_FILE: cannot read ${file} as a JSON object of variables (${(e as Error).message})`]);
    }
    const unknown = Object.keys(fromFile).filter((k) => !(k in shape));
    if (unknown.length) throw new ConfigError(unknown.map((k) => `${k} (in ${file}): not a known setting`));
  }
  const raw: Record<string, unknown> = { ...fromFile };
  for (const k of Object.keys(shape)) {
    const v = env[k];
    if (v !== undefined && v !== "") raw[k] = v;
  }
  const r = ConfigSchema.safeParse(raw);
  if (!r.success) {
    throw new ConfigError(
      r.error.issues.map((i) => {
        const key = String(i.path[0] ?? "config");
        const got = raw[key];
        const secret = key === "INKAN_SECRET" || key === "INKAN_CA_PASSPHRASE" || key === "DATABASE_URL" || key === "INKAN_SMTP_URL";
        const shown = got === undefined || secret ? "" : ` (got ${JSON.stringify(got)})`;
        return `${key}: expected ${i.message}${shown}`;
      }),
    );
  }
  const c = r.data;
  if (c.DATABASE_URL && !c.INKAN_SECRET)
    throw new ConfigError(["INKAN_SECRET: expected 64 hex characters; it is required with DATABASE_URL, where there is no local data dir to keep a generated one"]);
  return {
    host: c.HOST,
    port: c.PORT,
    dataDir: resolve(c.INKAN_DATA_DIR),
    databaseUrl: c.DATABASE_URL,
    publicUrl: (c.INKAN_PUBLIC_URL ?? `http://${c.HOST.includes(":") ? `[${c.HOST}]` : c.HOST}:${c.PORT}`).replace(/\/+$/, ""),
    secretHex: c.INKAN_SECRET,
    caPassphrase: c.INKAN_CA_PASSPHRASE,
    smtpUrl: c.INKAN_SMTP_URL,
    mailFrom: c.INKAN_MAIL_FROM,
    logLevel: c.INKAN_LOG_LEVEL,
    bodyLimit: c.INKAN_BODY_LIMIT,
    trustProxy: c.INKAN_TRUST_PROXY === "true",
    outboxIntervalMs: c.INKAN_OUTBOX_INTERVAL_MS,
  };
}
