/**
 * The browser keystore (DESIGN §3): key pairs made with WebCrypto, kept in IndexedDB with their
 * certificates, used to sign login challenges and transactions.
 *
 * - device entries (Shinkin: "works only on this PC"): the private key is generated
 *   non-extractable and stored as a CryptoKey; it can sign, never leave.
 * - carrier entries (TW 憑證載具, securities software certificates): only the PIN-wrapped PKCS#8
 *   is stored; unlockCarrier(pin) gives a non-extractable CryptoKey held in this page's memory
 *   for the session; CARRIER_MAX_ATTEMPTS consecutive wrong PINs lock the entry for good
 *   (remove it and import the backup, or apply again). Exportable to .pfx with the PIN.
 *
 * Every PIN attempt is counted in IndexedDB *before* the PIN is tried and the counter reset
 * after a success, so closing the tab mid-attempt or trying PINs in several tabs at once
 * cannot get around the limit.
 */
import type { Clock } from "../../../src/domain/clock.js";
import { LOGIN_SIGNING_VERSION, loginChallengeMessage, toBase64Url, type ChallengePurpose } from "../../../src/domain/signing.js";
import { challengeSignParams, generateParams, keyParams, KEY_ALGORITHMS, type KeyAlgorithm } from "./algorithms.js";
import { CARRIER_MAX_ATTEMPTS, unwrapPkcs8, validateCarrierPin, wrapPkcs8 } from "./carrier.js";
import { parseCertificate, toCertificateDer, type DnAttr } from "./cert.js";
import { buildCsr } from "./csr.js";
import { bytesEqual, fromPem, toPem, type Bytes } from "./der.js";
import { KeystoreError } from "./errors.js";
import { certificateInfo, pickerOrder, type CertificateInfo, type PendingInfo, type StatusOptions } from "./info.js";
import { checkPfxPassword, readPfx, writePfx } from "./pfx.js";
import { EntryStore, KEYSTORE_DB_NAME, type EntryKind, type StoredEntry } from "./store.js";

export interface KeystoreOptions {
  /** IndexedDB database name (default "inkan-keystore"). */
  dbName?: string;
  clock?: Clock;
  /** The origin login challenges must name (default: this page's origin). */
  origin?: string;
  /** PBKDF2 iterations for newly wrapped carrier keys (at least 310,000). */
  carrierIterations?: number;
}

export interface GenerateKeyRequest {
  kind: EntryKind;
  /** The bank the certificate is for (Shinkin CN suffix "1286", TW bank code "006", …). */
  institutionCode: string;
  /** The CN the CSR asks for; informational, the CA's profile decides the real subject. */
  cn: string;
  /** Full CSR subject; default CN=<cn>. */
  subject?: DnAttr[];
  /** From the certificate profile; default ECDSA-P256. */
  keyAlgorithm?: KeyAlgorithm;
  /** Carrier entries: the carrier PIN that will protect the key. */
  pin?: string;
  /** Carrier entries: consecutive wrong PINs before the lock (default 5, 1–20). */
  maxPinAttempts?: number;
}

export interface PendingKey {
  entryId: string;
  kind: EntryKind;
  keyAlgorithm: KeyAlgorithm;
  /** PKCS#10 to send to the server. */
  csrDer: Bytes;
  csrPem: string;
}

export interface LoginChallenge {
  origin: string;
  purpose: ChallengePurpose;
  nonce: string;
}

export interface CertificateDetail extends CertificateInfo {
  certDer: Bytes;
  certPem: string;
  /** Issuing CA certificates as given at install/import, nearest first. */
  chainDer: Bytes[];
}

export interface ImportPfxOptions {
  institutionCode: string;
  /** The carrier PIN to wrap the imported key under; default: the .pfx password itself. */
  pin?: string;
  maxPinAttempts?: number;
}

const PURPOSES: readonly ChallengePurpose[] = ["admin-login", "user-login", "renewal", "staff-login", "tw-suspend"];
const LOGIN_PREFIX = new TextEncoder().encode(`${LOGIN_SIGNING_VERSION}\n`);

