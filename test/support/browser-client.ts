/**
 * The browser's part of the corporate portal, for API-level tests: what the web app does with
 * WebCrypto, done here with Node's WebCrypto exactly as the browser will (DESIGN §3).
 *
 *  - `Pc` is one PC / browser profile: its key pairs (ECDSA P-256 by default, generated
 *    non-extractable as the portal does) and the certificates installed beside them. A
 *    certificate acquired on one Pc cannot be used from another (R-CERT-4): the key is not there.
 *  - `PortalClient` is that browser talking to Inkan: a cookie jar that honours each cookie's
 *    Path (so the admin, user and bank cookies never cross), the CSRF token of each session
 *    path sent back in X-CSRF-Token, and an Origin header on state-changing requests. It runs
 *    over `app.inject` or over real HTTP (several server processes).
 *  - Journeys the admin and users tests share: activateAdmin, acquireAdminCertificate, loginAdmin.
 */
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import type { FastifyInstance } from "fastify";
import { expectedCardAnswer, type CardGrid, type CardPosition } from "../../src/domain/corporate/card.js";
import { loginChallengeMessage, signParams, toBase64Url, type ChallengePurpose } from "../../src/domain/signing.js";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const subtle = webcrypto.subtle as SubtleCrypto;

export type PcKeyAlgorithm = "ECDSA-P256" | "RSA-2048";

