import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { InkanError } from "../../src/domain/errors.js";
import { makePolicy } from "../../src/domain/policy.js";
import {
  CARD_POSITIONS,
  assertCardUsable,
  challengeLabel,
  checkCardAnswerFormat,
  drawCardChallenge,
  expectedCardAnswer,
  formatCardGrid,
  generateCardGrid,
  parseCardChallenge,
  parseCardGrid,
  verifyCardAnswer,
} from "../../src/domain/corporate/card.js";
import type { CardGrid, CardPosition } from "../../src/domain/corporate/card.js";

// The sample card of SPEC §17 [003 L96–128].
const SAMPLE: CardGrid = { ア: "12", イ: "35", ウ: "92", エ: "84", オ: "04", カ: "65", キ: "32", ク: "47" };
const policy = makePolicy({ certCnSuffixCode: "1286" });

describe("R-CARD-1 card grid", () => {
  test("a generated grid has the eight positions ア–ク with 2-digit strings", () => {
    const g = generateCardGrid();
    assert.deepEqual(Object.keys(g), [...CARD_POSITIONS]);
    for (const p of CARD_POSITIONS) assert.match(g[p], /^[0-9]{2}$/);
  });
  test("grids differ and values cover the range including leading zeros", () => {
    const seen = new Set<string>();
    const grids = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const g = generateCardGrid();
      grids.add(formatCardGrid(g));
      for (const p of CARD_POSITIONS) seen.add(g[p]);
    }
    assert.equal(grids.size, 300);
    assert.ok([...seen].some((v) => v.startsWith("0")), "values below 10 keep their leading zero");
    assert.ok(seen.size > 90, `only ${seen.size} distinct values`);
  });
  test("formats as printed on the card", () => {
    assert.equal(formatCardGrid(SAMPLE), "ア12 イ35 ウ92 エ84 オ04 カ65 キ32 ク47");
  });
  test("parseCardGrid round-trips JSON and rejects corruption", () => {
    assert.deepEqual(parseCardGrid(JSON.parse(JSON.stringify(SAMPLE))), SAMPLE);
    assert.throws(() => parseCardGrid({ ...SAMPLE, オ: 4 }));
    assert.throws(() => parseCardGrid({ ...SAMPLE, オ: "4" }));
    assert.throws(() => parseCardGrid({ ...SAMPLE, ケ: "11" }));
    const { ク: _omit, ...seven } = SAMPLE;
    assert.throws(() => parseCardGrid(seven));
    assert.throws(() => parseCardGrid(null));
  });
});

describe("P-CARD challenge", () => {
  test("draws policy.cardOtpPositions distinct positions", () => {
    for (let i = 0; i < 200; i++) {
      const c = drawCardChallenge(policy);
      assert.equal(c.length, 2);
      assert.notEqual(c[0], c[1]);
    }
    assert.equal(drawCardChallenge(makePolicy({ certCnSuffixCode: "1286", cardOtpPositions: 4 })).length, 4);
  });
  test("every position and both orders occur (random choice and order)", () => {
    const first = new Set<CardPosition>();
    const pairs = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const c = drawCardChallenge(policy);
      first.add(c[0] as CardPosition);
      pairs.add(c.join(""));
    }
    assert.equal(first.size, 8);
    assert.equal(pairs.size, 56); // 8 × 7 ordered pairs
  });
  test("label and stored form", () => {
    assert.equal(challengeLabel(["イ", "カ"]), "イ・カ");
    assert.deepEqual(parseCardChallenge("イ,カ"), ["イ", "カ"]);
    assert.deepEqual(parseCardChallenge(["カ", "イ"]), ["カ", "イ"]);
    assert.throws(() => parseCardChallenge("イ,イ"));
    assert.throws(() => parseCardChallenge("イ,ケ"));
    assert.throws(() => parseCardChallenge(""));
  });
});

describe("AC-11 card answer", () => {
  test("イ,カ on the sample card is 3565; order matters", () => {
    assert.equal(expectedCardAnswer(SAMPLE, ["イ", "カ"]), "3565");
    assert.equal(verifyCardAnswer(SAMPLE, ["イ", "カ"], "3565"), true);
    assert.equal(verifyCardAnswer(SAMPLE, ["カ", "イ"], "3565"), false);
    assert.equal(verifyCardAnswer(SAMPLE, ["カ", "イ"], "6535"), true);
  });
  test("leading zero is significant: オ is 04", () => {
    assert.equal(verifyCardAnswer(SAMPLE, ["オ", "ア"], "0412"), true);
    assert.equal(verifyCardAnswer(SAMPLE, ["オ", "ア"], "412"), false);
  });
  test("wrong digits, wrong length, full-width digits, non-strings are wrong", () => {
    assert.equal(verifyCardAnswer(SAMPLE, ["イ", "カ"], "3566"), false);
    assert.equal(verifyCardAnswer(SAMPLE, ["イ", "カ"], "35650"), false);
    assert.equal(verifyCardAnswer(SAMPLE, ["イ", "カ"], "３５６５"), false);
    assert.equal(verifyCardAnswer(SAMPLE, ["イ", "カ"], 3565), false);
    assert.equal(verifyCardAnswer(SAMPLE, [], ""), false);
  });
  test("format check gives a helpful code before verification", () => {
    assert.equal(checkCardAnswerFormat("3565", ["イ", "カ"]), "3565");
    for (const v of ["３５６５", "356", "35a5", undefined]) {
      assert.throws(
        () => checkCardAnswerFormat(v, ["イ", "カ"]),
        (e: unknown) => e instanceof InkanError && e.code === "CARD_OTP_FORMAT" && e.params.length === 4 && e.fields[0] === "cardOtp",
      );
    }
  });
  test("a revoked card cannot answer", () => {
    assert.doesNotThrow(() => assertCardUsable("ACTIVE"));
    assert.throws(() => assertCardUsable("REVOKED"), (e: unknown) => e instanceof InkanError && e.code === "CARD_REVOKED");
  });
});
