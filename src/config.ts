/**
 * Configuration from the environment (and an optional JSON file named by INKAN_CONFIG_FILE),
 * validated once at start. A wrong value stops the process with a message that names the
 * variable and what it expects — never with a stack trace.
 *
 * Two modes: the demo (`inkan serve --demo`, i.e. `npm start`) and production (everything else).
 * NODE_ENV=production forces production: `--demo` is refused, and the master key is never read
 * from or written to the data dir. `productionProblems` lists what a production server lacks.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";

const port = z.coerce.number().int().min(0).max(65535);

export interface ListenAddress {
  host: string;
  port: number;
}

/** "host:port" or "[v6]:port" (port 0 = any free port); undefined when it is neither. */
export function parseListenAddress(v: string): ListenAddress | undefined {
  const m = /^\[([0-9A-Fa-f:.]+)\]:(\d{1,5})$/.exec(v) ?? /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(v);
  const n = Number(m?.[2]);
  return m && n <= 65535 ? { host: m[1]!, port: n } : undefined;
}

/** Whether a listen host is reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

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
  INKAN_PUBLIC_URL: url(["http", "https"]).optional().describe("external base URL (CRL, OCSP, CA URLs in certificates); required in production"),
  INKAN_SECRET: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, "64 hex characters (32 random bytes), e.g. from `openssl rand -hex 32`")
    .optional()
    .describe("master key for data encrypted at rest (required in production; only the demo generates one under the data dir)"),
  INKAN_CA_PASSPHRASE: z.string().min(12, "at least 12 characters").optional().describe("passphrase of the CA private keys (required in production; otherwise derived from INKAN_SECRET)"),
  INKAN_SMTP_URL: url(["smtp", "smtps"]).optional().describe("SMTP server for mail (required in production); without it mail stays in the outbox"),
  INKAN_MAIL_FROM: z.string().email("an e-mail address").default("no-reply@inkan.invalid").describe("sender address (required in production)"),
  INKAN_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info").describe("log level"),
  INKAN_BODY_LIMIT: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(65536).describe("largest request body in bytes"),
  INKAN_TRUST_PROXY: z.enum(["true", "false"]).default("false").describe("trust X-Forwarded-* from a reverse proxy"),
  INKAN_OUTBOX_INTERVAL_MS: z.coerce.number().int().min(50).max(600000).default(2000).describe("how often the mail deliverer looks for work"),
  INKAN_SMS_URL: url(["https", "http"]).optional().describe("SMS gateway endpoint (JSON POST); without it SMS stay in the outbox (the demo keeps them in memory)"),
  INKAN_SMS_TOKEN: z.string().min(16, "at least 16 characters").optional().describe("bearer token of the SMS gateway (required with INKAN_SMS_URL)"),
  INKAN_METRICS_ADDR: z
    .string()
    .refine((v) => v === "off" || parseListenAddress(v) !== undefined, "host:port (e.g. 127.0.0.1:9464, port 0 = any free port) or off")
    .default("127.0.0.1:9464")
    .describe("separate listener of the Prometheus metrics (/metrics), never the public port; off = none"),
  INKAN_METRICS_TOKEN: z.string().min(16, "at least 16 characters").optional().describe("bearer token /metrics requires when set (required in production off loopback)"),
  INKAN_API_DOCS: z.enum(["true", "false"]).default("true").describe("serve the API documentation (/api/docs, /api/openapi.json)"),
  INKAN_MTLS_ADDR: z
    .string()
    .refine((v) => v === "off" || parseListenAddress(v) !== undefined, "host:port (e.g. 127.0.0.1:8443, port 0 = any free port) or off")
    .default("off")
    .describe("HTTPS listener with client certificates (mutual TLS) for host-to-host clients: EDI instructions; off = none"),
  INKAN_MTLS_CERT: z.string().min(1).optional().describe("PEM file of the mutual-TLS listener's server certificate (its chain after it); required with INKAN_MTLS_ADDR in production, the demo issues one"),
  INKAN_MTLS_KEY: z.string().min(1).optional().describe("PEM file of that certificate's private key (required with INKAN_MTLS_CERT)"),
  INKAN_AUDIT_CHECKPOINT_FILE: z.string().min(1).optional().describe("file the server appends a signed audit checkpoint to on schedule (also logged); see `inkan audit checkpoint`"),
  INKAN_AUDIT_CHECKPOINT_MINUTES: z.coerce.number().int().min(0).max(10080).default(60).describe("minutes between the server's audit checkpoints (0 = none)"),
} as const;

/** Variables whose values never appear in a message. */
const SECRET_KEYS = new Set(["INKAN_SECRET", "INKAN_CA_PASSPHRASE", "DATABASE_URL", "INKAN_SMTP_URL", "INKAN_SMS_URL", "INKAN_SMS_TOKEN", "INKAN_METRICS_TOKEN"]);

const ConfigSchema = z.object(shape);
export type EnvConfig = z.infer<typeof ConfigSchema>;

export type Mode = "demo" | "production";

export interface Config {
  /** "demo" only for `inkan serve --demo`; every other start is production. */
  mode: Mode;
  /** NODE_ENV=production: never the demo, no key file in the data dir, no derived CA passphrase. */
  productionEnv: boolean;
  /** Variables given explicitly (environment or file), as opposed to defaulted. */
  explicit: ReadonlySet<string>;
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
  smsUrl: string | undefined;
  smsToken: string | undefined;
  /** Where /metrics listens; null = no metrics listener. */
  metricsAddr: ListenAddress | null;
  metricsToken: string | undefined;
  apiDocs: boolean;
  /** Where the server appends its scheduled audit checkpoints (they are logged either way). */
  auditCheckpointFile: string | undefined;
  auditCheckpointMinutes: number;
  /** Where the mutual-TLS listener listens; null = none. */
  mtlsAddr: ListenAddress | null;
  /** Its server certificate and key (PEM files); the demo issues them when absent. */
  mtlsCertFile: string | undefined;
  mtlsKeyFile: string | undefined;
}

