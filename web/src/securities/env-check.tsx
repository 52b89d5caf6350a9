/**
 * 系統環境檢測 (F-SEC-ENVCHECK): pass / fail with a remedy for what the software certificate needs
 * in this browser — a secure context, the WebCrypto algorithms of the firm's profile (the key
 * type, AES-GCM wrapping, PBKDF2 from the 憑證密碼), IndexedDB, persistent storage granted, the
 * clock against the firm's (GET /time: certificates and SMS codes are time-bound), the browser
 * version, and file downloads (the backup). Reachable before logging in.
 */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { currentLocale } from "../app/i18n.js";
import { generateParams, KEY_ALGORITHMS, type KeyAlgorithm } from "../keystore/algorithms.js";
import { Actions, Loading, Notice, Screen } from "../ui/screen.js";
import { firmFacts, serverTime } from "./api.js";
import { sec } from "./texts.js";

/** Most the clock may differ from the firm's (s): an SMS code lives 180 s, certificates start "now". */
export const MAX_SKEW_SECONDS = 60;
const MIN_VERSIONS: Readonly<Record<string, number>> = { Chrome: 109, Chromium: 109, HeadlessChrome: 109, Edge: 109, Firefox: 115, Safari: 16 };

export interface EnvItem {
  key: string;
  label: string;
  ok: boolean;
  remedy: string;
}

async function cryptoWorks(alg: KeyAlgorithm): Promise<boolean> {
  try {
    const s = globalThis.crypto?.subtle;
    if (!s) return false;
    await s.generateKey(generateParams(alg), true, ["sign", "verify"]);
    await s.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    await s.importKey("raw", new Uint8Array(8), "PBKDF2", false, ["deriveKey"]);
    return true;
  } catch {
    return false;
  }
}

function indexedDbWorks(): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      const req = indexedDB.open("inkan-env-check");
      req.onsuccess = () => {
        req.result.close();
        indexedDB.deleteDatabase("inkan-env-check");
        resolve(true);
      };
      req.onerror = () => resolve(false);
      req.onblocked = () => resolve(false);
    } catch {
      resolve(false);
    }
  });
}

async function persistentGranted(): Promise<boolean> {
  const storage = navigator.storage;
  if (!storage?.persisted) return false;
  try {
    return (await storage.persisted()) || (await storage.persist());
  } catch {
    return false;
  }
}

/** "Chrome 131" from the user agent (client hints where the browser gives them). */
export function browserOf(ua: string, brands?: readonly { brand: string; version: string }[]): { name: string; version: number } {
  const brand = brands?.find((b) => b.brand === "Google Chrome" || b.brand === "Microsoft Edge" || b.brand === "Chromium");
  if (brand) return { name: brand.brand.replace(/^(Google|Microsoft) /, ""), version: Number.parseInt(brand.version, 10) };
  const m = /(Edg|Firefox|Chrome|Version)\/(\d+)/.exec(ua.includes("Edg/") ? ua.replace(/.*(Edg\/\d+).*/, "$1") : ua);
  if (!m) return { name: "?", version: 0 };
  const name = m[1] === "Edg" ? "Edge" : m[1] === "Version" ? "Safari" : m[1]!;
  return { name, version: Number.parseInt(m[2]!, 10) };
}

function downloadsPossible(): boolean {
  try {
    const url = URL.createObjectURL(new Blob(["x"], { type: "application/octet-stream" }));
    URL.revokeObjectURL(url);
    return "download" in HTMLAnchorElement.prototype;
  } catch {
    return false;
  }
}

/** "3 天" / "3 days" / "3日": the largest whole unit of a clock difference. */
export function spanText(seconds: number, locale: string): string {
  const a = Math.abs(seconds);
  const [n, unit] = a >= 86_400 ? [Math.floor(a / 86_400), "day"] : a >= 3_600 ? [Math.floor(a / 3_600), "hour"] : a >= 60 ? [Math.floor(a / 60), "minute"] : [a, "second"];
  return new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "long" }).format(n);
}

