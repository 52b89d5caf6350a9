/**
 * `inkan ra-client add|rotate|list|disable|enable`: the bank systems allowed to use the RA enrollment
 * API (src/http/routes/ra.ts). `add` issues the client certificate from the institution's issuing
 * CA and writes NAME.pem, NAME.key (0600) and NAME-chain.pem, so `curl --cert NAME.pem --key
 * NAME.key --cacert NAME-chain.pem` works at once; `--csr FILE` issues from the RA host's own
 * request instead (no key is made here), `--pin-cert FILE` registers a certificate from elsewhere.
 * `rotate` replaces the certificate the same way, the old one overlapping for a while
 * (src/services/ra/rotation.ts); `rotate --finish` ends that overlap.
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
import { addRaClient, listRaClients, parseQuota, RA_PROFILES_OF, setRaClientDisabled, type AddedRaClient, type RaClientView } from "../services/ra/clients.js";
import { finishRaClientRotation, parseOverlap, rotateRaClient, type RetiredCertificate } from "../services/ra/rotation.js";
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

function describe(c: RaClientView, now: Date = new Date()): string {
  const quota = `${c.quotaMax}/${c.quotaWindowSeconds}s`;
  const cert = c.certSource === "issued" ? `issued, serial ${c.certificateSerial ?? "?"}` : "pinned";
  const previous = !c.previousCertSha256
    ? ""
    : c.previousValidUntil !== null && Date.parse(c.previousValidUntil) > now.getTime()
      ? `  previous certificate sha256 ${c.previousCertSha256} authenticates until ${c.previousValidUntil}`
      : `  previous certificate sha256 ${c.previousCertSha256} refused since ${c.previousValidUntil ?? "?"}, not yet revoked (a running server revokes it within a minute; or ra-client rotate ${c.name} --finish)`;
  return `${c.institutionId}  ${c.name}${c.disabled ? "  [DISABLED]" : ""}  profiles ${c.allowedProfiles.join(",")}  quota ${quota}  certificate ${cert}, until ${c.certNotAfter}, sha256 ${c.certSha256}${previous}`;
}

const retiredText = (r: RetiredCertificate): string => `sha256 ${r.certSha256} ${r.revokedSerial ? `revoked (superseded), serial ${r.revokedSerial}` : "not revoked (pinned, expired or already revoked)"}`;

/** NAME.pem, NAME.key, NAME-chain.pem in --out, as `add` and `rotate` write them. */
function clientFiles(flags: Flags, name: string, pinned: boolean, csr: boolean) {
  const dir = resolve(flags.out ?? ".");
  const files = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`), chain: join(dir, `${name}-chain.pem`) };
  const writes = pinned ? [] : csr ? [files.cert, files.chain] : [files.cert, files.key, files.chain];
  // Refused before anything is registered: a key made here must land somewhere, and an existing key file is never overwritten.
  if (writes.length && !existsSync(dir)) throw new UsageError(`${dir} does not exist; create it or choose another --out directory`);
  for (const f of writes) if (existsSync(f)) throw new UsageError(`${f} exists; choose another --out directory`);
  return {
    files,
    write(got: AddedRaClient): Record<string, string> {
      if (pinned) return {};
      writeFileSync(files.cert, got.certPem, { mode: 0o644 });
      writeFileSync(files.chain, got.chainPem, { mode: 0o644 });
      if (got.keyPem) writeFileSync(files.key, got.keyPem, { mode: 0o600 });
      return { cert: files.cert, chain: files.chain, ...(got.keyPem ? { key: files.key } : {}) };
    },
  };
}

function certificateInputs(flags: Flags): { csr?: string; pinned?: string } {
  if (flags.csr !== undefined && flags["pin-cert"] !== undefined) throw new UsageError("--csr and --pin-cert exclude each other");
  return {
    ...(flags.csr !== undefined ? { csr: readInput("--csr", flags.csr) } : {}),
    ...(flags["pin-cert"] !== undefined ? { pinned: readInput("--pin-cert", flags["pin-cert"]) } : {}),
  };
}

async function finishRotation(config: Config, flags: Flags, name: string, institution: string): Promise<number> {
  if (flags.out !== undefined || flags.csr !== undefined || flags["pin-cert"] !== undefined || flags.overlap !== undefined) throw new UsageError("--finish takes no --out, --csr, --pin-cert or --overlap");
  const p = await startPlatform(config);
  let runtime: PkiRuntime | undefined;
  try {
    runtime = await PkiRuntime.load(p, { passphrase: caPassphraseOf(config, p.keyring), publicUrl: config.publicUrl });
    const done = await finishRaClientRotation(p, runtime, { institution, name, actor: "cli" });
    out(flags.json ? JSON.stringify(done, null, 2) : `rotation overlap ended: previous certificate ${retiredText(done.retired)}\n  ${describe(done.client)}`);
    return 0;
  } finally {
    await runtime?.stop();
    await p.close();
  }
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
    const quota = flags.quota === undefined ? { max: 600, windowSeconds: 60 } : parseQuota(flags.quota);
    const { csr, pinned } = certificateInputs(flags);
    const { files, write } = clientFiles(flags, name, pinned !== undefined, csr !== undefined);
    const p = await startPlatform(config);
    let runtime: PkiRuntime | undefined;
    try {
      const institution = (await findInstitutionByCode(p.db, flags.institution)) ?? (await getInstitution(p.db, flags.institution));
      const profiles = flags.profiles === undefined ? [...RA_PROFILES_OF[institution.kind]] : flags.profiles.split(",").map((s) => s.trim()).filter(Boolean);
      runtime = await PkiRuntime.load(p, { passphrase: caPassphraseOf(config, p.keyring), publicUrl: config.publicUrl });
      const added = await addRaClient(p, runtime, { institution: institution.id, name, profiles, quota, actor: "cli", ...(csr !== undefined ? { csr } : {}), ...(pinned !== undefined ? { pinnedCertPem: pinned } : {}) });
      const written = write(added);
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

  "ra-client rotate": async (config, flags) => {
    const [name, ...rest] = flags.args ?? [];
    if (!name || rest.length || !flags.institution) {
      throw new UsageError("usage: inkan ra-client rotate NAME --institution CODE [--out DIR | --csr FILE | --pin-cert FILE] [--overlap DURATION] [--json] | --finish");
    }
    if (flags.finish) return finishRotation(config, flags, name, flags.institution);
    const overlapMs = flags.overlap === undefined ? undefined : parseOverlap(flags.overlap);
    const { csr, pinned } = certificateInputs(flags);
    const { files, write } = clientFiles(flags, name, pinned !== undefined, csr !== undefined);
    const p = await startPlatform(config);
    let runtime: PkiRuntime | undefined;
    try {
      runtime = await PkiRuntime.load(p, { passphrase: caPassphraseOf(config, p.keyring), publicUrl: config.publicUrl });
      const rotated = await rotateRaClient(p, runtime, { institution: flags.institution, name, actor: "cli", ...(overlapMs !== undefined ? { overlapMs } : {}), ...(csr !== undefined ? { csr } : {}), ...(pinned !== undefined ? { pinnedCertPem: pinned } : {}) });
      const written = write(rotated);
      if (flags.json) {
        const { certPem: _c, chainPem: _ch, keyPem: _k, ...rest } = rotated;
        out(JSON.stringify({ ...rest, files: written }, null, 2));
        return 0;
      }
      out(`RA client rotated: ${describe(rotated.client)}`);
      if (!pinned) out(`  certificate ${files.cert}${rotated.keyPem ? `, key ${files.key} (keep it secret)` : ""}, CA chain ${files.chain}`);
      const earlier = rotated.retired.filter((r) => r.validUntil !== null);
      for (const r of earlier) out(`  the overlap of the certificate an earlier rotation replaced (until ${r.validUntil}) ended at once: ${retiredText(r)}`);
      if (rotated.overlapEnd) {
        out(`  the replaced certificate sha256 ${rotated.oldCertSha256} keeps authenticating until ${rotated.overlapEnd}; deploy the new files on the bank's hosts, then end the overlap (it is revoked then): inkan ra-client rotate ${name} --institution ${flags.institution} --finish`);
      } else {
        for (const r of rotated.retired.filter((x) => x.validUntil === null)) out(`  the replaced certificate is refused from now on: ${retiredText(r)}`);
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
      else for (const c of list) out(describe(c, p.clock.now()));
      return 0;
    } finally {
      await p.close();
    }
  },

  "ra-client disable": (config, flags) => setDisabled(config, flags, true),
  "ra-client enable": (config, flags) => setDisabled(config, flags, false),
};
