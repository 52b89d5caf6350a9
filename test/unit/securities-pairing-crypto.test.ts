/**
 * 憑證上傳手機's envelope (web/src/securities/pairing-crypto.ts) as the browsers run it: the
 * pairing code opens what it sealed and nothing else; a wrong code, another customer or firm,
 * a flipped byte all fail as PairingCodeWrong (the phone asks for the code again); codes are
 * 12 uniform digits; the server-visible envelope holds neither the code nor the .pfx password.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fromBase64Url, toBase64Url } from "../../src/domain/signing.js";
import { groupCode, isPairingCode, newPairingCode, normalizeCode, openOnPhone, PairingCodeWrong, PAIRING_PBKDF2_ITERATIONS, randomPfxPassword, sealForPhone } from "../../web/src/securities/pairing-crypto.js";

// The real count is 600,000; the round trips below use fewer to stay quick (the count is a parameter).
const FAST = 1000;
const who = { firmCode: "9A00", nationalId: "A123456789" };
const pfx = new Uint8Array(Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff));

describe("securities pairing envelope", () => {
  test("the code that sealed it opens it; the .pfx and its password come back", async () => {
    const code = newPairingCode();
    const password = randomPfxPassword();
    const env = await sealForPhone({ pfx, password }, code, who, FAST);
    const out = await openOnPhone(env, code, who, FAST);
    assert.equal(out.password, password);
    assert.deepEqual([...out.pfx], [...pfx]);
  });

  test("wrong code, another customer, another firm, a flipped byte, garbage: PairingCodeWrong", async () => {
    const code = "123456789012";
    const env = await sealForPhone({ pfx, password: "Abcdef2345" }, code, who, FAST);
    await assert.rejects(openOnPhone(env, "123456789013", who, FAST), PairingCodeWrong);
    await assert.rejects(openOnPhone(env, code, { ...who, nationalId: "B223456789" }, FAST), PairingCodeWrong);
    await assert.rejects(openOnPhone(env, code, { ...who, firmCode: "9A01" }, FAST), PairingCodeWrong);
    const bytes = fromBase64Url(env);
    bytes[bytes.length - 5]! ^= 1;
    await assert.rejects(openOnPhone(toBase64Url(bytes), code, who, FAST), PairingCodeWrong);
    await assert.rejects(openOnPhone("AAAA", code, who, FAST), PairingCodeWrong);
    await assert.rejects(openOnPhone("not base64!", code, who, FAST), PairingCodeWrong);
    // The national ID is compared without regard to case, as the server stores it upper-case.
    assert.equal((await openOnPhone(env, code, { ...who, nationalId: "a123456789" }, FAST)).password, "Abcdef2345");
  });

  test("the envelope is random (salt, IV) and carries neither the code nor the .pfx password", async () => {
    const code = "987654321098";
    const a = await sealForPhone({ pfx, password: "Secret9876" }, code, who, FAST);
    const b = await sealForPhone({ pfx, password: "Secret9876" }, code, who, FAST);
    assert.notEqual(a, b);
    const raw = Buffer.from(fromBase64Url(a)).toString("latin1");
    assert.ok(!raw.includes(code) && !raw.includes("Secret9876") && !a.includes(code));
    assert.equal(raw.slice(0, 2), "P1");
  });

  test("codes: 12 digits, grouped by four for display, typed with spaces, hyphens or full-width digits", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const c = newPairingCode();
      assert.ok(isPairingCode(c), c);
      seen.add(c);
    }
    assert.equal(seen.size, 200);
    assert.equal(groupCode("123456789012"), "1234 5678 9012");
    assert.equal(normalizeCode("1234 5678-9012"), "123456789012");
    assert.equal(normalizeCode("１２３４５６７８９０１２"), "123456789012");
    assert.equal(isPairingCode("12345678901"), false);
    assert.ok(PAIRING_PBKDF2_ITERATIONS >= 600_000);
    assert.match(randomPfxPassword(), /^[A-Za-z2-9]{10}$/);
  });

  test("the default iteration count round-trips (what the screens use)", async () => {
    const code = newPairingCode();
    const env = await sealForPhone({ pfx, password: "Abcdef2345" }, code, who);
    assert.equal((await openOnPhone(env, code, who)).password, "Abcdef2345");
  });
});
