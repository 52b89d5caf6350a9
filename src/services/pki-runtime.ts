/**
 * The CA as one server process holds it: the decrypted CA keys, an issuing context per issuing
 * CA, the OCSP responder's cache of signed answers and the CRL schedule. Nothing in here is the
 * source of truth — the database is — so several processes on one PostgreSQL each keep their
 * own runtime and follow the certificates table (see ocsp.ts) to answer alike within a poll
 * interval.
 */
import type { Logger } from "pino";
import { InkanError } from "../domain/errors.js";
import { createIssuingContext, newSerial, type IssuingContext } from "../pki/issue.js";
import { OcspResponder, type OcspAnswer, type OcspIssuerConfig } from "../pki/ocsp-responder.js";
import type { ServiceContext } from "../platform.js";
import { caUrls, loadCertificateAuthorities, renewOcspResponders, listCertificateAuthorities, OCSP_RESPONDER_DAYS, type LoadedCa } from "./ca.js";
import { rewrapWeakCaKeys } from "./ca-keys.js";
import { DEFAULT_CRL_VALIDITY_MS, getCrl, latestCrlHeader, publishCrl, type StoredCrl } from "./crl.js";
import { CertificateChangeFeed, ocspStatusOf, sameOcspStatus, serialBytes, type CertificateStatusRow } from "./ocsp.js";

/**
 * Inkan's certificate policy OID when the deployment names none: a UUID OID (ITU-T X.667,
 * arc 2.25), unique without registration.
 */
export const DEFAULT_POLICY_OID = "2.25.30272832770452544020993324661597098748";

export interface PkiRuntimeOptions {
  /** Decrypts the CA keys (config.caPassphrase ?? keyring.caPassphrase()). */
  passphrase: string;
  /** Base of the CRL, OCSP, CA-issuer and CPS URLs written into new certificates. */
  publicUrl: string;
  policyOid?: string;
  /** Default `${publicUrl}/cps`. */
  cpsUrl?: string;
  /** nextUpdate − thisUpdate of OCSP answers. Default 4 hours. */
  ocspValidityMs?: number;
  /** How often answers close to their nextUpdate are re-signed. Default 5 minutes. */
  ocspRefreshIntervalMs?: number;
  /** How often the certificates table is read for changes made by other processes. Default 1 s. */
  pollIntervalMs?: number;
  /** nextUpdate − thisUpdate of CRLs. Default 24 hours. */
  crlValidityMs?: number;
  /** A scheduled CRL is published when the current one has less than this left. Default half the validity. */
  crlRenewBeforeMs?: number;
  /** CRL schedule, OCSP responder renewal, new CAs. Default 1 minute. */
  housekeepingIntervalMs?: number;
  /** Serial source; tests force collisions with it. Default: 16 random bytes (newSerial). */
  serialSource?: () => Uint8Array;
}

interface Loaded {
  cas: Map<string, LoadedCa>;
  contexts: Map<string, IssuingContext>;
  ocsp: OcspResponder;
  feed: CertificateChangeFeed;
  /** Issuing CA → responder id in use. */
  responders: Map<string, string>;
}

interface CrlFlight {
  running?: Promise<StoredCrl>;
  queued?: Promise<StoredCrl>;
}

export class PkiRuntime {
  readonly #ctx: ServiceContext;
  readonly #opts: Required<Omit<PkiRuntimeOptions, "serialSource" | "cpsUrl" | "policyOid">> & { cpsUrl: string; policyOid: string };
  readonly #serialSource: () => Uint8Array;
  readonly #log: Logger;
  #state!: Loaded;
  #timers: NodeJS.Timeout[] = [];
  /** Poll, reload and housekeeping run one at a time. */
  #chain: Promise<unknown> = Promise.resolve();
  readonly #crlFlights = new Map<string, CrlFlight>();
  /** CAs whose CRL could not be published after a change: retried by housekeeping. */
  readonly #crlDirty = new Set<string>();
  #crlCache = new Map<string, StoredCrl>();
  #started = false;
  /** Timer rounds in progress, awaited by stop(). */
  readonly #ticks = new Set<Promise<void>>();

