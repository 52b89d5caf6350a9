/**
 * Entry of web/keystore-test.html, built only in "test" mode (see web/vite.config.ts): exposes
 * the keystore on window.inkanKeystore for the Playwright tests. Values cross the page boundary
 * as JSON, so bytes travel as {$bytes: base64} and dates as {$date: iso}; errors come back as
 * {ok: false, code, params}. rawEntry/tryExportStoredKey read IndexedDB directly, bypassing the
 * keystore API, to check what is really stored.
 */
import * as api from "./index.js";
import { fromBase64, toBase64 } from "./der.js";

export type Wire = null | boolean | number | string | Wire[] | { [k: string]: Wire };
export type CallResult = { ok: true; value: Wire } | { ok: false; code: string; params: Record<string, string | number>; fields: string[]; message: string };

export interface RawEntrySummary {
  kind: string;
  hasPrivateKey: boolean;
  privateKeyExtractable: boolean | null;
  wrappedKey: { iterations: number; saltBytes: number; ivBytes: number; ciphertextBytes: number } | null;
  pinFailures: number | null;
  installed: boolean;
}

export interface KeystoreTestApi {
  call(method: string, args: Wire[]): Promise<CallResult>;
  rawEntry(id: string): Promise<RawEntrySummary | null>;
  /** subtle.exportKey on the stored private key: "exported" or the DOMException name. */
  tryExportStoredKey(id: string): Promise<string>;
}

declare global {
  interface Window {
    inkanKeystore: KeystoreTestApi;
  }
}

function encode(v: unknown): Wire {
  if (v === undefined || v === null) return null;
  if (v instanceof Uint8Array) return { $bytes: toBase64(v) };
  if (v instanceof ArrayBuffer) return { $bytes: toBase64(new Uint8Array(v)) };
  if (v instanceof Date) return { $date: v.toISOString() };
  if (typeof CryptoKey !== "undefined" && v instanceof CryptoKey) return { $cryptoKey: { type: v.type, extractable: v.extractable, algorithm: v.algorithm.name } };
  if (Array.isArray(v)) return v.map(encode);
  if (typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
  if (typeof v === "boolean" || typeof v === "number" || typeof v === "string") return v;
  return String(v);
}

function decode(v: Wire): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (v !== null && typeof v === "object") {
    if (typeof v.$bytes === "string") return fromBase64(v.$bytes);
    if (typeof v.$date === "string") return new Date(v.$date);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  }
  return v;
}

function rawGet(id: string): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(api.KEYSTORE_DB_NAME);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const req = db.transaction("entries", "readonly").objectStore("entries").get(id);
      req.onsuccess = () => {
        db.close();
        resolve(req.result as Record<string, unknown> | undefined);
      };
      req.onerror = () => reject(req.error);
    };
  });
}

const keystore = await api.openKeystore();
type Callable = (...args: unknown[]) => Promise<unknown> | unknown;

window.inkanKeystore = {
  async call(method: string, args: Wire[]): Promise<CallResult> {
    const target = (keystore as unknown as Record<string, unknown>)[method];
    const fn = typeof target === "function" ? (target as Callable).bind(keystore) : (api as unknown as Record<string, unknown>)[method];
    if (typeof fn !== "function") return { ok: false, code: "NO_SUCH_METHOD", params: { method }, fields: [], message: method };
    try {
      return { ok: true, value: encode(await (fn as Callable)(...args.map(decode))) };
    } catch (e) {
      if (api.isKeystoreError(e)) return { ok: false, code: e.code, params: { ...e.params }, fields: [...e.fields], message: api.keystoreMessage(e, "en") };
      return { ok: false, code: "UNEXPECTED", params: {}, fields: [], message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
    }
  },
  async rawEntry(id) {
    const e = await rawGet(id);
    if (!e) return null;
    const pk = e.privateKey as CryptoKey | undefined;
    const w = e.wrappedKey as { iterations: number; salt: Uint8Array; iv: Uint8Array; ciphertext: Uint8Array } | undefined;
    return {
      kind: String(e.kind),
      hasPrivateKey: pk !== undefined,
      privateKeyExtractable: pk ? pk.extractable : null,
      wrappedKey: w ? { iterations: w.iterations, saltBytes: w.salt.length, ivBytes: w.iv.length, ciphertextBytes: w.ciphertext.length } : null,
      pinFailures: typeof e.pinFailures === "number" ? e.pinFailures : null,
      installed: e.certificate !== undefined,
    };
  },
  async tryExportStoredKey(id) {
    const e = await rawGet(id);
    const pk = e?.privateKey as CryptoKey | undefined;
    if (!pk) return "no private key";
    try {
      await crypto.subtle.exportKey("pkcs8", pk);
      return "exported";
    } catch (err) {
      return err instanceof DOMException ? err.name : String(err);
    }
  },
};
document.getElementById("state")!.textContent = "ready";