const invalid = (field: string): KeystoreError => new KeystoreError("KEYSTORE_INPUT_INVALID", { params: { field }, fields: [field] });
const notFound = (id: string): KeystoreError => new KeystoreError("ENTRY_NOT_FOUND", { params: { id } });

function newEntryId(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}

function checkMaxAttempts(n: number | undefined): number {
  const v = n ?? CARRIER_MAX_ATTEMPTS;
  if (!Number.isInteger(v) || v < 1 || v > 20) throw invalid("maxPinAttempts");
  return v;
}

function toChain(chain: Uint8Array | string | readonly (Uint8Array | string)[] | undefined): Bytes[] {
  if (chain === undefined) return [];
  const list = typeof chain === "string" ? fromPem(chain, "CERTIFICATE") : chain instanceof Uint8Array ? [chain] : chain;
  // Parsed only to refuse garbage early; stored as given.
  return list.map((c) => parseCertificate(toCertificateDer(c)).der);
}

export class Keystore {
  /** Unlocked carrier keys of this page (non-extractable), by entry id. */
  readonly #session = new Map<string, CryptoKey>();

  private constructor(
    private readonly store: EntryStore,
    private readonly clock: Clock,
    private readonly origin: string | undefined,
    private readonly carrierIterations: number | undefined,
  ) {}

  static async open(opts: KeystoreOptions = {}): Promise<Keystore> {
    if (!globalThis.isSecureContext || typeof globalThis.crypto?.subtle?.generateKey !== "function") {
      throw new KeystoreError("WEBCRYPTO_UNAVAILABLE", { detail: "WebCrypto needs a secure context (https or localhost)" });
    }
    const store = await EntryStore.open(opts.dbName ?? KEYSTORE_DB_NAME);
    const origin = opts.origin ?? globalThis.location?.origin;
    return new Keystore(store, opts.clock ?? { now: () => new Date() }, origin, opts.carrierIterations);
  }

  close(): void {
    this.#session.clear();
    this.store.close();
  }

  // ------------------------------------------------------------------ enrolment