  private constructor(ctx: ServiceContext, opts: PkiRuntimeOptions) {
    this.#ctx = ctx;
    const publicUrl = opts.publicUrl.replace(/\/+$/, "");
    const crlValidityMs = opts.crlValidityMs ?? DEFAULT_CRL_VALIDITY_MS;
    this.#opts = {
      passphrase: opts.passphrase,
      publicUrl,
      policyOid: opts.policyOid ?? DEFAULT_POLICY_OID,
      cpsUrl: opts.cpsUrl ?? `${publicUrl}/cps`,
      ocspValidityMs: opts.ocspValidityMs ?? 4 * 3_600_000,
      ocspRefreshIntervalMs: opts.ocspRefreshIntervalMs ?? 5 * 60_000,
      pollIntervalMs: opts.pollIntervalMs ?? 1000,
      crlValidityMs,
      crlRenewBeforeMs: opts.crlRenewBeforeMs ?? crlValidityMs / 2,
      housekeepingIntervalMs: opts.housekeepingIntervalMs ?? 60_000,
    };
    this.#serialSource = opts.serialSource ?? newSerial;
    this.#log = ctx.log.child({ component: "pki" });
  }

  /**
   * Decrypts every CA key (CA_KEY_DECRYPT_FAILED names the CA that fails), renews OCSP responders
   * that are due and builds the issuing contexts. The OCSP cache is empty until start() or
   * syncFromDatabase(): a process that only runs use cases (the CLI) needs neither.
   */
  static async load(ctx: ServiceContext, opts: PkiRuntimeOptions): Promise<PkiRuntime> {
    const rt = new PkiRuntime(ctx, opts);
    rt.#state = await rt.#build();
    return rt;
  }

  async #build(): Promise<Loaded> {
    const rewrapped = await rewrapWeakCaKeys(this.#ctx, this.#opts.passphrase);
    if (rewrapped.length > 0) this.#log.info({ cas: rewrapped }, "CA keys re-encrypted with PBKDF2-SHA256 at 600,000 iterations");
    let cas = await loadCertificateAuthorities(this.#ctx.db, this.#opts.passphrase);
    const issuing = cas.filter((c) => c.role === "issuing");
    const renewed = await renewOcspResponders(this.#ctx, { passphrase: this.#opts.passphrase, issuing });
    if (renewed.length > 0) {
      this.#log.info({ responders: renewed }, "OCSP responder certificates renewed");
      cas = await loadCertificateAuthorities(this.#ctx.db, this.#opts.passphrase);
    }
    const now = this.#ctx.clock.now().getTime();
    const byId = new Map(cas.map((c) => [c.id, c]));
    const contexts = new Map<string, IssuingContext>();
    const issuers: OcspIssuerConfig[] = [];
    const responders = new Map<string, string>();
    for (const ca of cas) {
      if (ca.role !== "issuing") continue;
      const urls = caUrls(this.#opts.publicUrl, ca.id);
      contexts.set(
        ca.id,
        createIssuingContext({
          issuer: ca.issuer,
          crlUrl: urls.crlUrl,
          ocspUrl: urls.ocspUrl,
          caIssuersUrl: urls.certUrl,
          policyOid: this.#opts.policyOid,
          cpsUri: this.#opts.cpsUrl,
        }),
      );
      const responder = cas
        .filter((r) => r.role === "ocsp" && r.parentId === ca.id && r.notBefore.getTime() <= now && r.notAfter.getTime() > now)
        .sort((a, b) => b.notAfter.getTime() - a.notAfter.getTime())[0];
      if (!responder) {
        this.#log.warn({ caId: ca.id }, "no valid OCSP responder certificate: OCSP answers for this CA are 'unauthorized'");
        continue;
      }
      responders.set(ca.id, responder.id);
      issuers.push({ id: ca.id, ca: ca.issuer, responder: responder.issuer });
    }
    const ocsp = new OcspResponder({ issuers, validityMs: this.#opts.ocspValidityMs });
    return { cas: byId, contexts, ocsp, feed: new CertificateChangeFeed(), responders };
  }

  /** The responder answering /pki/ocsp; replaced as a whole when the CA set changes. */
  get ocsp(): OcspResponder {
    return this.#state.ocsp;
  }

  /** Answers a DER OCSPRequest (POST body) at the runtime's clock. */
  answerOcsp(requestDer: Uint8Array): OcspAnswer {
    return this.#state.ocsp.answer(requestDer, this.#ctx.clock.now());
  }

  /** Answers an RFC 5019 GET: `pathComponent` is the URL part after `/pki/ocsp/`. */
  answerOcspGet(pathComponent: string): OcspAnswer {
    return this.#state.ocsp.answerGet(pathComponent, this.#ctx.clock.now());
  }

  now(): Date {
    return this.#ctx.clock.now();
  }

  get publicUrl(): string {
    return this.#opts.publicUrl;
  }

  /** Root and issuing CAs (OCSP responders left out), oldest first. */
  authorities(): LoadedCa[] {
    return [...this.#state.cas.values()].filter((c) => c.role !== "ocsp");
  }

  ca(id: string): LoadedCa | undefined {
    return this.#state.cas.get(id);
  }

  /** The CA certificate and its parents up to the root, DER, leaf first. */
  chainOf(caId: string): Buffer[] {
    const out: Buffer[] = [];
    let ca = this.#state.cas.get(caId);
    const seen = new Set<string>();
    while (ca && !seen.has(ca.id)) {
      seen.add(ca.id);
      out.push(ca.issuer.certDer);
      ca = ca.parentId ? this.#state.cas.get(ca.parentId) : undefined;
    }
    return out;
  }

  /** Reloads the CA set when `caId` is not loaded yet (created by `inkan ca init` after start). */
  async ensureCa(caId: string): Promise<void> {
    if (!this.#state.contexts.has(caId)) await this.reload();
  }

  issuingContext(caId: string): IssuingContext {
    const ctx = this.#state.contexts.get(caId);
    if (!ctx) throw new InkanError("CA_NOT_CONFIGURED", "unavailable", { params: { caId }, detail: `issuing CA ${caId} is not loaded in this process` });
    return ctx;
  }

  nextSerial(): Uint8Array {
    return this.#serialSource();
  }

  /** Puts a committed status into the OCSP cache, signing it at once unless it is unchanged. */
  recordStatus(row: Omit<CertificateStatusRow, "changeSeq">): void {
    this.#recordIn(this.#state, row, true);
  }

  /**
   * Reads the certificates changed since the last call (by any process) into the OCSP cache.
   * The first call loads everything without signing (answers are signed on first request).
   */
  syncFromDatabase(): Promise<number> {
    return this.#serial(() => this.#sync(this.#state));
  }

  async #sync(state: Loaded): Promise<number> {
    const presign = state.feed.lastSeq > 0;
    // Holes age in real time: they stand for transactions still running, whatever the clock says.
    return state.feed.poll(this.#ctx.db, performance.now(), (rows) => {
      for (const r of rows) this.#recordIn(state, r, presign);
    });
  }

  #recordIn(state: Loaded, row: Omit<CertificateStatusRow, "changeSeq">, presign: boolean): void {
    if (!state.responders.has(row.issuerId)) return;
    const serial = serialBytes(row.serialHex);
    const status = ocspStatusOf(row);
    if (presign && sameOcspStatus(state.ocsp.statusOf(row.issuerId, serial), status)) return;
    state.ocsp.setStatus(row.issuerId, serial, status, this.#ctx.clock.now(), { presign });
  }

  /** Re-signs OCSP answers close to their nextUpdate; returns how many. */
  refreshOcsp(): number {
    return this.#state.ocsp.refreshExpiring(this.#ctx.clock.now());
  }

  /**
   * Publishes a new CRL for the CA. Calls made while one is being built share the next build,
   * which starts after it and so includes every change committed before the call.
   */
  regenerateCrl(caId: string): Promise<StoredCrl> {
    const flight = this.#crlFlights.get(caId) ?? {};
    this.#crlFlights.set(caId, flight);
    if (flight.queued) return flight.queued;
    const run = async (): Promise<StoredCrl> => {
      const ca = this.#state.cas.get(caId);
      if (!ca || ca.role === "ocsp") {
        // Possibly a CA created by another process since the last reload: housekeeping retries.
        this.#crlDirty.add(caId);
        throw new InkanError("CA_NOT_FOUND", "not_found", { params: { caId } });
      }
      try {
        const { crl } = await publishCrl(this.#ctx, ca, { validityMs: this.#opts.crlValidityMs });
        this.#crlDirty.delete(caId);
        this.#crlCache.set(caId, crl);
        return crl;
      } catch (e) {
        this.#crlDirty.add(caId);
        throw e;
      }
    };
    const start = (): Promise<StoredCrl> => {
      const p = run().finally(() => {
        if (flight.running === p) flight.running = undefined;
      });
      flight.running = p;
      return p;
    };
    if (!flight.running) return start();
    const queued = flight.running.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      flight.queued = undefined;
      return start();
    });
    flight.queued = queued;
    return queued;
  }

  /** Status changed in this process: OCSP now, CRL before returning. A CRL failure is logged and retried later. */
  async afterStatusChange(row: Omit<CertificateStatusRow, "changeSeq">): Promise<void> {
    this.recordStatus(row);
    try {
      await this.regenerateCrl(row.issuerId);
    } catch (e) {
      this.#log.error({ err: e, caId: row.issuerId }, "CRL could not be published after a status change; retrying on schedule");
    }
  }

  /** Publishes the CRLs that are missing, due, or failed after a change; returns the CA ids published. */
  async publishDueCrls(): Promise<string[]> {
    const done: string[] = [];
    for (const ca of this.authorities()) {
      const dirty = this.#crlDirty.has(ca.id);
      try {
        if (dirty) {
          await this.regenerateCrl(ca.id);
          done.push(ca.id);
          continue;
        }
        const { crl, published } = await publishCrl(this.#ctx, ca, { validityMs: this.#opts.crlValidityMs, onlyIfDueWithinMs: this.#opts.crlRenewBeforeMs });
        this.#crlCache.set(ca.id, crl);
        if (published) done.push(ca.id);
      } catch (e) {
        this.#log.error({ err: e, caId: ca.id }, "scheduled CRL publication failed");
      }
    }
    return done;
  }

  /** The newest stored CRL of a CA (possibly published by another process). */
  async latestCrl(caId: string): Promise<StoredCrl | undefined> {
    const head = await latestCrlHeader(this.#ctx.db, caId);
    if (!head) return undefined;
    const cached = this.#crlCache.get(caId);
    if (cached && cached.number === head.number) return cached;
    const crl = await getCrl(this.#ctx.db, caId, head.number);
    if (crl) this.#crlCache.set(caId, crl);
    return crl;
  }

  /** Reloads CAs, responders and the OCSP cache (new CA created, responder renewed). */
  reload(): Promise<void> {
    return this.#serial(async () => {
      const next = await this.#build();
      await this.#sync(next);
      this.#state = next;
      this.#crlCache = new Map();
      this.#log.info({ cas: [...next.cas.keys()] }, "CA set reloaded");
    });
  }

  /** One housekeeping round: new CAs or responders due → reload; CRLs due → publish. */
  async housekeeping(): Promise<void> {
    const rows = await listCertificateAuthorities(this.#ctx.db);
    const now = this.#ctx.clock.now().getTime();
    const changed = rows.length !== this.#state.cas.size || rows.some((r) => !this.#state.cas.has(r.id));
    const responderDue = [...this.#state.cas.values()].some((c) => {
      if (c.role !== "issuing" || c.notAfter.getTime() <= now) return false;
      const id = this.#state.responders.get(c.id);
      const r = id ? this.#state.cas.get(id) : undefined;
      return !r || r.notAfter.getTime() - now < (OCSP_RESPONDER_DAYS * 86_400_000) / 3;
    });
    if (changed || responderDue) await this.reload();
    await this.publishDueCrls();
  }

  /**
   * Loads the OCSP cache from the database, publishes missing or due CRLs, then keeps both
   * current on timers (unref'd: they never hold the process open).
   */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    const loaded = await this.syncFromDatabase();
    this.#log.info({ certificates: loaded, cas: this.#state.cas.size }, "OCSP cache loaded");
    await this.publishDueCrls();
    const every = (ms: number, name: string, fn: () => Promise<unknown>): void => {
      let busy: Promise<void> | undefined;
      const t = setInterval(() => {
        if (busy) return;
        busy = fn()
          .then(
            () => undefined,
            (e: unknown) => this.#log.error({ err: e }, `${name} failed`),
          )
          .finally(() => {
            if (busy) this.#ticks.delete(busy);
            busy = undefined;
          });
        this.#ticks.add(busy);
      }, ms);
      t.unref();
      this.#timers.push(t);
    };
    every(this.#opts.pollIntervalMs, "certificate status poll", () => this.syncFromDatabase());
    every(this.#opts.ocspRefreshIntervalMs, "OCSP refresh", async () => this.refreshOcsp());
    every(this.#opts.housekeepingIntervalMs, "PKI housekeeping", () => this.housekeeping());
  }

  /** Stops the timers and waits for work in progress. */
  async stop(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    this.#started = false;
    await Promise.allSettled([...this.#ticks]);
    await this.#chain.catch(() => undefined);
    const flights = [...this.#crlFlights.values()].flatMap((f) => [f.running, f.queued]).filter((p): p is Promise<StoredCrl> => p !== undefined);
    await Promise.allSettled(flights);
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.#chain.then(fn, fn);
    this.#chain = p.catch(() => undefined);
    return p;
  }
}
