/**
 * 電子下單 and 憑證上傳手機 of the securities tool (issue 10): an order signed with the
 * certificate over the canonical text is stored; a tampered signature, a replayed challenge,
 * another customer's certificate and a removed-then-revoked certificate are refused with
 * nothing stored. Pairings: the desktop's ciphertext is fetched once by the phone with an SMS
 * code; expired and reused pairings are refused.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { orderSigningMessage } from "../../src/domain/securities/orders.js";
import { toBase64Url } from "../../src/domain/signing.js";
import { prunePairings } from "../../src/services/securities/pairings.js";
import { secOrders, secPairings } from "../../src/store/schema/index.js";
import { Pc, type PortalClient } from "../support/browser-client.js";
import { forEachDatabase } from "../support/db.js";
import { SEC_API, applyWithSms, lastSms, loginSec, makeSecWorld, registerSecCustomer, secAudit, type SecWorld } from "../support/sec-fixture.js";

forEachDatabase("securities orders and pairings", (kind) => {
  let w: SecWorld;
  before(async () => {
    w = await makeSecWorld(kind);
  });
  after(async () => {
    await w.close();
  });

  let seq = 500;
  async function holder() {
    seq++;
    const nationalId = `B2${String(seq).padStart(8, "0")}`;
    const mobile = `09${String(seq).padStart(8, "0")}`;
    const password = await registerSecCustomer(w, { nationalId, mobile });
    const { client } = await loginSec(w, { nationalId, password });
    const pc = new Pc(nationalId);
    await applyWithSms(w, client, pc, `+886${mobile.slice(1)}`);
    const { client: trading, answer } = await loginSec(w, { nationalId, password }, "/trading/login");
    assert.equal(answer.status, 200, answer.raw);
    return { nationalId, password, e164: `+886${mobile.slice(1)}`, tool: client, trading, pc };
  }

  const order = { stockCode: "2330", side: "BUY" as const, quantity: 1000, limitPrice: "612.5" };

  async function signedOrder(client: PortalClient, pc: Pc, nationalId: string, fields = order) {
    const ch = await client.post(`${SEC_API}/orders/challenge`, {});
    assert.equal(ch.status, 200, ch.raw);
    const cert = pc.select();
    const msg = orderSigningMessage({ origin: w.origin, nonce: ch.body.nonce as string, nationalId, serialHex: cert.serialHex, ...fields });
    return { challengeId: ch.body.challengeId as string, certificate: toBase64Url(cert.der), signature: await pc.sign(msg, cert), ...fields };
  }

  const ordersOf = async () => (await w.p.db.select().from(secOrders)).length;

  test("a signed order is verified (signature, chain, status, owner) and stored; the list shows it", async () => {
    const h = await holder();
    const r = await h.trading.post(`${SEC_API}/orders`, await signedOrder(h.trading, h.pc, h.nationalId));
    assert.equal(r.status, 201, r.raw);
    assert.deepEqual([r.body.stockCode, r.body.side, r.body.quantity, r.body.limitPrice, r.body.certificateSerialHex], ["2330", "BUY", 1000, "612.5", h.pc.select().serialHex]);
    const list = await h.trading.get(`${SEC_API}/orders`);
    assert.equal((list.body.orders as unknown[]).length, 1);
    assert.equal((await secAudit(w, "sec.order_placed")).length, 1);
  });

  test("tampered order: a signature over other fields is refused (SEC_ORDER_SIGNATURE_INVALID), nothing stored, the challenge spent", async () => {
    const h = await holder();
    const before = await ordersOf();
    const body = await signedOrder(h.trading, h.pc, h.nationalId);
    const r = await h.trading.post(`${SEC_API}/orders`, { ...body, quantity: 9000 });
    assert.deepEqual([r.status, r.body.code], [401, "SEC_ORDER_SIGNATURE_INVALID"]);
    const again = await h.trading.post(`${SEC_API}/orders`, body);
    assert.equal(again.body.code, "CHALLENGE_INVALID");
    assert.equal(await ordersOf(), before);
    assert.ok((await secAudit(w, "sec.order_refused")).some((a) => (a.detail as { reason?: string }).reason === "signature"));
  });

  test("replayed order: the same signed body twice → the second is CHALLENGE_INVALID, one order stored", async () => {
    const h = await holder();
    const before = await ordersOf();
    const body = await signedOrder(h.trading, h.pc, h.nationalId);
    assert.equal((await h.trading.post(`${SEC_API}/orders`, body)).status, 201);
    const replay = await h.trading.post(`${SEC_API}/orders`, body);
    assert.deepEqual([replay.status, replay.body.code], [401, "CHALLENGE_INVALID"]);
    assert.equal(await ordersOf(), before + 1);
  });

  test("another customer's certificate is refused (SEC_ORDER_CERT_NOT_OWNED); bad fields are refused before anything (SEC_ORDER_INVALID)", async () => {
    const a = await holder();
    const b = await holder();
    const before = await ordersOf();
    const foreign = await signedOrder(b.trading, a.pc, b.nationalId);
    const r = await b.trading.post(`${SEC_API}/orders`, foreign);
    assert.deepEqual([r.status, r.body.code], [403, "SEC_ORDER_CERT_NOT_OWNED"]);
    const bad = await b.trading.post(`${SEC_API}/orders`, { ...(await signedOrder(b.trading, b.pc, b.nationalId)), limitPrice: "0" });
    assert.deepEqual([bad.status, bad.body.code], [400, "SEC_ORDER_INVALID"]);
    assert.equal(await ordersOf(), before);
  });

  test("after a renewal installed elsewhere, an order signed with the superseded certificate is refused (CERT_REVOKED)", async () => {
    const h = await holder();
    const old = h.pc.select();
    w.p.clock.advanceDays(340);
    const { client } = await loginSec(w, { nationalId: h.nationalId, password: h.password });
    const other = new Pc("other");
    await applyWithSms(w, client, other, h.e164, "RENEW");
    const { client: trading } = await loginSec(w, { nationalId: h.nationalId, password: h.password }, "/trading/login");
    const body = await signedOrder(trading, h.pc, h.nationalId);
    assert.equal(body.certificate, toBase64Url(old.der));
    const r = await trading.post(`${SEC_API}/orders`, body);
    assert.deepEqual([r.status, r.body.code], [403, "CERT_REVOKED"]);
    assert.equal((await trading.post(`${SEC_API}/orders`, await signedOrder(trading, other, h.nationalId))).status, 201);
    w.p.clock.advanceDays(-340);
  });

  test("upload to mobile: the phone fetches the ciphertext once with an SMS code; reuse and expiry are refused (SEC_PAIRING_NOT_FOUND); the server keeps nothing after", async () => {
    const h = await holder();
    const ciphertext = toBase64Url(new Uint8Array(Buffer.from("opaque AES-GCM envelope of the PKCS#12".repeat(4))));
    const created = await h.tool.post(`${SEC_API}/pairings`, { ciphertext });
    assert.equal(created.status, 201, created.raw);
    const id = created.body.pairingId as string;
    const { client: phone } = await loginSec(w, { nationalId: h.nationalId, password: h.password });
    assert.equal((await phone.post(`${SEC_API}/pairings/${id}/fetch`, { code: "123456" })).body.code, "SEC_SMS_CODE_SPENT");
    await phone.post(`${SEC_API}/sms-codes`, { purpose: "MOBILE" });
    const code = (await lastSms(w, h.e164))!.code!;
    const wrong = await phone.post(`${SEC_API}/pairings/${id}/fetch`, { code: code === "000000" ? "111111" : "000000" });
    assert.equal(wrong.body.code, "SEC_SMS_CODE_WRONG");
    const got = await phone.post(`${SEC_API}/pairings/${id}/fetch`, { code });
    assert.equal(got.status, 200, got.raw);
    assert.equal(got.body.ciphertext, ciphertext);
    const [row] = await w.p.db.select().from(secPairings).where(eq(secPairings.id, id));
    assert.equal(row!.ciphertext, "");
    w.p.clock.advance(200_000);
    await phone.post(`${SEC_API}/sms-codes`, { purpose: "MOBILE" });
    const reused = await phone.post(`${SEC_API}/pairings/${id}/fetch`, { code: (await lastSms(w, h.e164))!.code });
    assert.deepEqual([reused.status, reused.body.code], [404, "SEC_PAIRING_NOT_FOUND"]);
    // Expired: 10 minutes.
    const second = await h.tool.post(`${SEC_API}/pairings`, { ciphertext });
    w.p.clock.advance(10 * 60_000 + 1000);
    const { client: phone2 } = await loginSec(w, { nationalId: h.nationalId, password: h.password });
    const expired = await phone2.post(`${SEC_API}/pairings/${second.body.pairingId as string}/fetch`, { code: "123456" });
    assert.deepEqual([expired.status, expired.body.code], [404, "SEC_PAIRING_NOT_FOUND"]);
    // Housekeeping removes expired pairings with their ciphertext.
    assert.ok((await prunePairings(w.p)) >= 1);
    assert.equal((await w.p.db.select().from(secPairings).where(eq(secPairings.id, second.body.pairingId as string))).length, 0);
    assert.equal((await h.tool.post(`${SEC_API}/pairings`, { ciphertext: "short" })).status, 400);
    assert.equal((await secAudit(w, "sec.pairing_fetched")).length, 1);
  });
});
