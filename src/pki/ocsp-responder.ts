/**
 * The OCSP responder's cache of signed answers (DESIGN §4: "responses signed ahead and refreshed
 * on every status change"). Serving a cached answer is a parse and two map lookups; signing only
 * happens when a status changes, when an answer nears its nextUpdate, for requests carrying a
 * nonce (the nonce is inside the signed data) and for several CertIDs at once.
 *
 * The cache is derived state: the store feeds it through setStatus() (at start-up and on every
 * change), so each server process can hold its own copy.
 */
import { InkanError } from "../domain/errors.js";
import type { Issuer } from "./keys.js";
import {
  buildOcspResponse,
  encodeCertId,
  issuerHashes,
  decodeOcspGetPath,
  ocspErrorResponse,
  parseOcspRequest,
  type IssuerHashes,
  type OcspCertId,
  type OcspCertStatus,
  type OcspHash,
  type OcspSingleResponse,
} from "./ocsp.js";

export interface OcspIssuerConfig {
  /** The issuing CA's identifier in the store. */
  id: string;
  /** The issuing CA whose certificates are answered for. */
  ca: Pick<Issuer, "subjectNameDer" | "spkiDer">;
  /** Its delegated responder (EKU OCSPSigning), whose key signs and whose certificate is sent. */
  responder: Issuer;
}

export interface OcspResponderOptions {
  issuers: OcspIssuerConfig[];
  /** nextUpdate − thisUpdate of every answer. Default 4 hours. */
  validityMs?: number;
  /** refreshExpiring() re-signs answers with less than this left. Default half the validity. */
  refreshBeforeMs?: number;
  /** Bound on cached "unknown" answers (they name a CertID, so each is signed on demand). Default 10,000. */
  unknownCacheSize?: number;
}

interface Signed {
  der: Buffer;
  thisUpdate: number;
  nextUpdate: number;
}

/** An answer and, when it is the same for every client (no nonce), its validity for HTTP caching. */
export interface OcspAnswer {
  /** DER OCSPResponse; shared with the cache, so treat it as read-only. */
  body: Buffer;
  /** RFC 5019 §6: lets the HTTP layer set Last-Modified, Expires and Cache-Control max-age. */
  cache?: { thisUpdate: Date; nextUpdate: Date };
}

interface Entry {
  status: OcspCertStatus;
  signed: Partial<Record<OcspHash, Signed>>;
}

interface IssuerState {
  config: OcspIssuerConfig;
  hashes: IssuerHashes;
  entries: Map<string, Entry>;
}

const HOUR = 3_600_000;
const UNKNOWN: OcspCertStatus = { kind: "unknown" };

function serialKey(serial: Uint8Array): string {
  let i = 0;
  while (i < serial.length - 1 && serial[i] === 0) i++;
  return Buffer.from(serial.buffer, serial.byteOffset + i, serial.length - i).toString("hex");
}

export class OcspResponder {
  readonly #validityMs: number;
  readonly #refreshBeforeMs: number;
  readonly #unknownCacheSize: number;
  readonly #issuers = new Map<string, IssuerState>();
  /** `${hash}:${nameHash}${keyHash}` in hex → issuer. */
  readonly #byCertIdHashes = new Map<string, IssuerState>();
  /** `${issuerId}/${serial}` → answers for serials the store never told us about; oldest first. */
  readonly #unknown = new Map<string, Entry>();

  constructor(opts: OcspResponderOptions) {
    this.#validityMs = opts.validityMs ?? 4 * HOUR;
    this.#refreshBeforeMs = opts.refreshBeforeMs ?? this.#validityMs / 2;
    this.#unknownCacheSize = opts.unknownCacheSize ?? 10_000;
    for (const config of opts.issuers) {
      const state: IssuerState = { config, hashes: issuerHashes(config.ca), entries: new Map() };
      this.#issuers.set(config.id, state);
      for (const hash of ["sha1", "sha256"] as const) {
        const h = state.hashes[hash];
        this.#byCertIdHashes.set(`${hash}:${h.name.toString("hex")}${h.key.toString("hex")}`, state);
      }
    }
  }

