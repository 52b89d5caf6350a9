import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, test } from "node:test";
import { LOCALES } from "../../src/domain/errors.js";
import { MESSAGES, MessageConflictError, mergeMessageTables } from "../../src/http/messages.js";
import { ROOT } from "../support/db-template.js";

const text = (ja: string, zh: string, en: string) => ({ ja, "zh-TW": zh, en });

/** Constructors and helpers that throw an InkanError with a literal code as first argument. */
const THROW_SITES = [/\bnew InkanError\(\s*"([A-Z][A-Z0-9_]+)"/g, /\b(?:corporateError|serviceError|fail|invalid)\(\s*"([A-Z][A-Z0-9_]+)"/g];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

describe("message registry", () => {
  test("the same code with different texts in two tables is refused", () => {
    assert.throws(
      () => mergeMessageTables({ a: { X_CODE: text("あ", "甲", "a") }, b: { X_CODE: text("あ", "甲", "b") } }),
      (e: unknown) => e instanceof MessageConflictError && e.code === "X_CODE" && /X_CODE.*a.*b/.test(e.message),
    );
  });

  test("the same code with identical texts in two tables is merged", () => {
    const merged = mergeMessageTables({ a: { X_CODE: text("あ", "甲", "a") }, b: { X_CODE: text("あ", "甲", "a"), Y: text("い", "乙", "y") } });
    assert.deepEqual([...merged.keys()], ["X_CODE", "Y"]);
  });

  test("every message has a non-empty text in ja, zh-TW and en with the same placeholders", () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(",");
    for (const [code, t] of MESSAGES) {
      assert.match(code, /^[A-Z][A-Z0-9_]+$/, code);
      for (const l of LOCALES) assert.ok(typeof t[l] === "string" && t[l].trim().length > 0, `${code} has no ${l} text`);
      assert.equal(placeholders(t.ja), placeholders(t.en), `${code}: ja and en placeholders differ`);
      assert.equal(placeholders(t["zh-TW"]), placeholders(t.en), `${code}: zh-TW and en placeholders differ`);
    }
  });

  test("every code thrown in src/ has a message", () => {
    const missing: string[] = [];
    const files = sourceFiles(join(ROOT, "src"));
    let sites = 0;
    for (const file of files) {
      const source = readFileSync(file, "utf8");
      for (const re of THROW_SITES) {
        for (const m of source.matchAll(re)) {
          sites++;
          const code = m[1] ?? "";
          if (!MESSAGES.has(code)) missing.push(`${code} (${relative(ROOT, file)})`);
        }
      }
    }
    assert.ok(sites > 50, `the scan found only ${sites} throw sites: the patterns no longer match the code`);
    assert.deepEqual([...new Set(missing)], [], "codes without a message in src/http/messages.ts's registry");
  });
});
