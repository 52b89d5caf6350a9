/**
 * The keystore's IndexedDB: one database, one object store of entries keyed by id. CryptoKey
 * objects are stored by structured clone, so a non-extractable device key stays
 * non-extractable on disk and across browser restarts.
 *
 * IndexedDB transactions commit as soon as a task ends with no request pending, so every
 * WebCrypto step happens before or after a transaction, never inside one; read-modify-write of
 * one entry (the PIN failure counter) runs in a single readwrite transaction with a synchronous
 * update function.
 */
import type { KeyAlgorithm } from "./algorithms.js";
import type { Bytes } from "./der.js";
import { KeystoreError } from "./errors.js";

export const KEYSTORE_DB_NAME = "inkan-keystore";
const DB_VERSION = 1;
const ENTRIES = "entries";

export type EntryKind = "device" | "carrier";

/** A carrier key at rest: PKCS#8 under AES-256-GCM with a key from PBKDF2-SHA256(PIN). */
export interface WrappedKey {
  version: 1;
  salt: Bytes;
  iv: Bytes;
  iterations: number;
  ciphertext: Bytes;
}

export interface StoredEntry {
  id: string;
  kind: EntryKind;
  institutionCode: string;
  keyAlgorithm: KeyAlgorithm;
  /** DER SubjectPublicKeyInfo of the key pair, compared with a certificate's on install. */
  spkiDer: Bytes;
  publicKey: CryptoKey;
  /** Device entries: the non-extractable private key. */
  privateKey?: CryptoKey;
  /** Carrier entries: the wrapped PKCS#8 and the PIN failure counter. */
  wrappedKey?: WrappedKey;
  pinFailures?: number;
  pinMaxAttempts?: number;
  /** Where the key came from: generated here, or imported from a .pfx. */
  origin: "generated" | "imported";
  /** The CN the CSR asked for (the certificate's own CN once installed). */
  requestedCn: string;
  createdAt: Date;
  /** Present once the certificate is installed; absent = pending (CSR sent, no certificate yet). */
  certificate?: {
    der: Bytes;
    chain: Bytes[];
    subject: string;
    cn: string;
    issuer: string;
    serialHex: string;
    notBefore: Date;
    notAfter: Date;
    installedAt: Date;
  };
}

const request = <T>(r: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });

const done = (tx: IDBTransaction): Promise<void> =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new DOMException("transaction aborted", "AbortError"));
  });

const storageFailed = (e: unknown): unknown =>
  e instanceof KeystoreError ? e : new KeystoreError("STORAGE_FAILED", { cause: e, detail: e instanceof Error ? e.message : "IndexedDB write failed" });

export class EntryStore {
  private constructor(private readonly db: IDBDatabase) {}

  static async open(name = KEYSTORE_DB_NAME): Promise<EntryStore> {
    if (typeof indexedDB === "undefined") throw new KeystoreError("STORAGE_UNAVAILABLE", { detail: "no IndexedDB" });
    try {
      const req = indexedDB.open(name, DB_VERSION);
      req.onupgradeneeded = () => {
        if (!req.result.objectStoreNames.contains(ENTRIES)) req.result.createObjectStore(ENTRIES, { keyPath: "id" });
      };
      const db = await request(req);
      // Another tab upgrading the schema must not wait on us forever.
      db.onversionchange = () => db.close();
      return new EntryStore(db);
    } catch (e) {
      throw new KeystoreError("STORAGE_UNAVAILABLE", { cause: e, detail: e instanceof Error ? e.message : "IndexedDB open failed" });
    }
  }

  close(): void {
    this.db.close();
  }

  async get(id: string): Promise<StoredEntry | undefined> {
    const tx = this.db.transaction(ENTRIES, "readonly");
    return (await request(tx.objectStore(ENTRIES).get(id))) as StoredEntry | undefined;
  }

  async all(): Promise<StoredEntry[]> {
    const tx = this.db.transaction(ENTRIES, "readonly");
    return (await request(tx.objectStore(ENTRIES).getAll())) as StoredEntry[];
  }

  /** Adds a new entry; an existing id is an error (ids are random, so this never happens by chance). */
  async add(entry: StoredEntry): Promise<void> {
    try {
      const tx = this.db.transaction(ENTRIES, "readwrite");
      tx.objectStore(ENTRIES).add(entry);
      await done(tx);
    } catch (e) {
      throw storageFailed(e);
    }
  }

  /**
   * Reads, changes and writes one entry in one transaction. `change` runs synchronously and may
   * throw (the transaction is then aborted and nothing is written); it returns the new entry.
   */
  async update(id: string, change: (e: StoredEntry) => StoredEntry): Promise<StoredEntry> {
    const tx = this.db.transaction(ENTRIES, "readwrite");
    const store = tx.objectStore(ENTRIES);
    const finished = done(tx);
    let thrown: unknown;
    let result: StoredEntry | undefined;
    const req = store.get(id);
    req.onsuccess = () => {
      try {
        const current = req.result as StoredEntry | undefined;
        if (!current) throw new KeystoreError("ENTRY_NOT_FOUND", { params: { id } });
        result = change(current);
        store.put(result);
      } catch (e) {
        thrown = e;
        tx.abort();
      }
    };
    try {
      await finished;
    } catch (e) {
      throw thrown ?? storageFailed(e);
    }
    if (thrown !== undefined) throw thrown;
    return result!;
  }

  /** True if the entry existed. */
  async delete(id: string, onlyIf?: (e: StoredEntry) => void): Promise<boolean> {
    const tx = this.db.transaction(ENTRIES, "readwrite");
    const store = tx.objectStore(ENTRIES);
    const finished = done(tx);
    let thrown: unknown;
    let existed = false;
    const req = store.get(id);
    req.onsuccess = () => {
      const current = req.result as StoredEntry | undefined;
      if (!current) return;
      try {
        onlyIf?.(current);
        existed = true;
        store.delete(id);
      } catch (e) {
        thrown = e;
        tx.abort();
      }
    };
    try {
      await finished;
    } catch (e) {
      throw thrown ?? storageFailed(e);
    }
    return existed;
  }
}
