/**
 * The security-component check (安控元件, AC-40) before any carrier operation: what the browser
 * carrier needs — a secure context, the WebCrypto algorithms of the profile (ECDSA P-256 keys,
 * AES-GCM wrapping, PBKDF2 from the PIN), IndexedDB and persistent storage. When something is
 * missing the page shows 「安裝」 with the instructions for this browser and does not proceed.
 */
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { generateParams, KEY_ALGORITHMS, type KeyAlgorithm } from "../keystore/algorithms.js";
import { Actions, Loading, Notice } from "../ui/screen.js";
import { bankFacts } from "./api.js";
import { tw } from "./texts.js";

export interface SecurityReport {
  secure: boolean;
  crypto: boolean;
  indexedDb: boolean;
  persistent: boolean;
}
export const securityOk = (r: SecurityReport): boolean => r.secure && r.crypto && r.indexedDb && r.persistent;

async function cryptoWorks(keyAlgorithm: KeyAlgorithm): Promise<boolean> {
  try {
    const s = globalThis.crypto?.subtle;
    if (!s) return false;
    await s.generateKey(generateParams(keyAlgorithm), true, ["sign", "verify"]);
    await s.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    await s.importKey("raw", new Uint8Array(8), "PBKDF2", false, ["deriveKey"]);
    return true;
  } catch {
    return false;
  }
}

/** Storage the browser will not evict silently: granted, or at least not refused where the API exists. */
async function persistentStorage(): Promise<boolean> {
  const storage = navigator.storage;
  if (!storage?.persist) return false;
  try {
    if (await storage.persisted()) return true;
    await storage.persist();
    // Chromium grants persistence by engagement; an origin that is not refused keeps its data.
    return typeof storage.estimate === "function";
  } catch {
    return false;
  }
}

/** The bank's key algorithm (GET /api/tw/banks/:code carrier.keyAlgorithm); ECDSA P-256 if it cannot be asked. */
async function keyAlgorithmOf(code: string): Promise<KeyAlgorithm> {
  const a = (await bankFacts(code).catch(() => undefined))?.carrier?.keyAlgorithm;
  return KEY_ALGORITHMS.find((k) => k === a) ?? "ECDSA-P256";
}

export async function checkSecurity(code: string): Promise<SecurityReport & { keyAlgorithm: KeyAlgorithm }> {
  const secure = globalThis.isSecureContext === true;
  const keyAlgorithm = await keyAlgorithmOf(code);
  return { secure, keyAlgorithm, crypto: secure && (await cryptoWorks(keyAlgorithm)), indexedDb: typeof indexedDB !== "undefined", persistent: await persistentStorage() };
}

function browserName(): string {
  const ua = navigator.userAgent;
  if (/Edg\//.test(ua)) return "Microsoft Edge";
  if (/Firefox\//.test(ua)) return "Firefox";
  if (/Chrome\//.test(ua)) return "Chrome";
  if (/Safari\//.test(ua)) return "Safari";
  return "Browser";
}

function Guidance(props: { report: SecurityReport & { keyAlgorithm: KeyAlgorithm }; onRetry: () => void }): JSX.Element {
  const [open, setOpen] = useState(false);
  const r = props.report;
  const row = (label: string, ok: boolean): JSX.Element => (
    <li key={label} class={ok ? "tw-sec-ok" : "tw-sec-missing"}>
      {label}: {ok ? tw("secYes") : tw("secNo")}
    </li>
  );
  return (
    <section class="tw-sec" aria-labelledby="sec-title">
      <h2 id="sec-title">{tw("secTitle")}</h2>
      <Notice kind="warn" live>
        <p>{tw("secMissing")}</p>
      </Notice>
      <ul class="tw-sec-list">
        {row(tw("secSecure"), r.secure)}
        {row(tw("secCrypto", { algorithm: r.keyAlgorithm }), r.crypto)}
        {row(tw("secIdb"), r.indexedDb)}
        {row(tw("secPersist"), r.persistent)}
      </ul>
      <Actions>
        <button type="button" class="btn btn-primary" aria-expanded={open ? "true" : "false"} aria-controls="sec-how" onClick={() => setOpen(true)}>
          {tw("secInstall")}
        </button>
        <button type="button" class="btn" onClick={props.onRetry}>
          {tw("secRetry")}
        </button>
      </Actions>
      {open ? (
        <div id="sec-how" class="tw-sec-how">
          <h3>{tw("secHowTitle", { browser: browserName() })}</h3>
          <ol>
            {!r.secure ? <li>{tw("secHowHttps")}</li> : null}
            <li>{tw("secHowUpdate")}</li>
            <li>{tw("secHowPrivate")}</li>
          </ol>
        </div>
      ) : null}
    </section>
  );
}

/** Shows `children` only when the browser passes the check; the guidance otherwise. */
export function SecurityGate(props: { code: string; children: ComponentChildren }): JSX.Element {
  const [report, setReport] = useState<(SecurityReport & { keyAlgorithm: KeyAlgorithm }) | undefined>(undefined);
  const run = (): void => {
    setReport(undefined);
    void checkSecurity(props.code).then(setReport);
  };
  useEffect(run, []);
  if (!report) return <Loading />;
  if (!securityOk(report)) return <Guidance report={report} onRetry={run} />;
  return <>{props.children}</>;
}
