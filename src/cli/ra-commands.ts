/**
 * `inkan ra-client add|list|disable|enable`: the bank systems allowed to use the RA enrollment
 * API (src/http/routes/ra.ts). `add` issues the client certificate from the institution's issuing
 * CA and writes NAME.pem, NAME.key (0600) and NAME-chain.pem, so `curl --cert NAME.pem --key
 * NAME.key --cacert NAME-chain.pem` works at once; `--csr FILE` issues from the RA host's own
 * request instead (no key is made here), `--pin-cert FILE` registers a certificate from elsewhere.
 *
 * These run in this process (they need the CA keys): on PostgreSQL next to running servers, which
 * see a new or disabled client on its next request; on the embedded database with the server
 * stopped.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Config } from "../config.js";
import { startPlatform } from "../platform.js";
import { caPassphraseOf } from "../server.js";
import { PkiRuntime } from "../services/pki-runtime.js";
import { addRaClient, listRaClients, parseQuota, RA_PROFILES_OF, setRaClientDisabled, type RaClientView } from "../services/ra/clients.js";
import { findInstitutionByCode, getInstitution } from "../services/institutions.js";
import type { Flags } from "./commands.js";
import { UsageError } from "./usage.js";

type Command = (config: Config, flags: Flags) => Promise<number>;

const out = (s: string): void => void process.stdout.write(s.endsWith("\n") ? s : s + "\n");

function readInput(flag: string, file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`${flag}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

function describe(c: RaClientView): string {
  const quota = `${c.quotaMax}/${c.quotaWindowSeconds}s`;
  const cert = c.certSource === "issued" ? `issued, serial ${c.certificateSerial ?? "?"}` : "pinned";
  return `${c.institutionId}  ${c.name}${c.disabled ? "  [DISABLED]" : ""}  profiles ${c.allowedProfiles.join(",")}  quota ${quota}  certificate ${cert}, until ${c.certNotAfter}, sha256 ${c.certSha256}`;
}

async function setDisabled(config: Config, flags: Flags, disabled: boolean): Promise<number> {
  const [name, ...rest] = flags.args ?? [];
  if (!name || rest.length || !flags.institution) throw new UsageError(`usage: inkan ra-client ${disabled ? "disable" : "enable"} NAME --institution CODE`);
  const p = await startPlatform(config);
  try {
    const c = await setRaClientDisabled(p, { institution: flags.institution, name, disabled });
    out(flags.json ? JSON.stringify(c, null, 2) : `${disabled ? "disabled" : "enabled"}: ${describe(c)}`);
    return 0;
  } finally {
    await p.close();
  }
}

export const raCommands: Record<string, Command> = {
  "ra-client add": async (config, flags) => {
    const [name, ...rest] = flags.args ?? [];
    if (!name || rest.length || !flags.institution) {
      throw new UsageError("usage: inkan ra-client add NAME --institution CODE [--profiles P,P] [--quota N/min] [--out DIR | --csr FILE | --pin-cert FILE]");
    }
    if (flags.csr !== undefined && flags["pin-cert"] !== undefined) throw new UsageError("--csr and --pin-cert exclude each other");
    const quota = flags.quota === undefined ? { max: 600, windowSeconds: 60 } : parseQuota(flags.quota);
    const csr = flags.csr === undefined ? undefined : readInput("--csr", flags.csr);
    const pinned = flags["pin-cert"] === undefined ? undefined : readInput("--pin-cert", flags["pin-cert"]);
    const dir = resolve(flags.out ?? ".");
    const files = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`), chain: join(dir, `${name}-chain.pem`) };
    const writes = pinned ? [] : csr ? [files.cert, files.chain] : [files.cert, files.key, files.chain];
    // Refused before anything is registered: an existing key file is never overwritten.
    for (const f of writes) if (existsSync(f)) throw new UsageError(`${f} exists; choose another --out directory`);
    const p = await startPlatform(config);
    let runtime: PkiRuntime | undefined;
    try {
      const institution = (await findInstitutionByCode(p.db, flags.institution)) ?? (await getInstitution(p.db, flags.institution));
      const profiles = flags.profiles === undefined ? [...RA_PROFILES_OF[institution.kind]] : flags.profiles.split(",").map((s) => s.trim()).filter(Boolean);
      runtime = await PkiRuntime.load(p, { passphrase: caPassphraseOf(config, p.keyring), publicUrl: config.publicUrl });
      const added = await addRaClient(p, runtime, { institution: institution.id, name, profiles, quota, actor: "cli", ...(csr !== undefined ? { csr } : {}), ...(pinned !== undefined ? { pinnedCertPem: pinned } : {}) });
      if (!pinned) {
        writeFileSync(files.cert, added.certPem, { mode: 0o644 });
        writeFileSync(files.chain, added.chainPem, { mode: 0o644 });
        if (added.keyPem) writeFileSync(files.key, added.keyPem, { mode: 0o600 });
      }
      const written = pinned ? {} : { cert: files.cert, chain: files.chain, ...(added.keyPem ? { key: files.key } : {}) };
      if (flags.json) out(JSON.stringify({ client: added.client, files: written }, null, 2));
      else {
        out(`RA client added: ${describe(added.client)}`);
        if (!pinned) {
          out(`  certificate ${files.cert}${added.keyPem ? `, key ${files.key} (keep it secret)` : ""}, CA chain ${files.chain}`);
          const mtls = config.mtlsAddr ? `https://${config.mtlsAddr.host === "0.0.0.0" ? "localhost" : config.mtlsAddr.host}:${config.mtlsAddr.port}` : "https://<INKAN_MTLS_ADDR>";
          out(`  try: curl --cert ${files.cert} --key ${added.keyPem ? files.key : "<your key>"} --cacert ${files.chain} -H 'content-type: application/json' --data @request.json ${mtls}/api/ra/v1/certificates`);
        }
      }
      return 0;
    } finally {
      await runtime?.stop();
      await p.close();
    }
  },

  "ra-client list": async (config, flags) => {
    if ((flags.args ?? []).length) throw new UsageError("usage: inkan ra-client list [--institution CODE] [--json]");
    const p = await startPlatform(config);
    try {
      const list = await listRaClients(p, flags.institution);
      if (flags.json) out(JSON.stringify(list, null, 2));
      else if (list.length === 0) out("no RA clients (add one with `inkan ra-client add NAME --institution CODE`)");
      else for (const c of list) out(describe(c));
      return 0;
    } finally {
      await p.close();
    }
  },

  "ra-client disable": (config, flags) => setDisabled(config, flags, true),
  "ra-client enable": (config, flags) => setDisabled(config, flags, false),
};