const KEYGEN: Record<PcKeyAlgorithm, RsaHashedKeyGenParams | EcKeyGenParams> = {
  "ECDSA-P256": { name: "ECDSA", namedCurve: "P-256" },
  "RSA-2048": { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
};
const CSR_SIGNING: Record<PcKeyAlgorithm, Algorithm | EcdsaParams> = {
  "ECDSA-P256": { name: "ECDSA", hash: "SHA-256" },
  "RSA-2048": { name: "RSASSA-PKCS1-v1_5" },
};

export interface InstalledCertificate {
  der: Uint8Array;
  cn: string;
  serialHex: string;
  notAfter: Date;
  keys: CryptoKeyPair;
  algorithm: PcKeyAlgorithm;
}

export class NoCertificateError extends Error {
  constructor(pc: string, cn?: string) {
    super(`PC ${pc} holds no certificate${cn ? ` with CN ${cn}` : ""} to select`);
    this.name = "NoCertificateError";
  }
}

const spkiHex = async (key: CryptoKey): Promise<string> => Buffer.from(await subtle.exportKey("spki", key)).toString("hex");

/** One PC (browser profile): keys that never leave it, and the certificates installed with them. */
export class Pc {
  readonly name: string;
  readonly #pending: { keys: CryptoKeyPair; algorithm: PcKeyAlgorithm }[] = [];
  readonly #installed: InstalledCertificate[] = [];

  constructor(name = "PC-A") {
    this.name = name;
  }

  /** A new key pair (non-extractable private key) and a PKCS#10 request for it, PEM. */
  async makeCsr(opts: { algorithm?: PcKeyAlgorithm; subject?: string } = {}): Promise<string> {
    const algorithm = opts.algorithm ?? "ECDSA-P256";
    const keys = (await subtle.generateKey(KEYGEN[algorithm], false, ["sign", "verify"])) as CryptoKeyPair;
    const req = await x509.Pkcs10CertificateRequestGenerator.create({
      name: opts.subject ?? "CN=inkan-browser",
      keys,
      signingAlgorithm: CSR_SIGNING[algorithm],
    });
    this.#pending.push({ keys, algorithm });
    return req.toString("pem");
  }

  /** Stores an issued certificate (DER, base64 or base64url) beside the key it was made for. */
  async install(cert: Uint8Array | string): Promise<InstalledCertificate> {
    const der = typeof cert === "string" ? Buffer.from(cert.replace(/-/g, "+").replace(/_/g, "/"), "base64") : Buffer.from(cert);
    const parsed = new x509.X509Certificate(der);
    const certSpki = Buffer.from(parsed.publicKey.rawData).toString("hex");
    for (let i = 0; i < this.#pending.length; i++) {
      const p = this.#pending[i]!;
      if ((await spkiHex(p.keys.publicKey)) !== certSpki) continue;
      this.#pending.splice(i, 1);
      const cn = /CN=([^,+]+)/.exec(parsed.subject)?.[1] ?? "";
      const installed: InstalledCertificate = { der: new Uint8Array(der), cn, serialHex: parsed.serialNumber.toUpperCase(), notAfter: parsed.notAfter, keys: p.keys, algorithm: p.algorithm };
      this.#installed.push(installed);
      return installed;
    }
    throw new Error(`PC ${this.name}: no pending key for this certificate`);
  }

  /** What the certificate picker shows. */
  certificates(): readonly InstalledCertificate[] {
    return [...this.#installed];
  }

  /** The newest certificate with that CN (or the newest at all), as the user would pick it. */
  select(cn?: string): InstalledCertificate {
    const list = this.#installed.filter((c) => cn === undefined || c.cn === cn);
    const c = list[list.length - 1];
    if (!c) throw new NoCertificateError(this.name, cn);
    return c;
  }

  /** Removes a certificate (and its key) from this PC. */
  remove(cert: InstalledCertificate): void {
    const i = this.#installed.indexOf(cert);
    if (i >= 0) this.#installed.splice(i, 1);
  }

  /** Signs bytes with a certificate's key: base64url (P1363 r‖s for ECDSA). */
  async sign(bytes: Uint8Array, cert: InstalledCertificate = this.select()): Promise<string> {
    const alg = signParams(cert.algorithm === "RSA-2048" ? "RSASSA-PKCS1-v1_5" : "ECDSA");
    return toBase64Url(new Uint8Array(await subtle.sign(alg, cert.keys.privateKey, new Uint8Array(bytes))));
  }

  /**
   * Signs a login challenge. The origin is the page's own (`location.origin` in the browser),
   * not whatever the server says, so a challenge relayed from another site signs the wrong origin.
   */
  async signChallenge(
    challenge: { challengeId: string; nonce: string; purpose: string; origin: string },
    opts: { cert?: InstalledCertificate; origin?: string } = {},
  ): Promise<{ challengeId: string; certificate: string; signature: string }> {
    const cert = opts.cert ?? this.select();
    const msg = loginChallengeMessage(opts.origin ?? challenge.origin, challenge.purpose as ChallengePurpose, challenge.nonce);
    return { challengeId: challenge.challengeId, certificate: toBase64Url(cert.der), signature: await this.sign(msg, cert) };
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP

/** What an error answer carries (absent on success). */
export interface ErrorFields {
  code?: string;
  message?: string;
  fields?: string[];
}

export interface HttpAnswer<T = Record<string, unknown>> {
  status: number;
  body: T & ErrorFields;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
}

interface WireRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}
interface WireResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  setCookies: string[];
  body: string;
}
type Transport = (r: WireRequest) => Promise<WireResponse>;

export function injectTransport(app: FastifyInstance): Transport {
  return async (r) => {
    const res = await app.inject({ method: r.method as "GET", url: r.url, headers: r.headers, ...(r.payload === undefined ? {} : { payload: r.payload }) });
    const sc = res.headers["set-cookie"];
    return { status: res.statusCode, headers: res.headers as Record<string, string | string[] | undefined>, setCookies: sc === undefined ? [] : Array.isArray(sc) ? sc : [sc], body: res.body };
  };
}

export function fetchTransport(baseUrl: string): Transport {
  return async (r) => {
    const res = await fetch(new URL(r.url, baseUrl), { method: r.method, headers: r.headers, ...(r.payload === undefined ? {} : { body: r.payload }) });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      headers[k] = v;
    });
    return { status: res.status, headers, setCookies: res.headers.getSetCookie(), body: await res.text() };
  };
}

interface JarCookie {
  name: string;
  value: string;
  path: string;
}

/** The session paths whose CSRF token the client keeps apart (one per cookie path). */
export const SESSION_PATHS = ["/api/corporate/admin", "/api/corporate/user", "/api/bank", "/api/tw", "/api/securities"] as const;

const pathOf = (url: string): string => new URL(url, "http://x").pathname;
const under = (path: string, prefix: string): boolean => path === prefix || path.startsWith(prefix.endsWith("/") ? prefix : `${prefix}/`);

export interface PortalClientOptions {
  /** The site's origin, sent as Origin on state-changing requests (the browser does). */
  origin?: string;
  /** Accept-Language. */
  lang?: string;
}

/** A browser on the portal: cookie jar with paths, CSRF per session path, JSON in and out. */
export class PortalClient {
  readonly #send: Transport;
  readonly #jar = new Map<string, JarCookie>();
  readonly #csrf = new Map<string, string>();
  readonly origin: string | undefined;
  lang: string | undefined;

