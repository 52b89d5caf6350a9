/**
 * Payee banks and branches (振込先金融機関・支店) from the Zengin data of the `zengin-code`
 * package (1,146 institutions and their branches, kept current by its maintainers: a new
 * release is a dependency update, no code change). Transfers accept only a bank code and a
 * branch code that exist there, and carry their names into the confirmation screen and the
 * signed text (limits.ts transferSigningText).
 *
 * The data (5 MB) is loaded once, on first use (about half a second), and indexed by code; searching
 * matches a code prefix, the kanji name, the kana (hiragana or katakana, half- or full-width,
 * small kana as the Zengin data writes them: キョウ → キヨウ) or the romanisation.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { userError } from "./user-messages.js";

interface ZenginEntry {
  code: string;
  name: string;
  kana: string;
  hira: string;
  roma: string;
}
interface ZenginBank extends ZenginEntry {
  branches: Record<string, ZenginEntry>;
}

/** A bank or a branch as the API shows it. */
export interface PayeeEntry {
  code: string;
  /** Kanji name as in the Zengin data, e.g. "みずほ", "平塚信金", "戸越". */
  name: string;
  /** Katakana, e.g. "ミズホ". */
  kana: string;
}

interface Indexed {
  entry: PayeeEntry;
  /** Normalised name, kana and romanisation, for matching. */
  keys: string[];
}

interface BankIndex extends Indexed {
  branches: Map<string, Indexed>;
  branchList: Indexed[];
}

export const MAX_BANK_RESULTS = 50;
export const MAX_BRANCH_RESULTS = 100;

const SMALL_KANA: Record<string, string> = { ァ: "ア", ィ: "イ", ゥ: "ウ", ェ: "エ", ォ: "オ", ッ: "ツ", ャ: "ヤ", ュ: "ユ", ョ: "ヨ", ヮ: "ワ", ヵ: "カ", ヶ: "ケ" };

/**
 * The matching form of a name or a query: NFKC (half-width kana and full-width letters and
 * digits folded), hiragana as katakana, small kana as large, every dash as "-", lower case,
 * no spaces.
 */
export function matchKey(s: string): string {
  return s
    .normalize("NFKC")
    .replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60))
    .replace(/[ァィゥェォッャュョヮヵヶ]/g, (c) => SMALL_KANA[c] ?? c)
    .replace(/[ー‐−–—―]/g, "-")
    .replace(/\s+/g, "")
    .toLowerCase();
}

/** A query as typed ("みずほ銀行", "平塚信用金庫", "戸越支店") reduced to how the Zengin data names things. */
function queryKey(q: string, kind: "bank" | "branch"): string {
  let k = matchKey(q);
  if (kind === "bank") {
    k = k
      .replace(/信用金庫$/, "信金")
      .replace(/信用組合$/, "信組")
      .replace(/労働金庫$/, "労金")
      .replace(/農業協同組合$/, "農協")
      .replace(/(銀行|ギンコウ|ginkou|ginko)$/, "");
  } else k = k.replace(/(支店|シテン|shiten)$/, "");
  return k;
}

function indexed(e: ZenginEntry): Indexed {
  return { entry: { code: e.code, name: e.name, kana: e.kana }, keys: [matchKey(e.name), matchKey(e.kana), matchKey(e.roma)] };
}

let index: { banks: Map<string, BankIndex>; bankList: BankIndex[] } | null = null;

/**
 * The package's data. Its lib/zengin-data.js is `module.exports = { … };` with a JSON object
 * literal: read as text and JSON.parse'd it loads about twice as fast as compiling it as a
 * module (5 MB). Should a release change that layout, require() it like any package.
 */
function loadZengin(): Record<string, ZenginBank> {
  const require = createRequire(import.meta.url);
  try {
    const text = readFileSync(require.resolve("zengin-code/lib/zengin-data.js"), "utf8");
    const data = JSON.parse(text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1)) as Record<string, ZenginBank>;
    if (data["0001"]?.branches) return data;
  } catch {
    // fall through
  }
  return require("zengin-code") as Record<string, ZenginBank>;
}