export class ConfigError extends Error {
  /** `heading: null` makes a one-line message of a single problem. */
  constructor(
    readonly problems: string[],
    heading: string | null = "Invalid configuration:",
  ) {
    super(heading === null ? problems.join("; ") : `${heading}\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export const DEMO_REFUSED = "--demo is refused: NODE_ENV=production runs Inkan in production mode only (unset NODE_ENV to run the demo)";

/** Describes every variable, for `inkan --help`. */
export function configHelp(): string {
  return Object.entries(shape)
    .map(([k, s]) => `  ${k.padEnd(26)} ${s.description ?? ""}`)
    .concat(`  ${"NODE_ENV=production".padEnd(26)} production whatever else is set: --demo refused, no key file in the data dir`)
    .join("\n");
}

/**
 * `opts.demo`: the `--demo` flag of `inkan serve`. Refused (a one-line ConfigError) when
 * NODE_ENV=production.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: { demo?: boolean } = {}): Config {
  const productionEnv = env.NODE_ENV === "production";
  if (opts.demo && productionEnv) throw new ConfigError([DEMO_REFUSED], null);
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
        const shown = got === undefined || SECRET_KEYS.has(key) ? "" : ` (got ${JSON.stringify(got)})`;
        return `${key}: expected ${i.message}${shown}`;
      }),
    );
  }
  const c = r.data;
  if (c.DATABASE_URL && !c.INKAN_SECRET)
    throw new ConfigError(["INKAN_SECRET: expected 64 hex characters; it is required with DATABASE_URL, where there is no local data dir to keep a generated one"]);
  if (Boolean(c.INKAN_SMS_URL) !== Boolean(c.INKAN_SMS_TOKEN))
    throw new ConfigError([c.INKAN_SMS_URL ? "INKAN_SMS_TOKEN: required with INKAN_SMS_URL" : "INKAN_SMS_URL: required with INKAN_SMS_TOKEN"]);
  if (Boolean(c.INKAN_MTLS_CERT) !== Boolean(c.INKAN_MTLS_KEY))
    throw new ConfigError([c.INKAN_MTLS_CERT ? "INKAN_MTLS_KEY: required with INKAN_MTLS_CERT" : "INKAN_MTLS_CERT: required with INKAN_MTLS_KEY"]);
  return {
    mode: opts.demo ? "demo" : "production",
    productionEnv,
    explicit: new Set(Object.keys(shape).filter((k) => raw[k] !== undefined)),
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
    smsUrl: c.INKAN_SMS_URL,
    smsToken: c.INKAN_SMS_TOKEN,
    metricsAddr: c.INKAN_METRICS_ADDR === "off" ? null : parseListenAddress(c.INKAN_METRICS_ADDR)!,
    metricsToken: c.INKAN_METRICS_TOKEN,
    apiDocs: c.INKAN_API_DOCS === "true",
    auditCheckpointFile: c.INKAN_AUDIT_CHECKPOINT_FILE === undefined ? undefined : resolve(c.INKAN_AUDIT_CHECKPOINT_FILE),
    auditCheckpointMinutes: c.INKAN_AUDIT_CHECKPOINT_MINUTES,
    mtlsAddr: c.INKAN_MTLS_ADDR === "off" ? null : parseListenAddress(c.INKAN_MTLS_ADDR)!,
    mtlsCertFile: c.INKAN_MTLS_CERT === undefined ? undefined : resolve(c.INKAN_MTLS_CERT),
    mtlsKeyFile: c.INKAN_MTLS_KEY === undefined ? undefined : resolve(c.INKAN_MTLS_KEY),
  };
}

/**
 * What a production server lacks, one line per variable (never its value). Production refuses to
 * start half-configured: a key file silently generated, a CA passphrase derived from the master
 * key, certificates naming a default URL, lock notices that can never leave the outbox, or
 * metrics open to the network would each be found only when it is too late.
 */
export function productionProblems(c: Config): string[] {
  const p: string[] = [];
  if (!c.secretHex) p.push("INKAN_SECRET: required — 64 hex characters (32 random bytes, e.g. `openssl rand -hex 32`); production never generates a key file in the data dir");
  if (!c.caPassphrase) p.push("INKAN_CA_PASSPHRASE: required — at least 12 characters; production does not derive the CA keys' passphrase from INKAN_SECRET");
  if (!c.explicit.has("INKAN_PUBLIC_URL")) p.push("INKAN_PUBLIC_URL: required — the external base URL; certificates embed it (CRL, OCSP, CA issuers)");
  if (!c.smtpUrl) p.push("INKAN_SMTP_URL: required — customers must receive lock and notice mails");
  if (!c.explicit.has("INKAN_MAIL_FROM") || /\.invalid$/i.test(c.mailFrom))
    p.push("INKAN_MAIL_FROM: required — the sender address of those mails (not the placeholder domain .invalid, which mail servers refuse)");
  if (c.metricsAddr && !isLoopbackHost(c.metricsAddr.host) && !c.metricsToken)
    p.push("INKAN_METRICS_TOKEN: required when INKAN_METRICS_ADDR listens beyond loopback");
  if (c.mtlsAddr && !c.mtlsCertFile)
    p.push("INKAN_MTLS_CERT: required with INKAN_MTLS_ADDR — the server certificate (PEM, chain after it) and INKAN_MTLS_KEY its key; only the demo issues one");
  return p;
}

export const PRODUCTION_HEADING = "Production mode (`inkan serve` without --demo; `npm start` runs the demo) refuses to start half-configured:";