  /** A new key pair and its CSR. The entry is pending until install(); abandon() it if issuance fails. */
  async generateKey(req: GenerateKeyRequest): Promise<PendingKey> {
    if (req?.kind !== "device" && req?.kind !== "carrier") throw invalid("kind");
    if (typeof req.institutionCode !== "string" || !/^[0-9A-Za-z-]{1,16}$/.test(req.institutionCode)) throw invalid("institutionCode");
    if (typeof req.cn !== "string" || req.cn === "" || [...req.cn].length > 64) throw invalid("cn");
    const keyAlgorithm = req.keyAlgorithm ?? "ECDSA-P256";
    if (!KEY_ALGORITHMS.includes(keyAlgorithm)) throw new KeystoreError("KEY_ALGORITHM_UNSUPPORTED", { params: { algorithm: String(keyAlgorithm) }, fields: ["keyAlgorithm"] });
    const carrier = req.kind === "carrier";
    if (carrier) validateCarrierPin(req.pin);
    const maxAttempts = carrier ? checkMaxAttempts(req.maxPinAttempts) : undefined;

    const id = newEntryId();
    const pair = (await crypto.subtle.generateKey(generateParams(keyAlgorithm), carrier, ["sign", "verify"])) as CryptoKeyPair;
    const spkiDer = new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey));
    const csr = await buildCsr({ privateKey: pair.privateKey, spkiDer, keyAlgorithm, subject: req.subject ?? [{ type: "CN", value: req.cn }] });
    const entry: StoredEntry = {
      id,
      kind: req.kind,
      institutionCode: req.institutionCode,
      keyAlgorithm,
      spkiDer,
      publicKey: pair.publicKey,
      origin: "generated",
      requestedCn: req.cn,
      createdAt: this.clock.now(),
    };
    let sessionKey: CryptoKey | undefined;
    if (carrier) {
      const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
      try {
        entry.wrappedKey = await wrapPkcs8(pkcs8, req.pin!, id, this.carrierIterations);
        sessionKey = await crypto.subtle.importKey("pkcs8", pkcs8, keyParams(keyAlgorithm), false, ["sign"]);
      } finally {
        pkcs8.fill(0);
      }
      entry.pinFailures = 0;
      entry.pinMaxAttempts = maxAttempts;
    } else {
      entry.privateKey = pair.privateKey;
    }
    await this.store.add(entry);
    if (sessionKey) this.#session.set(id, sessionKey);
    return { entryId: id, kind: req.kind, keyAlgorithm, csrDer: csr.der, csrPem: csr.pem };
  }

  /**
   * Stores the issued certificate beside its key. Refused (CERT_KEY_MISMATCH) unless the
   * certificate certifies exactly this entry's public key. Installing the same certificate
   * again is a no-op; a different one on an installed entry is CERT_ALREADY_INSTALLED.
   */
  async install(entryId: string, certificate: Uint8Array | string, chain?: Uint8Array | string | readonly (Uint8Array | string)[]): Promise<CertificateInfo> {
    const cert = parseCertificate(certificate);
    const chainDer = toChain(chain);
    const entry = await this.#entry(entryId);
    if (entry.certificate && !bytesEqual(entry.certificate.der, cert.der)) throw new KeystoreError("CERT_ALREADY_INSTALLED", { params: { id: entryId } });
    if (!(await this.#sameKey(entry, cert.spkiDer))) throw new KeystoreError("CERT_KEY_MISMATCH", { fields: ["certificate"] });
    const installedAt = this.clock.now();
    const updated = await this.store.update(entryId, (cur) => {
      if (cur.certificate) {
        if (bytesEqual(cur.certificate.der, cert.der)) return cur;
        throw new KeystoreError("CERT_ALREADY_INSTALLED", { params: { id: entryId } });
      }
      const { der, subject, cn, issuer, serialHex, notBefore, notAfter } = cert;
      return { ...cur, certificate: { der, chain: chainDer, subject, cn, issuer, serialHex, notBefore, notAfter, installedAt } };
    });
    return certificateInfo(updated, this.clock.now())!;
  }

  async #sameKey(entry: StoredEntry, certSpki: Bytes): Promise<boolean> {
    if (bytesEqual(entry.spkiDer, certSpki)) return true;
    // The CA may re-encode the key (e.g. a compressed EC point): compare WebCrypto's canonical form.
    try {
      const k = await crypto.subtle.importKey("spki", certSpki, keyParams(entry.keyAlgorithm), true, ["verify"]);
      return bytesEqual(entry.spkiDer, new Uint8Array(await crypto.subtle.exportKey("spki", k)));
    } catch {
      return false;
    }
  }

  /** Deletes a pending entry (issuance failed or was cancelled). False if it is already gone. */
  async abandon(entryId: string): Promise<boolean> {
    this.#session.delete(entryId);
    return this.store.delete(entryId, (e) => {
      if (e.certificate) throw new KeystoreError("ENTRY_NOT_PENDING", { params: { id: entryId } });
    });
  }

  /** Deletes pending entries created before `olderThan` (a closed tab mid-issuance); returns how many. */
  async cleanupPending(olderThan: Date): Promise<number> {
    let n = 0;
    for (const e of await this.store.all()) {
      if (!e.certificate && e.createdAt.getTime() < olderThan.getTime()) {
        try {
          if (await this.abandon(e.id)) n++;
        } catch (err) {
          // Installed meanwhile by another tab: keep it.
          if (!(err instanceof KeystoreError && err.code === "ENTRY_NOT_PENDING")) throw err;
        }
      }
    }
    return n;
  }

  // ------------------------------------------------------------------ picker

  /** Installed certificates of this browser, usable ones first (optionally of one institution). */
  async listCertificates(opts: StatusOptions & { institutionCode?: string } = {}): Promise<CertificateInfo[]> {
    const now = opts.now ?? this.clock.now();
    return (await this.store.all())
      .filter((e) => opts.institutionCode === undefined || e.institutionCode === opts.institutionCode)
      .map((e) => certificateInfo(e, now, opts))
      .filter((i): i is CertificateInfo => i !== undefined)
      .sort(pickerOrder);
  }

  async listPending(): Promise<PendingInfo[]> {
    return (await this.store.all())
      .filter((e) => !e.certificate)
      .map((e) => ({ id: e.id, kind: e.kind, institutionCode: e.institutionCode, requestedCn: e.requestedCn, keyAlgorithm: e.keyAlgorithm, createdAt: e.createdAt }))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  /** One installed certificate with its DER/PEM (e.g. to send with a login). */
  async getCertificate(entryId: string, opts: StatusOptions = {}): Promise<CertificateDetail> {
    const e = await this.#installed(entryId);
    const info = certificateInfo(e, opts.now ?? this.clock.now(), opts)!;
    return { ...info, certDer: e.certificate!.der, certPem: toPem("CERTIFICATE", e.certificate!.der), chainDer: e.certificate!.chain };
  }

  /** 刪除瀏覽器憑證: the key and certificate are gone from this browser (MSG-S07 is the screen's confirmation). */
  async remove(entryId: string): Promise<void> {
    this.#session.delete(entryId);
    if (!(await this.store.delete(entryId))) throw notFound(entryId);
  }

  // ------------------------------------------------------------------ carrier

  /** The carrier's key for this session (non-extractable), after checking the PIN. */
  async unlockCarrier(entryId: string, pin: string): Promise<CryptoKey> {
    const { entry, pkcs8 } = await this.#openCarrier(entryId, pin);
    try {
      const key = await crypto.subtle.importKey("pkcs8", pkcs8, keyParams(entry.keyAlgorithm), false, ["sign"]);
      this.#session.set(entryId, key);
      return key;
    } finally {
      pkcs8.fill(0);
    }
  }

  /** Forgets unlocked carrier keys (one, or all): the PIN is needed again. */
  lockCarrier(entryId?: string): void {
    if (entryId === undefined) this.#session.clear();
    else this.#session.delete(entryId);
  }

  isUnlocked(entryId: string): boolean {
    return this.#session.has(entryId);
  }

  /** 憑證載具密碼變更. A wrong old PIN counts towards the lock like any other attempt. */
  async changeCarrierPin(entryId: string, oldPin: string, newPin: string): Promise<void> {
    validateCarrierPin(newPin, "newPin");
    const { pkcs8 } = await this.#openCarrier(entryId, oldPin, "oldPin");
    try {
      const wrappedKey = await wrapPkcs8(pkcs8, newPin, entryId, this.carrierIterations);
      await this.store.update(entryId, (cur) => ({ ...cur, wrappedKey, pinFailures: 0 }));
    } finally {
      pkcs8.fill(0);
    }
  }

  /** Counts the attempt, tries the PIN, resets the counter on success. The caller must wipe pkcs8. */
  async #openCarrier(entryId: string, pin: string, field = "pin"): Promise<{ entry: StoredEntry; pkcs8: Bytes }> {
    validateCarrierPin(pin, field);
    const counted = await this.store.update(entryId, (cur) => {
      if (cur.kind !== "carrier" || !cur.wrappedKey) throw new KeystoreError("ENTRY_NOT_CARRIER", { params: { id: entryId } });
      const max = cur.pinMaxAttempts ?? CARRIER_MAX_ATTEMPTS;
      if ((cur.pinFailures ?? 0) >= max) throw new KeystoreError("CARRIER_LOCKED", { params: { id: entryId } });
      return { ...cur, pinFailures: (cur.pinFailures ?? 0) + 1 };
    });
    const pkcs8 = await unwrapPkcs8(counted.wrappedKey!, pin, entryId);
    if (!pkcs8) {
      const remaining = (counted.pinMaxAttempts ?? CARRIER_MAX_ATTEMPTS) - (counted.pinFailures ?? 0);
      if (remaining <= 0) {
        this.#session.delete(entryId);
        throw new KeystoreError("CARRIER_LOCKED", { params: { id: entryId }, fields: [field] });
      }
      throw new KeystoreError("CARRIER_PIN_WRONG", { params: { remaining }, fields: [field] });
    }
    const entry = await this.store.update(entryId, (cur) => ({ ...cur, pinFailures: 0 }));
    return { entry, pkcs8 };
  }

  // ------------------------------------------------------------------ signing

  /**
   * Signs loginChallengeMessage(origin, purpose, nonce) (src/domain/signing.ts) and returns the
   * signature base64url (ECDSA: P1363 r‖s). Carrier entries need unlockCarrier first, or `pin`.
   */
  async signChallenge(entryId: string, challenge: LoginChallenge, opts: { pin?: string } = {}): Promise<string> {
    const { origin, purpose, nonce } = challenge ?? {};
    if (typeof origin !== "string" || !/^https?:\/\/[^\s/]+$/.test(origin)) throw new KeystoreError("CHALLENGE_INVALID", { fields: ["origin"] });
    if (this.origin !== undefined && origin !== this.origin) throw new KeystoreError("CHALLENGE_ORIGIN_MISMATCH", { params: { origin } });
    if (!PURPOSES.includes(purpose)) throw new KeystoreError("CHALLENGE_INVALID", { fields: ["purpose"] });
    if (typeof nonce !== "string" || !/^[A-Za-z0-9_-]{16,256}$/.test(nonce)) throw new KeystoreError("CHALLENGE_INVALID", { fields: ["nonce"] });
    return this.#sign(entryId, loginChallengeMessage(origin, purpose, nonce), opts.pin);
  }

  /**
   * Signs arbitrary bytes, e.g. transferSigningPayload(t) (src/domain/corporate/limits.ts) for
   * a fund-transfer confirmation. Bytes shaped like a login challenge are refused, so this
   * call can never produce a login signature.
   */
  async signBytes(entryId: string, bytes: Uint8Array, opts: { pin?: string } = {}): Promise<string> {
    if (!(bytes instanceof Uint8Array) || bytes.length === 0 || bytes.length > 64 * 1024) throw new KeystoreError("SIGN_PAYLOAD_INVALID", { fields: ["bytes"] });
    if (bytes.length >= LOGIN_PREFIX.length && bytesEqual(bytes.subarray(0, LOGIN_PREFIX.length), LOGIN_PREFIX)) {
      throw new KeystoreError("SIGN_PAYLOAD_INVALID", { fields: ["bytes"], detail: "login challenge bytes" });
    }
    return this.#sign(entryId, bytes, opts.pin);
  }

  async #sign(entryId: string, message: Uint8Array, pin: string | undefined): Promise<string> {
    const e = await this.#installed(entryId);
    let key: CryptoKey | undefined;
    if (e.kind === "device") key = e.privateKey;
    else {
      if ((e.pinFailures ?? 0) >= (e.pinMaxAttempts ?? CARRIER_MAX_ATTEMPTS)) {
        this.#session.delete(entryId);
        throw new KeystoreError("CARRIER_LOCKED", { params: { id: entryId } });
      }
      key = pin !== undefined ? await this.unlockCarrier(entryId, pin) : this.#session.get(entryId);
      if (!key) throw new KeystoreError("CARRIER_NOT_UNLOCKED", { params: { id: entryId }, fields: ["pin"] });
    }
    if (!key) throw notFound(entryId);
    const sig = await crypto.subtle.sign(challengeSignParams(e.keyAlgorithm), key, new Uint8Array(message));
    return toBase64Url(new Uint8Array(sig));
  }

  // ------------------------------------------------------------------ PKCS#12

  /**
   * The carrier certificate and key as a .pfx (F-SEC-EXPORT): password 4–10 characters,
   * key and certificates under PBES2/AES-256, MAC HMAC-SHA256. Device-bound keys never leave
   * the browser: KEY_NOT_EXPORTABLE. Name the download with pfxFileName(). `mode: "legacy"`
   * writes 3DES/SHA-1 instead, for systems that cannot read AES-256.
   */
  async exportPfx(entryId: string, opts: { pin: string; password: string; mode?: "aes" | "legacy" }): Promise<Bytes> {
    const e = await this.#entry(entryId);
    if (e.kind !== "carrier") throw new KeystoreError("KEY_NOT_EXPORTABLE", { params: { id: entryId } });
    if (!e.certificate) throw new KeystoreError("ENTRY_NOT_INSTALLED", { params: { id: entryId } });
    await checkPfxPassword(opts?.password);
    const { pkcs8 } = await this.#openCarrier(entryId, opts.pin);
    try {
      return await writePfx({ pkcs8, certificates: [e.certificate.der, ...e.certificate.chain], password: opts.password, friendlyName: e.certificate.cn, mode: opts.mode });
    } finally {
      pkcs8.fill(0);
    }
  }

  /**
   * F-SEC-IMPORT: a .pfx becomes a carrier entry, its key wrapped under `pin` (by default the
   * .pfx password, so the customer has one secret as in the seeds' tool). Wrong password:
   * PFX_BAD_PASSWORD (MSG-S08). The same certificate twice: CERT_ALREADY_PRESENT.
   */
  async importPfx(bytes: Uint8Array, password: string, opts: ImportPfxOptions): Promise<CertificateInfo> {
    if (typeof opts?.institutionCode !== "string" || !/^[0-9A-Za-z-]{1,16}$/.test(opts.institutionCode)) throw invalid("institutionCode");
    const pin = opts.pin ?? password;
    validateCarrierPin(pin);
    const maxAttempts = checkMaxAttempts(opts.maxPinAttempts);
    const read = await readPfx(bytes, password);
    try {
      const existing = await this.store.all();
      if (existing.some((x) => x.certificate && bytesEqual(x.certificate.der, read.cert.der))) {
        throw new KeystoreError("CERT_ALREADY_PRESENT", { params: { serial: read.cert.serialHex } });
      }
      const id = newEntryId();
      const now = this.clock.now();
      const { der, subject, cn, issuer, serialHex, notBefore, notAfter } = read.cert;
      const entry: StoredEntry = {
        id,
        kind: "carrier",
        institutionCode: opts.institutionCode,
        keyAlgorithm: read.keyAlgorithm,
        spkiDer: read.spkiDer,
        publicKey: read.publicKey,
        wrappedKey: await wrapPkcs8(read.pkcs8, pin, id, this.carrierIterations),
        pinFailures: 0,
        pinMaxAttempts: maxAttempts,
        origin: "imported",
        requestedCn: cn,
        createdAt: now,
        certificate: { der, chain: read.chain, subject, cn, issuer, serialHex, notBefore, notAfter, installedAt: now },
      };
      await this.store.add(entry);
      this.#session.set(id, read.privateKey);
      return certificateInfo(entry, now)!;
    } finally {
      read.pkcs8.fill(0);
    }
  }

  // ------------------------------------------------------------------ helpers

  async #entry(entryId: string): Promise<StoredEntry> {
    if (typeof entryId !== "string" || entryId === "") throw notFound(String(entryId));
    const e = await this.store.get(entryId);
    if (!e) throw notFound(entryId);
    return e;
  }

  async #installed(entryId: string): Promise<StoredEntry> {
    const e = await this.#entry(entryId);
    if (!e.certificate) throw new KeystoreError("ENTRY_NOT_INSTALLED", { params: { id: entryId } });
    return e;
  }
}

/** Opens the keystore of this browser profile (one IndexedDB database per origin). */
export const openKeystore = (opts?: KeystoreOptions): Promise<Keystore> => Keystore.open(opts);