/** The Zengin data, indexed (loaded on first call). */
function zengin(): { banks: Map<string, BankIndex>; bankList: BankIndex[] } {
  if (index) return index;
  const data = loadZengin();
  const banks = new Map<string, BankIndex>();
  for (const b of Object.values(data)) {
    const branchList = Object.values(b.branches ?? {})
      .map(indexed)
      .sort((x, y) => x.entry.code.localeCompare(y.entry.code));
    banks.set(b.code, { ...indexed(b), branches: new Map(branchList.map((x) => [x.entry.code, x])), branchList });
  }
  index = { banks, bankList: [...banks.values()].sort((x, y) => x.entry.code.localeCompare(y.entry.code)) };
  return index;
}

function search<T extends Indexed>(list: readonly T[], q: string | undefined, kind: "bank" | "branch", max: number): { results: PayeeEntry[]; more: boolean } {
  const raw = (q ?? "").normalize("NFKC").trim();
  const key = raw === "" ? "" : queryKey(raw, kind);
  let hits: T[];
  if (key === "") hits = [...list];
  else if (/^[0-9]+$/.test(key)) hits = list.filter((x) => x.entry.code.startsWith(key));
  else {
    // Names that start with the query first, then those that contain it.
    const starts = list.filter((x) => x.keys.some((k) => k.startsWith(key)));
    const contains = list.filter((x) => !starts.includes(x) && x.keys.some((k) => k.includes(key)));
    hits = [...starts, ...contains];
  }
  return { results: hits.slice(0, max).map((x) => x.entry), more: hits.length > max };
}

/** Banks whose code starts with `q`, or whose name, kana or romanisation contains it (all banks for no query). */
export function searchBanks(q?: string): { banks: PayeeEntry[]; more: boolean } {
  const r = search(zengin().bankList, q, "bank", MAX_BANK_RESULTS);
  return { banks: r.results, more: r.more };
}

/** The branches of a bank, searched the same way; an unknown bank is PAYEE_BANK_UNKNOWN (not found). */
export function searchBranches(bankCode: string, q?: string): { bank: PayeeEntry; branches: PayeeEntry[]; more: boolean } {
  const bank = zengin().banks.get(bankCode);
  if (!bank) throw userError("PAYEE_BANK_UNKNOWN", "not_found", { fields: ["bankCode"] });
  const r = search(bank.branchList, q, "branch", MAX_BRANCH_RESULTS);
  return { bank: bank.entry, branches: r.results, more: r.more };
}

/**
 * The bank and branch of a payee by code: a well-formed bank code (4 digits) must name a bank
 * (else PAYEE_BANK_UNKNOWN), and a well-formed branch code (3 digits) a branch of it (else
 * PAYEE_BRANCH_UNKNOWN), the field flagged (payee.bankCode / payee.branchCode). A malformed
 * code gives no entry: the caller's format check reports it.
 */
export function lookupPayee(bankCode: unknown, branchCode: unknown): { bank: PayeeEntry | null; branch: PayeeEntry | null } {
  if (typeof bankCode !== "string" || !/^[0-9]{4}$/.test(bankCode)) return { bank: null, branch: null };
  const bank = zengin().banks.get(bankCode);
  if (!bank) throw userError("PAYEE_BANK_UNKNOWN", "invalid", { fields: ["payee.bankCode"] });
  if (typeof branchCode !== "string" || !/^[0-9]{3}$/.test(branchCode)) return { bank: bank.entry, branch: null };
  const branch = bank.branches.get(branchCode);
  if (!branch) throw userError("PAYEE_BRANCH_UNKNOWN", "invalid", { fields: ["payee.branchCode"] });
  return { bank: bank.entry, branch: branch.entry };
}
