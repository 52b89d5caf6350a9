import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { LOCALES } from "../../src/domain/errors.js";
import { pkiMessages } from "../../src/pki/messages.js";

const ISSUANCE_FILES = ["ca", "csr", "dn", "extensions", "issue", "issue-library", "profiles", "proof"];

describe("pkiMessages", () => {
  test("every error code the issuance modules throw has a message", () => {
    const thrown = new Set<string>();
    for (const f of ISSUANCE_FILES) {
      const src = readFileSync(new URL(`../../src/pki/${f}.ts`, import.meta.url), "utf8");
      for (const m of src.matchAll(/new InkanError\(\s*"([A-Z0-9_]+)"/g)) thrown.add(m[1]!);
    }
    assert.ok(thrown.size >= 8, [...thrown].join());
    for (const c of thrown) assert.ok(pkiMessages[c], `no message for ${c}`);
  });

  test("each message exists in ja, zh-TW and en with the same placeholders", () => {
    for (const [c, text] of Object.entries(pkiMessages)) {
      const holes = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
      for (const l of LOCALES) assert.ok(text[l] && text[l].length > 0, `${c} ${l}`);
      assert.deepEqual(holes(text.ja), holes(text.en), c);
      assert.deepEqual(holes(text["zh-TW"]), holes(text.en), c);
    }
  });
});
