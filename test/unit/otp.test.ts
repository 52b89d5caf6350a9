import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../../src/domain/clock.js";
import { makePolicy } from "../../src/domain/policy.js";
import {
  base32Decode,
  base32Encode,
  checkSmsOtp,
  codesEqual,
  generateOtpSecret,
  generateSmsOtp,
  hotp,
  otpDigest,
  otpDigestMatches,
  otpMessages,
  totp,
  totpStep,
  verifyHotp,
  verifyTotp,
} from "../../src/domain/otp.js";
import type { OtpHash, SmsOtpRecord } from "../../src/domain/otp.js";

const ascii = (s: string): Buffer => Buffer.from(s, "ascii");

describe("RFC 4226 Appendix D (HOTP, HMAC-SHA1, 6 digits)", () => {
  const secret = ascii("12345678901234567890");
  const expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
  test("counters 0–9", () => {
    expected.forEach((code, counter) => assert.equal(hotp(secret, counter), code));
    assert.equal(hotp(secret, 5n), "254676");
  });
  test("verifyHotp finds the counter within the look-ahead and returns the next one", () => {
    assert.equal(verifyHotp(secret, "969429", 0), 4);
    assert.equal(verifyHotp(secret, "969429", 3), 4);
    assert.equal(verifyHotp(secret, "969429", 4), null); // counter 3 already used
    assert.equal(verifyHotp(secret, "520489", 0, { lookAhead: 5 }), null);
    assert.equal(verifyHotp(secret, "52048９", 0), null);
  });
  test("rejects bad parameters", () => {
    assert.throws(() => hotp(secret, 0, { digits: 5 }), RangeError);
    assert.throws(() => hotp(secret, -1), RangeError);
  });
});

describe("RFC 6238 Appendix B (TOTP, 8 digits, 30 s)", () => {
  const seeds: Record<OtpHash, Buffer> = {
    sha1: ascii("12345678901234567890"),
    sha256: ascii("12345678901234567890123456789012"),
    sha512: ascii("1234567890123456789012345678901234567890123456789012345678901234"),
  };
  const table: Array<[number, string, Record<OtpHash, string>]> = [
    [59, "0000000000000001", { sha1: "94287082", sha256: "46119246", sha512: "90693936" }],
    [1111111109, "00000000023523EC", { sha1: "07081804", sha256: "68084774", sha512: "25091201" }],
    [1111111111, "00000000023523ED", { sha1: "14050471", sha256: "67062674", sha512: "99943326" }],
    [1234567890, "000000000273EF07", { sha1: "89005924", sha256: "91819424", sha512: "93441116" }],
    [2000000000, "0000000003F940AA", { sha1: "69279037", sha256: "90698825", sha512: "38618901" }],
    [20000000000, "0000000027BC86AA", { sha1: "65353130", sha256: "77737706", sha512: "47863826" }],
  ];
  for (const [seconds, stepHex, codes] of table) {
    test(`T = ${seconds}`, () => {
      const at = new Date(seconds * 1000);
      assert.equal(totpStep(at), Number.parseInt(stepHex, 16));
      for (const hash of ["sha1", "sha256", "sha512"] as const) {
        assert.equal(totp(seeds[hash], at, { digits: 8, hash }), codes[hash], hash);
        assert.equal(verifyTotp(seeds[hash], codes[hash], at, { digits: 8, hash, window: 0 }), totpStep(at), hash);
      }
    });
  }
});

describe("TOTP verification (R-TOK-1, AC-36)", () => {
  const secret = generateOtpSecret();
  const policy = makePolicy({ certCnSuffixCode: "1286" });
  const opts = { digits: policy.tokenOtpDigits, stepSeconds: policy.tokenOtpStepSeconds, window: policy.tokenOtpWindowSteps };

  test("accepts the current code and returns its step", () => {
    const clock = new ManualClock("2024-05-15T01:00:10Z");
    const code = totp(secret, clock.now(), opts);
    assert.equal(verifyTotp(secret, code, clock.now(), opts), totpStep(clock.now()));
  });
  test("accepts ±1 step of drift, not ±2", () => {
    const clock = new ManualClock("2024-05-15T01:00:10Z");
    const code = totp(secret, clock.now(), opts);
    clock.advance(30_000);
    assert.notEqual(verifyTotp(secret, code, clock.now(), opts), null);
    clock.advance(30_000);
    assert.equal(verifyTotp(secret, code, clock.now(), opts), null);
    clock.set("2024-05-15T00:59:40Z");
    assert.notEqual(verifyTotp(secret, code, clock.now(), opts), null);
    clock.set("2024-05-15T00:59:10Z");
    assert.equal(verifyTotp(secret, code, clock.now(), opts), null);
  });
  test("single use: a code at or before lastUsedStep is refused", () => {
    const clock = new ManualClock("2024-05-15T01:00:10Z");
    const code = totp(secret, clock.now(), opts);
    const step = verifyTotp(secret, code, clock.now(), opts);
    assert.ok(step !== null);
    assert.equal(verifyTotp(secret, code, clock.now(), { ...opts, lastUsedStep: step }), null);
    // the previous step's code is also dead once a later step was used
    const earlier = totp(secret, new Date(clock.now().getTime() - 30_000), opts);
    assert.equal(verifyTotp(secret, earlier, clock.now(), { ...opts, lastUsedStep: step }), null);
    // the next step's code is still fine
    clock.advance(30_000);
    const next = totp(secret, clock.now(), opts);
    assert.equal(verifyTotp(secret, next, clock.now(), { ...opts, lastUsedStep: step }), step + 1);
  });
  test("wrong, malformed, full-width or non-string codes are null", () => {
    const at = new Date("2024-05-15T01:00:10Z");
    const code = totp(secret, at, opts);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    for (const c of [wrong, code.slice(1), code + "0", code.replace(/[0-9]/, (d) => String.fromCharCode(0xff10 + Number(d))), Number(code), null])
      assert.equal(verifyTotp(secret, c, at, opts), null, String(c));
  });
  test("codesEqual is plain equality for strings of any length", () => {
    assert.equal(codesEqual("123456", "123456"), true);
    assert.equal(codesEqual("123456", "123457"), false);
    assert.equal(codesEqual("123456", "1234567"), false);
  });
  test("a verification takes microseconds", () => {
    const at = new Date("2024-05-15T01:00:10Z");
    const code = totp(secret, at, opts);
    const n = 2000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) verifyTotp(secret, code, at, opts);
    const perVerifyUs = Number(process.hrtime.bigint() - t0) / n / 1000;
    assert.ok(perVerifyUs < 500, `${perVerifyUs.toFixed(1)} µs per verify`);
  });
});