function clockLabel(skew: number | undefined): string {
  if (skew === undefined) return sec("envClockUnknown");
  if (skew === 0) return sec("envClock");
  return sec(skew > 0 ? "envClockAhead" : "envClockBehind", { d: spanText(skew, currentLocale()) });
}

export async function checkEnvironment(code: string): Promise<{ items: EnvItem[]; toolVersion: string }> {
  const firm = await firmFacts(code).catch(() => undefined);
  const alg = KEY_ALGORITHMS.find((k) => k === firm?.rules.keyAlgorithm) ?? "ECDSA-P256";
  const secure = globalThis.isSecureContext === true;
  let skew: number | undefined;
  try {
    const sent = Date.now();
    const t = await serverTime();
    const back = Date.now();
    skew = Math.round(((sent + back) / 2 - t.epochMs) / 1000);
  } catch {
    skew = undefined;
  }
  const hints = (navigator as Navigator & { userAgentData?: { brands: { brand: string; version: string }[] } }).userAgentData;
  const b = browserOf(navigator.userAgent, hints?.brands);
  const min = MIN_VERSIONS[b.name];
  return {
    toolVersion: firm?.toolVersion ?? "",
    items: [
      { key: "secure", label: sec("envSecure"), ok: secure, remedy: sec("envSecureFix") },
      { key: "crypto", label: sec("envCrypto", { alg }), ok: secure && (await cryptoWorks(alg)), remedy: sec("envCryptoFix") },
      { key: "indexeddb", label: sec("envIdb"), ok: typeof indexedDB !== "undefined" && (await indexedDbWorks()), remedy: sec("envIdbFix") },
      { key: "persistent", label: sec("envPersist"), ok: await persistentGranted(), remedy: sec("envPersistFix") },
      {
        key: "clock",
        label: clockLabel(skew),
        ok: skew !== undefined && Math.abs(skew) <= MAX_SKEW_SECONDS,
        remedy: sec("envClockFix", { max: MAX_SKEW_SECONDS }),
      },
      { key: "browser", label: sec("envBrowser", { name: `${b.name} ${b.version || ""}`.trim() }), ok: min !== undefined && b.version >= min, remedy: sec("envBrowserFix") },
      { key: "download", label: sec("envDownload"), ok: downloadsPossible(), remedy: sec("envDownloadFix") },
    ],
  };
}

export function SecEnvCheck(props: { code: string }): JSX.Element {
  const [report, setReport] = useState<{ items: EnvItem[]; toolVersion: string } | undefined>(undefined);
  const [round, setRound] = useState(0);
  const locale = currentLocale();
  useEffect(() => {
    setReport(undefined);
    checkEnvironment(props.code).then(setReport, () => setReport({ items: [], toolVersion: "" }));
  }, [round, locale]);
  const failed = report?.items.filter((i) => !i.ok).length ?? 0;
  return (
    <Screen title={sec("envCheck")} lead={sec("envLead")}>
      {!report ? (
        <Loading />
      ) : (
        <>
          <Notice kind={failed === 0 ? "success" : "warn"} live>
            <p>{failed === 0 ? sec("envAllOk") : sec("envSomeFail", { n: failed })}</p>
          </Notice>
          <ul class="sec-env">
            {report.items.map((i) => (
              <li key={i.key} class={i.ok ? "sec-env-ok" : "sec-env-fail"} data-check={i.key}>
                <span class="sec-env-label">{i.label}</span>
                <strong class="sec-env-result">{i.ok ? sec("envPass") : sec("envFail")}</strong>
                {i.ok ? null : <p class="sec-env-remedy">{i.remedy}</p>}
              </li>
            ))}
          </ul>
          {report.toolVersion ? <p class="hint">{sec("envVersion", { v: report.toolVersion })}</p> : null}
        </>
      )}
      <Actions>
        <button type="button" class="btn" onClick={() => setRound((n) => n + 1)}>
          {sec("envRun")}
        </button>
      </Actions>
    </Screen>
  );
}