  /** Number of serials with a known status (all issuers). */
  get size(): number {
    let n = 0;
    for (const s of this.#issuers.values()) n += s.entries.size;
    return n;
  }

  /**
   * Records a certificate's status and re-signs its answers at once (SHA-1 CertID always, the
   * SHA-256 one if it was asked for before). `presign: false` defers signing to the first request,
   * for bulk loading at start-up.
   */
  setStatus(issuerId: string, serial: Uint8Array, status: OcspCertStatus, now: Date, opts: { presign?: boolean } = {}): void {
    const state = this.#issuer(issuerId);
    const key = serialKey(serial);
    this.#unknown.delete(`${issuerId}/${key}`);
    const previous = state.entries.get(key);
    const entry: Entry = { status, signed: {} };
    state.entries.set(key, entry);
    if (opts.presign === false) return;
    this.#sign(state, key, entry, "sha1", now);
    if (previous?.signed.sha256) this.#sign(state, key, entry, "sha256", now);
  }

  /** Stops answering for a serial (e.g. long-expired certificates); it becomes "unknown". */
  forget(issuerId: string, serial: Uint8Array): void {
    this.#issuer(issuerId).entries.delete(serialKey(serial));
  }

  statusOf(issuerId: string, serial: Uint8Array): OcspCertStatus {
    return this.#issuer(issuerId).entries.get(serialKey(serial))?.status ?? UNKNOWN;
  }

  /** Answers a DER OCSPRequest (POST body). Never throws: failures become OCSP error responses. */
  respond(requestDer: Uint8Array, now: Date): Buffer {
    return this.answer(requestDer, now).body;
  }

  /** Answers an RFC 5019 GET; `pathComponent` is what follows the OCSP route prefix. */
  respondGet(pathComponent: string, now: Date): Buffer {
    return this.answerGet(pathComponent, now).body;
  }

  /** respond() with the caching window of cacheable answers. */
  answer(requestDer: Uint8Array, now: Date): OcspAnswer {
    let request;
    try {
      request = parseOcspRequest(requestDer);
    } catch {
      return { body: ocspErrorResponse("malformedRequest") };
    }
    try {
      const { certIds, nonce } = request;
      if (certIds.length === 1 && nonce === undefined) {
        const signed = this.#cached(certIds[0]!, now);
        if (Buffer.isBuffer(signed)) return { body: signed };
        return { body: signed.der, cache: { thisUpdate: new Date(signed.thisUpdate), nextUpdate: new Date(signed.nextUpdate) } };
      }
      return { body: this.#fresh(certIds, nonce, now) };
    } catch {
      return { body: ocspErrorResponse("internalError") };
    }
  }

  answerGet(pathComponent: string, now: Date): OcspAnswer {
    let der: Buffer;
    try {
      der = decodeOcspGetPath(pathComponent);
    } catch {
      return { body: ocspErrorResponse("malformedRequest") };
    }
    return this.answer(der, now);
  }

  /** Re-signs every cached answer whose nextUpdate is less than refreshBeforeMs away; returns how many. */
  refreshExpiring(now: Date): number {
    const limit = now.getTime() + this.#refreshBeforeMs;
    let count = 0;
    for (const state of this.#issuers.values()) {
      for (const [key, entry] of state.entries) {
        for (const hash of ["sha1", "sha256"] as const) {
          const s = entry.signed[hash];
          if (s !== undefined && s.nextUpdate <= limit) {
            this.#sign(state, key, entry, hash, now);
            count++;
          }
        }
      }
    }
    // Unknown answers are cheap to recreate on demand: drop the ones going stale.
    for (const [k, entry] of this.#unknown) {
      if (Object.values(entry.signed).some((s) => s.nextUpdate <= limit)) this.#unknown.delete(k);
    }
    return count;
  }

  #issuer(issuerId: string): IssuerState {
    const state = this.#issuers.get(issuerId);
    if (!state) throw new InkanError("OCSP_UNKNOWN_ISSUER", "not_found", { params: { issuer: issuerId } });
    return state;
  }

  #issuerFor(id: OcspCertId): IssuerState | undefined {
    if (id.hash === undefined) return undefined;
    return this.#byCertIdHashes.get(`${id.hash}:${id.issuerNameHash.toString("hex")}${id.issuerKeyHash.toString("hex")}`);
  }

  /** The cached (or freshly cached) signed answer, or an error response. */
  #cached(id: OcspCertId, now: Date): Signed | Buffer {
    const state = this.#issuerFor(id);
    if (!state || id.hash === undefined) return ocspErrorResponse("unauthorized");
    const key = id.serial.toString("hex");
    let entry = state.entries.get(key);
    if (entry === undefined) {
      const unknownKey = `${state.config.id}/${key}`;
      entry = this.#unknown.get(unknownKey);
      if (entry === undefined) {
        entry = { status: UNKNOWN, signed: {} };
        this.#unknown.set(unknownKey, entry);
        if (this.#unknown.size > this.#unknownCacheSize) {
          const oldest = this.#unknown.keys().next();
          if (!oldest.done) this.#unknown.delete(oldest.value);
        }
      }
    }
    const signed = entry.signed[id.hash];
    if (signed !== undefined && signed.nextUpdate > now.getTime()) return signed;
    return this.#sign(state, key, entry, id.hash, now);
  }

  #sign(state: IssuerState, key: string, entry: Entry, hash: OcspHash, now: Date): Signed {
    const nextUpdate = now.getTime() + this.#validityMs;
    const der = buildOcspResponse({
      responder: state.config.responder,
      producedAt: now,
      responses: [
        {
          certIdDer: encodeCertId(hash, state.hashes, Buffer.from(key, "hex")),
          status: entry.status,
          thisUpdate: now,
          nextUpdate: new Date(nextUpdate),
        },
      ],
    });
    const signed = { der, thisUpdate: now.getTime(), nextUpdate };
    entry.signed[hash] = signed;
    return signed;
  }

  /** Signs one answer for all CertIDs (and the nonce); they must share a responder. */
  #fresh(certIds: OcspCertId[], nonce: Buffer | undefined, now: Date): Buffer {
    const nextUpdate = new Date(now.getTime() + this.#validityMs);
    let responder: Issuer | undefined;
    const responses: OcspSingleResponse[] = [];
    for (const id of certIds) {
      const state = this.#issuerFor(id);
      if (!state || id.hash === undefined) return ocspErrorResponse("unauthorized");
      if (responder !== undefined && !responder.keyId.equals(state.config.responder.keyId)) return ocspErrorResponse("unauthorized");
      responder = state.config.responder;
      const status = state.entries.get(id.serial.toString("hex"))?.status ?? UNKNOWN;
      responses.push({ certIdDer: encodeCertId(id.hash, state.hashes, id.serial), status, thisUpdate: now, nextUpdate });
    }
    if (responder === undefined) return ocspErrorResponse("malformedRequest");
    return buildOcspResponse({ responder, producedAt: now, responses, ...(nonce ? { nonce } : {}) });
  }
}