  constructor(target: FastifyInstance | string, opts: PortalClientOptions = {}) {
    this.#send = typeof target === "string" ? fetchTransport(target) : injectTransport(target);
    this.origin = opts.origin;
    this.lang = opts.lang;
  }

  /** Cookies the browser would send to this path. */
  cookiesFor(url: string): JarCookie[] {
    const path = pathOf(url);
    return [...this.#jar.values()].filter((c) => under(path, c.path));
  }

  cookie(name: string): JarCookie | undefined {
    return [...this.#jar.values()].find((c) => c.name === name);
  }

  /** Forgets everything (closing the browser). */
  closeBrowser(): void {
    this.#jar.clear();
    this.#csrf.clear();
  }

  csrfFor(url: string): string | undefined {
    const path = pathOf(url);
    const prefix = SESSION_PATHS.find((p) => under(path, p));
    return prefix ? this.#csrf.get(prefix) : undefined;
  }

  setCsrf(prefix: (typeof SESSION_PATHS)[number], token: string | undefined): void {
    if (token === undefined) this.#csrf.delete(prefix);
    else this.#csrf.set(prefix, token);
  }

  #store(setCookie: string, url: string): void {
    const [pair, ...attrs] = setCookie.split(";").map((s) => s.trim());
    const eq = pair?.indexOf("=") ?? -1;
    if (!pair || eq <= 0) return;
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    let path = pathOf(url).replace(/\/[^/]*$/, "") || "/";
    let expired = value === "";
    for (const a of attrs) {
      const [k, v] = a.split("=");
      const key = (k ?? "").toLowerCase();
      if (key === "path" && v) path = v;
      if (key === "max-age" && Number(v) <= 0) expired = true;
      if (key === "expires" && v && new Date(v).getTime() <= Date.now()) expired = true;
    }
    const id = `${name}|${path}`;
    if (expired) this.#jar.delete(id);
    else this.#jar.set(id, { name, value, path });
  }

  async request<T = Record<string, unknown>>(
    method: string,
    url: string,
    body?: unknown,
    opts: { csrf?: boolean | string; headers?: Record<string, string>; rawBody?: string } = {},
  ): Promise<HttpAnswer<T>> {
    const headers: Record<string, string> = { accept: "application/json", ...(this.lang ? { "accept-language": this.lang } : {}) };
    const cookies = this.cookiesFor(url);
    if (cookies.length) headers.cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const mutating = method !== "GET" && method !== "HEAD";
    if (mutating && this.origin) headers.origin = this.origin;
    const csrf = typeof opts.csrf === "string" ? opts.csrf : opts.csrf === false ? undefined : this.csrfFor(url);
    if (mutating && csrf) headers["x-csrf-token"] = csrf;
    let payload: string | undefined;
    if (opts.rawBody !== undefined) {
      payload = opts.rawBody;
      headers["content-type"] = "application/json";
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers["content-type"] = "application/json";
    }
    Object.assign(headers, opts.headers ?? {});
    const res = await this.#send({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
    for (const sc of res.setCookies) this.#store(sc, url);
    let parsed: unknown = {};
    if (res.body) {
      try {
        parsed = JSON.parse(res.body);
      } catch {
        parsed = {};
      }
    }
    const token = (parsed as { csrfToken?: unknown }).csrfToken;
    if (typeof token === "string") {
      const prefix = SESSION_PATHS.find((p) => under(pathOf(url), p));
      if (prefix) this.#csrf.set(prefix, token);
    }
    return { status: res.status, body: parsed as T & ErrorFields, headers: res.headers, raw: res.body };
  }

  get<T = Record<string, unknown>>(url: string, opts?: Parameters<PortalClient["request"]>[3]): Promise<HttpAnswer<T>> {
    return this.request<T>("GET", url, undefined, opts);
  }

  post<T = Record<string, unknown>>(url: string, body: unknown = {}, opts?: Parameters<PortalClient["request"]>[3]): Promise<HttpAnswer<T>> {
    return this.request<T>("POST", url, body, opts);
  }
}

// ---------------------------------------------------------------------------------------------
// Journeys

export const ADMIN_API = "/api/corporate/admin";
export const BANK_API = "/api/bank";

/** The card answer the admin types for the positions shown ("3565" for イ・カ on the sample card). */
export function cardAnswer(grid: CardGrid, positions: readonly string[]): string {
  return expectedCardAnswer(grid, positions as CardPosition[]);
}

/** A card answer that is certainly wrong for those positions. */
export function wrongCardAnswer(grid: CardGrid, positions: readonly string[]): string {
  const right = cardAnswer(grid, positions);
  return right
    .split("")
    .map((d) => String((Number(d) + 1) % 10))
    .join("");
}

export class JourneyError extends Error {
  constructor(
    readonly step: string,
    readonly answer: HttpAnswer,
  ) {
    super(`${step}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
    this.name = "JourneyError";
  }
}

function expectOk(step: string, a: HttpAnswer, status = 200): HttpAnswer {
  if (a.status !== status) throw new JourneyError(step, a);
  return a;
}

export interface AdminCredentials {
  institutionCode: string;
  contractId: string;
  registrationPin?: string;
  loginPin: string;
  confirmPin: string;
  email?: string;
  grid: CardGrid;
}

/** F-ADM-ACT end to end: start, credentials, card. Returns the completion answer. */
export async function activateAdmin(client: PortalClient, c: AdminCredentials): Promise<HttpAnswer> {
  const registrationPin = c.registrationPin ?? "1234";
  expectOk("activation/start", await client.post(`${ADMIN_API}/activation/start`, { institutionCode: c.institutionCode, contractId: c.contractId, registrationPin }));
  const cred = expectOk(
    "activation/credentials",
    await client.post<{ card: { positions: string[] } }>(`${ADMIN_API}/activation/credentials`, {
      registrationPin,
      loginPin: c.loginPin,
      confirmPin: c.confirmPin,
      email: c.email ?? "x@example.co.jp",
    }),
  ) as HttpAnswer<{ card: { positions: string[] } }>;
  return expectOk("activation/card", await client.post(`${ADMIN_API}/activation/card`, { answer: cardAnswer(c.grid, cred.body.card.positions) }));
}

/** F-ADM-CERT on this PC: CSR made here, certificate installed here. */
export async function acquireAdminCertificate(
  client: PortalClient,
  pc: Pc,
  c: Pick<AdminCredentials, "institutionCode" | "contractId" | "loginPin" | "confirmPin">,
  opts: { algorithm?: PcKeyAlgorithm } = {},
): Promise<{ answer: HttpAnswer; installed: InstalledCertificate }> {
  const csr = await pc.makeCsr(opts);
  const answer = expectOk(
    "certificate",
    await client.post(`${ADMIN_API}/certificate`, { institutionCode: c.institutionCode, contractId: c.contractId, loginPin: c.loginPin, confirmPin: c.confirmPin, csr }),
  );
  const installed = await pc.install(answer.body.certificate as string);
  return { answer, installed };
}

/** The certificate step of the admin login: challenge, signature. Returns the raw answer (not checked). */
export async function adminCertificateStep(client: PortalClient, pc: Pc, opts: { cert?: InstalledCertificate; institutionCode?: string } = {}): Promise<HttpAnswer> {
  const ch = expectOk("login/challenge", await client.post(`${ADMIN_API}/login/challenge`, opts.institutionCode ? { institutionCode: opts.institutionCode } : {}));
  const signed = await pc.signChallenge(ch.body as { challengeId: string; nonce: string; purpose: string; origin: string }, { cert: opts.cert });
  return client.post(`${ADMIN_API}/login/certificate`, signed);
}

/** F-ADM-LOGIN end to end (certificate → PIN → card). Returns the final answer. */
export async function loginAdmin(client: PortalClient, pc: Pc, c: { pin: string; grid: CardGrid; cert?: InstalledCertificate }): Promise<HttpAnswer> {
  expectOk("login/certificate", await adminCertificateStep(client, pc, { cert: c.cert }));
  const pin = expectOk("login/pin", await client.post<{ card: { positions: string[] } }>(`${ADMIN_API}/login/pin`, { pin: c.pin })) as HttpAnswer<{ card: { positions: string[] } }>;
  return expectOk("login/card", await client.post(`${ADMIN_API}/login/card`, { answer: cardAnswer(c.grid, pin.body.card.positions) }));
}

/** Back-office login. */
export async function loginBank(client: PortalClient, c: { institutionCode: string; username: string; password: string }): Promise<HttpAnswer> {
  return expectOk("bank login", await client.post(`${BANK_API}/login`, c));
}