describe("base32 (RFC 4648 §10 vectors)", () => {
  const vectors: Array<[string, string]> = [
    ["", ""],
    ["f", "MY"],
    ["fo", "MZXQ"],
    ["foo", "MZXW6"],
    ["foob", "MZXW6YQ"],
    ["fooba", "MZXW6YTB"],
    ["foobar", "MZXW6YTBOI"],
  ];
  test("encode and decode", () => {
    for (const [plain, enc] of vectors) {
      assert.equal(base32Encode(ascii(plain)), enc);
      assert.equal(base32Decode(enc).toString("ascii"), plain);
    }
    assert.equal(base32Decode("mzxw6ytboi======").toString("ascii"), "foobar");
    assert.equal(base32Decode("MZXW 6YTB OI").toString("ascii"), "foobar");
    assert.throws(() => base32Decode("MZ1W"));
  });
  test("round-trips random secrets", () => {
    for (let i = 0; i < 50; i++) {
      const s = generateOtpSecret(1 + i);
      assert.deepEqual(base32Decode(base32Encode(s)), s);
    }
  });
});

describe("R-SMS-1 SMS codes", () => {
  const policy = makePolicy({ certCnSuffixCode: "1286" });
  const key = Buffer.alloc(32, 7);

  test("policy.smsOtpLength digits, uniformly random", () => {
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 1000; i++) {
      const c = generateSmsOtp(policy.smsOtpLength);
      assert.match(c, /^[0-9]{6}$/);
      for (const d of c) counts[Number(d)]! += 1;
    }
    for (const k of counts) assert.ok(k > 450 && k < 750, `digit frequency ${k}`);
    assert.throws(() => generateSmsOtp(3), RangeError);
  });

  test("stored only as a keyed digest bound to a purpose", () => {
    const d = otpDigest(key, "sms:req-1", "123456");
    assert.doesNotMatch(d, /123456/);
    assert.equal(otpDigestMatches(key, "sms:req-1", "123456", d), true);
    assert.equal(otpDigestMatches(key, "sms:req-2", "123456", d), false);
    assert.equal(otpDigestMatches(key, "sms:req-1", "123457", d), false);
    assert.equal(otpDigestMatches(Buffer.alloc(32, 8), "sms:req-1", "123456", d), false);
    assert.equal(otpDigestMatches(key, "sms:req-1", 123456, d), false);
    assert.throws(() => otpDigest(Buffer.alloc(8), "x", "y"), RangeError);
  });

  test("AC-46 valid for 180 s: 10:03:00 accepted, 10:03:01 refused", () => {
    const clock = new ManualClock("2024-05-15T01:00:00Z");
    const rec: SmsOtpRecord = { digest: otpDigest(key, "sms:1", "654321"), issuedAt: clock.now(), attempts: 0, consumedAt: null };
    clock.advance(180_000);
    assert.deepEqual(checkSmsOtp(rec, "654321", clock.now(), key, "sms:1", policy), { ok: true });
    clock.advance(1_000);
    assert.deepEqual(checkSmsOtp(rec, "654321", clock.now(), key, "sms:1", policy), { ok: false, code: "SMS_OTP_EXPIRED" });
  });

  test("mismatch, attempts exhausted, consumed (after use or a resend)", () => {
    const now = new Date("2024-05-15T01:00:30Z");
    const base: SmsOtpRecord = { digest: otpDigest(key, "sms:1", "654321"), issuedAt: new Date("2024-05-15T01:00:00Z"), attempts: 0, consumedAt: null };
    assert.deepEqual(checkSmsOtp(base, "111111", now, key, "sms:1", policy), { ok: false, code: "SMS_OTP_MISMATCH" });
    assert.deepEqual(checkSmsOtp({ ...base, attempts: policy.smsOtpMaxAttempts }, "654321", now, key, "sms:1", policy), {
      ok: false,
      code: "SMS_OTP_ATTEMPTS_EXCEEDED",
    });
    assert.deepEqual(checkSmsOtp({ ...base, consumedAt: now }, "654321", now, key, "sms:1", policy), { ok: false, code: "SMS_OTP_USED" });
  });

  test("every result code has a message in the three languages", () => {
    for (const m of Object.values(otpMessages)) for (const l of ["ja", "zh-TW", "en"] as const) assert.ok(m[l].length > 0);
    assert.equal(otpMessages.SMS_OTP_EXPIRED["zh-TW"], "驗證碼已逾時，請重新發送");
  });
});
