/**
 * The bank's back office through the HTTP API: staff login and roles, BO-1 contract
 * registration with its card, BO-2 card reissue, BO-3 unlock, R-LOCK-5 reset, BO-4 admin
 * certificate reissue, BO-5 incidents, registration PIN change, token seeds, search and the
 * audit trail — with the bad input of every endpoint.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { base32Encode } from "../../src/domain/otp.js";
import { verifyAudit } from "../../src/services/audit.js";
import { openTokenSecret } from "../../src/services/corporate/tokens.js";
import { hardwareTokens } from "../../src/store/schema/index.js";
import { ADMIN_API, BANK_API, Pc, acquireAdminCertificate, activateAdmin, adminCertificateStep, cardAnswer, loginAdmin, loginBank, type PortalClient } from "../support/browser-client.js";
import {
  HQ,
  INSTITUTION_CODE,
  SYACHO,
  auditOf,
  contractRow,
  localDate,
  mailsOf,
  makeCorporateWorld,
  nextContractId,
  readyAdmin,
  registerContract,
  staffClient,
  type CorporateWorld,
} from "../support/corporate-fixture.js";
import { forEachDatabase } from "../support/db.js";

forEachDatabase("bank back office", (kind) => {
  let w: CorporateWorld;
  before(async () => {
    w = await makeCorporateWorld(kind);
  });
  after(async () => {
    await w.close();
  });

  const newContract = (over: Record<string, unknown> = {}) => ({
    contractId: nextContractId(),
    companyName: "株式会社テスト",
    applicationDate: localDate(w),
    registrationPin: "1234",
    contractedServices: ["BALANCE_INQUIRY", "TRANSFER"],
    ...over,
  });

  test("BO-1 registers a contract and its card; the grid is shown once and never again", async () => {
    const body = newContract({ lockMode: "NON_LINKED", contractLimit: 5_000_000, locale: "en" });
    const r = await w.bankCall("POST", `${BANK_API}/contracts`, body);
    assert.equal(r.status, 201);
    const card = r.body.card as { grid: Record<string, string>; printed: string };
    assert.equal(Object.keys(card.grid).join(""), "アイウエオカキク");
    for (const v of Object.values(card.grid)) assert.match(v, /^[0-9]{2}$/);
    assert.match(card.printed, /^ア\d\d イ\d\d ウ\d\d エ\d\d オ\d\d カ\d\d キ\d\d ク\d\d$/);
    const contract = r.body.contract as Record<string, unknown>;
    assert.equal(contract.state, "REGISTERED");
    assert.equal(contract.lockMode, "NON_LINKED");
    assert.equal(contract.contractLimit, 5_000_000);
    assert.equal(contract.certWindowStart, body.applicationDate);
    const detail = await w.bankCall("GET", `${BANK_API}/contracts/${body.contractId}`);
    assert.equal(detail.status, 200);
    assert.ok(!detail.raw.includes(card.printed) && !detail.raw.includes(`"grid"`), "the grid is not shown again");
    assert.equal((detail.body.cards as unknown[]).length, 1);
    const dup = await w.bankCall("POST", `${BANK_API}/contracts`, { ...body });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.code, "CONTRACT_EXISTS");
    const [audit] = await auditOf(w, "contract.registered", body.contractId);
    assert.ok(audit);
    assert.equal(audit.actor, `bank:${HQ.username}`);
    assert.ok(!JSON.stringify(audit.detail).includes("1234"), "no PIN in the audit trail");
    const row = await contractRow(w, body.contractId);
    assert.ok(row.registrationPinHash.startsWith("pepper1$argon2id$"), "argon2id of the peppered PIN (passwords.ts)");
  });

  test("BO-1 bad input: each field refused with a stable code, nothing written", async () => {
    const cases: [Record<string, unknown>, number, string, string?][] = [
      [{ contractId: "１２３４５６７８９０１" }, 400, "CONTRACT_ID_FORMAT", "contractId"],
      [{ contractId: "1234567890" }, 400, "CONTRACT_ID_FORMAT", "contractId"],
      [{ registrationPin: "12a4" }, 400, "REGISTRATION_PIN_FORMAT", "registrationPin"],
      [{ registrationPin: "１２３４" }, 400, "PIN_NOT_HALF_WIDTH", "registrationPin"],
      [{ applicationDate: "2024-02-30" }, 400, "CONTRACT_INPUT_INVALID", "applicationDate"],
      [{ applicationDate: localDate(w, 1) }, 400, "CONTRACT_INPUT_INVALID", "applicationDate"],
      [{ applicationDate: "15/05/2024" }, 400, "CONTRACT_INPUT_INVALID", "applicationDate"],
      [{ companyName: "   " }, 400, "CONTRACT_INPUT_INVALID", "companyName"],
      [{ companyName: "A\nB" }, 400, "CONTRACT_INPUT_INVALID", "companyName"],
      [{ companyName: "あ".repeat(61) }, 400, "VALIDATION_FAILED", "companyName"],
      [{ contractedServices: [] }, 400, "VALIDATION_FAILED", "contractedServices"],
      [{ contractedServices: ["TRANSFER", "TRANSFER"] }, 400, "CONTRACT_INPUT_INVALID", "contractedServices"],
      [{ contractedServices: ["CASINO"] }, 400, "VALIDATION_FAILED"],
      [{ lockMode: "SOMETIMES" }, 400, "VALIDATION_FAILED", "lockMode"],
      [{ contractLimit: -1 }, 400, "VALIDATION_FAILED", "contractLimit"],
      [{ contractId: { x: 1 } }, 400, "VALIDATION_FAILED", "contractId"],
    ];
    for (const [over, status, code, field] of cases) {
      const body = newContract(over);
      const r = await w.bankCall("POST", `${BANK_API}/contracts`, body);
      assert.equal(r.status, status, JSON.stringify(over));
      assert.equal(r.body.code, code, JSON.stringify(over));
      if (field) assert.ok((r.body.fields ?? []).some((f) => f.startsWith(field)), `${JSON.stringify(over)} flags ${field}: ${JSON.stringify(r.body.fields)}`);
    }
    const missing = await w.bankCall("POST", `${BANK_API}/contracts`, { contractId: nextContractId() });
    assert.equal(missing.body.code, "VALIDATION_FAILED");
    const huge = await w.bankCall("POST", `${BANK_API}/contracts`, newContract({ companyName: "x".repeat(80_000) }));
    assert.equal(huge.status, 413);
    const list = await w.bankCall("GET", `${BANK_API}/contracts?q=%EF%BC%91`);
    assert.equal(list.body.total, 0, "nothing of the refused registrations was written");
  });

  test("staff roles: branch officers read and register incidents; auditors read and see the audit trail; only HQ changes", async () => {
    const c = await registerContract(w, { contractId: nextContractId() });
    const branch = await staffClient(w, "BRANCH_OFFICER");
    const auditor = await staffClient(w, "AUDITOR");
    for (const client of [branch, auditor]) {
      assert.equal((await client.get(`${BANK_API}/contracts`)).status, 200);
      assert.equal((await client.get(`${BANK_API}/contracts/${c.contractId}`)).status, 200);
      for (const [path, body] of [
        ["/contracts", newContract()],
        [`/contracts/${c.contractId}/card`, {}],
        [`/contracts/${c.contractId}/unlock`, {}],
        [`/contracts/${c.contractId}/reset-activation`, {}],
        [`/contracts/${c.contractId}/registration-pin`, { registrationPin: "5678" }],
        [`/contracts/${c.contractId}/incident/release`, {}],
        [`/contracts/${c.contractId}/admin-certificate/reissue`, {}],
        ["/tokens", { tokens: [{ serial: "TK-0001", secret: base32Encode(Buffer.alloc(20, 1)) }] }],
        ["/staff", { username: "someone", password: "long enough password", role: "AUDITOR" }],
      ] as const) {
        const r = await client.post(`${BANK_API}${path}`, body);
        assert.equal(r.status, 403, path);
        assert.equal(r.body.code, "BANK_ROLE_FORBIDDEN", path);
      }
    }
    assert.equal((await branch.get(`${BANK_API}/audit`)).body.code, "BANK_ROLE_FORBIDDEN");
    assert.equal((await auditor.get(`${BANK_API}/audit`)).status, 200);
    assert.equal((await auditor.post(`${BANK_API}/contracts/${c.contractId}/incident`, {})).body.code, "BANK_ROLE_FORBIDDEN");
    const inc = await branch.post(`${BANK_API}/contracts/${c.contractId}/incident`, { note: "紛失の電話" });
    assert.equal(inc.status, 200);
    assert.equal(inc.body.incidentRegistered, true);
    assert.equal((await branch.post(`${BANK_API}/contracts/${c.contractId}/incident`, {})).body.code, "INCIDENT_ALREADY_REGISTERED");
    assert.equal((await w.bankCall("POST", `${BANK_API}/contracts/${c.contractId}/incident/release`, {})).status, 200);
    assert.equal((await w.bankCall("POST", `${BANK_API}/contracts/${c.contractId}/incident/release`, {})).body.code, "INCIDENT_NOT_REGISTERED");
    const roster = await w.bankCall("POST", `${BANK_API}/staff`, { username: "new.auditor", password: "a long enough password", role: "AUDITOR" });
    assert.equal(roster.status, 201);
    assert.equal((await w.bankCall("POST", `${BANK_API}/staff`, { username: "new.auditor", password: "a long enough password", role: "AUDITOR" })).body.code, "BANK_STAFF_EXISTS");
    assert.equal((await w.bankCall("POST", `${BANK_API}/staff`, { username: "x", password: "short", role: "AUDITOR" })).body.code, "BANK_STAFF_INPUT_INVALID");
  });

  test("staff login: wrong passwords are counted and lock the account; logout; CSRF; sessions of another kind refused", async () => {
    await staffClient(w, "AUDITOR", "locked.one");
    const c = w.browser();
    const login = (password: string, username = "locked.one") => c.post(`${BANK_API}/login`, { institutionCode: INSTITUTION_CODE, username, password });
    assert.equal((await login("wrong password")).body.code, "BANK_AUTH_FAILED");
    assert.equal((await login("whatever", "nobody.here")).body.code, "BANK_AUTH_FAILED", "unknown and wrong look the same");
    for (let i = 2; i <= 6; i++) assert.equal((await login("wrong password")).body.code, "BANK_AUTH_FAILED");
    const seventh = await login("wrong password");
    assert.equal(seventh.status, 403);
    assert.equal(seventh.body.code, "BANK_STAFF_LOCKED");
    assert.equal((await login("another long password 42")).body.code, "BANK_STAFF_LOCKED");
    assert.equal((await auditOf(w, "bank_staff.locked", "locked.one")).length, 1);
    for (const [body, code] of [
      [{ institutionCode: "0000", username: HQ.username, password: HQ.password }, "INSTITUTION_UNKNOWN"],
      [{ institutionCode: INSTITUTION_CODE, username: HQ.username }, "VALIDATION_FAILED"],
      [{ institutionCode: INSTITUTION_CODE, username: HQ.username, password: { x: 1 } }, "VALIDATION_FAILED"],
    ] as const) {
      assert.equal((await c.post(`${BANK_API}/login`, body)).body.code, code);
    }
    const hq = w.browser();
    await loginBank(hq, { institutionCode: INSTITUTION_CODE, ...HQ });
    assert.equal(hq.cookie("inkan_bank")?.path, "/api/bank");
    const noCsrf = await hq.post(`${BANK_API}/contracts/${nextContractId()}/incident`, {}, { csrf: false });
    assert.equal(noCsrf.status, 403);
    assert.equal(noCsrf.body.code, "CSRF_INVALID");
    const asAdmin = await w.browser().get(`${ADMIN_API}/status`, { headers: { cookie: `inkan_admin=${hq.cookie("inkan_bank")!.value}` } });
    assert.equal(asAdmin.status, 401, "a bank session is no admin session");
    assert.equal((await hq.post(`${BANK_API}/logout`)).status, 204);
    assert.equal((await hq.get(`${BANK_API}/session`)).status, 401);
  });

  test("BO-2 reissue of the customer card: the old grid stops working, the new one works", async () => {
    const { contract, pc } = await readyAdmin(w, { login: false });
    const r = await w.bankCall("POST", `${BANK_API}/contracts/${contract.contractId}/card`, { reason: "紛失" });
    assert.equal(r.status, 200);
    const newGrid = r.body.grid as typeof contract.grid;
    const detail = await w.bankCall("GET", `${BANK_API}/contracts/${contract.contractId}`);
    assert.deepEqual((detail.body.cards as { status: string }[]).map((c) => c.status), ["ACTIVE", "REVOKED"]);
    const admin = w.browser();
    await adminCertificateStep(admin, pc);
    const pin = await admin.post<{ card: { positions: string[] } }>(`${ADMIN_API}/login/pin`, { pin: SYACHO.loginPin });
    const oldAnswer = cardAnswer(contract.grid, pin.body.card.positions);
    const newAnswer = cardAnswer(newGrid, pin.body.card.positions);
    if (oldAnswer !== newAnswer) assert.equal((await admin.post(`${ADMIN_API}/login/card`, { answer: oldAnswer })).body.code, "CARD_OTP_MISMATCH");
    const state = await admin.get<{ card: { positions: string[] } }>(`${ADMIN_API}/login`);
    assert.equal((await admin.post(`${ADMIN_API}/login/card`, { answer: cardAnswer(newGrid, state.body.card.positions) })).status, 200);
  });

  test("BO-3 unlock needs a locked contract; R-LOCK-5 reset sends the admin back to activation", async () => {
    const { contract, admin, pc } = await readyAdmin(w);
    const notLocked = await w.bankCall("POST", `${BANK_API}/contracts/${contract.contractId}/unlock`, {});
    assert.equal(notLocked.status, 409);
    assert.equal(notLocked.body.code, "CONTRACT_NOT_LOCKED");
    const reset = await w.bankCall("POST", `${BANK_API}/contracts/${contract.contractId}/reset-activation`, { note: "暗証番号失念" });
    assert.equal(reset.status, 200);
    assert.equal(reset.body.state, "REGISTERED");
    assert.equal((await admin.get(`${ADMIN_API}/status`)).status, 401, "the admin's session ended");
    const row = await contractRow(w, contract.contractId);
    assert.equal(row.adminLoginPinHash, null);
    // The certificate step tells nothing; the registration PIN (the contract PIN before
    // activation) is told to activate first.
    const again = w.browser();
    assert.equal((await adminCertificateStep(again, pc)).status, 200);
    assert.equal((await again.post(`${ADMIN_API}/login/pin`, { pin: "1234" })).body.code, "CONTRACT_NOT_ACTIVATED");
    await activateAdmin(w.browser(), { institutionCode: INSTITUTION_CODE, contractId: contract.contractId, loginPin: "newpin01", confirmPin: "newpin02", grid: contract.grid });
    assert.equal((await loginAdmin(w.browser(), pc, { pin: "newpin01", grid: contract.grid })).status, 200);
    assert.equal((await mailsOf(w, "PIN_LOCK_RELEASED", SYACHO.email)).filter((m) => m.body.includes(contract.contractId.slice(-4))).length, 1);
    assert.equal((await auditOf(w, "contract.reset_to_pre_activation", contract.contractId)).length, 1);
  });

  test("registration PIN change (HQ): the new PIN opens activation, the old one counts as wrong", async () => {
    const c = await registerContract(w, { contractId: nextContractId() });
    const r = await w.bankCall("POST", `${BANK_API}/contracts/${c.contractId}/registration-pin`, { registrationPin: "5678" });
    assert.equal(r.status, 200);
    assert.equal((await w.bankCall("POST", `${BANK_API}/contracts/${c.contractId}/registration-pin`, { registrationPin: "56789" })).body.code, "REGISTRATION_PIN_FORMAT");
    const start = (pin: string) => w.browser().post(`${ADMIN_API}/activation/start`, { institutionCode: INSTITUTION_CODE, contractId: c.contractId, registrationPin: pin });
    assert.equal((await start("1234")).body.code, "ADMIN_AUTH_FAILED");
    assert.equal((await start("5678")).status, 200);
  });

  test("BO-4 after the admin certificate expired: acquisition is refused until HQ reopens the window", async () => {
    const { contract, pc } = await readyAdmin(w, { login: false });
    const saved = w.p.clock.now().getTime();
    try {
      w.p.clock.advanceDays(400);
      const acquire = (client: PortalClient, p: Pc) => acquireAdminCertificate(client, p, { institutionCode: INSTITUTION_CODE, contractId: contract.contractId, ...SYACHO });
      await assert.rejects(acquire(w.browser(), new Pc("PC-C")), /CERT_ACQUISITION_PERIOD_EXPIRED/);
      const r = await w.bankCall("POST", `${BANK_API}/contracts/${contract.contractId}/admin-certificate/reissue`, { note: "電子証明書再発行依頼書" });
      assert.equal(r.status, 200);
      assert.equal((r.body.revoked as string[]).length, 1);
      assert.equal((r.body.contract as { certWindowStart: string }).certWindowStart, localDate(w));
      assert.equal(r.body.windowClosesOn, localDate(w, 79));
      const pcNew = new Pc("PC-new");
      await acquire(w.browser(), pcNew);
      assert.equal((await loginAdmin(w.browser(), pcNew, { pin: SYACHO.loginPin, grid: contract.grid })).status, 200);
      assert.equal((await adminCertificateStep(w.browser(), pc)).body.code, "CERT_REVOKED");
    } finally {
      w.p.clock.set(saved);
    }
  });

  test("hardware-token seeds load in bulk, sealed, all or nothing", async () => {
    const secret = Buffer.from("12345678901234567890");
    const r = await w.bankCall("POST", `${BANK_API}/tokens`, {
      tokens: [
        { serial: "TK-1001", secret: base32Encode(secret) },
        { serial: "TK-1002", secret: base32Encode(Buffer.alloc(32, 7)), algorithm: "SHA256", digits: 8, stepSeconds: 60 },
      ],
    });
    assert.equal(r.status, 201);
    assert.deepEqual(r.body.serials, ["TK-1001", "TK-1002"]);
    const [row] = await w.p.db.select().from(hardwareTokens).where(eq(hardwareTokens.serial, "TK-1001"));
    assert.equal(row?.status, "STOCK");
    assert.ok(!row!.secretSealed.includes(secret), "the secret is not stored in clear");
    assert.deepEqual(openTokenSecret(w.p.keyring, row!), secret);
    const dup = await w.bankCall("POST", `${BANK_API}/tokens`, { tokens: [{ serial: "TK-1003", secret: base32Encode(secret) }, { serial: "TK-1001", secret: base32Encode(secret) }] });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.code, "TOKEN_SERIAL_EXISTS");
    assert.equal((await w.p.db.select().from(hardwareTokens).where(eq(hardwareTokens.serial, "TK-1003"))).length, 0, "nothing of the batch was written");
    for (const tokens of [
      [{ serial: "TK-2001", secret: "not base32!" }],
      [{ serial: "TK-2001", secret: base32Encode(Buffer.alloc(4, 1)) }],
      [{ serial: "トークン", secret: base32Encode(secret) }],
    ]) {
      const bad = await w.bankCall("POST", `${BANK_API}/tokens`, { tokens });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.code, "TOKEN_INPUT_INVALID");
    }
    for (const tokens of [[], [{ serial: "TK-2002" }], [{ serial: "TK-2003", secret: base32Encode(secret), digits: 7 }]]) {
      assert.equal((await w.bankCall("POST", `${BANK_API}/tokens`, { tokens })).body.code, "VALIDATION_FAILED");
    }
  });

  test("search, detail and not-found; the audit trail reads newest first and verifies", async () => {
    const a = await registerContract(w, { contractId: nextContractId(), companyName: "検索テスト株式会社" });
    const byName = await w.bankCall("GET", `${BANK_API}/contracts?q=${encodeURIComponent("検索テスト")}`);
    assert.deepEqual((byName.body.items as { contractId: string }[]).map((i) => i.contractId), [a.contractId]);
    const byPrefix = await w.bankCall("GET", `${BANK_API}/contracts?q=${a.contractId.slice(0, 6)}&limit=200`);
    assert.ok((byPrefix.body.items as { contractId: string }[]).some((i) => i.contractId === a.contractId));
    const registered = await w.bankCall("GET", `${BANK_API}/contracts?state=REGISTERED&locked=false`);
    assert.ok((registered.body.items as { state: string }[]).every((i) => i.state === "REGISTERED"));
    for (const q of ["state=FROZEN", "limit=0", "limit=abc", "offset=-1", "q=" + "x".repeat(61), "locked=maybe"]) {
      const r = await w.bankCall("GET", `${BANK_API}/contracts?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(r.body.code, "VALIDATION_FAILED", q);
    }
    assert.equal((await w.bankCall("GET", `${BANK_API}/contracts/99999999997`)).body.code, "CONTRACT_NOT_FOUND");
    assert.equal((await w.bankCall("GET", `${BANK_API}/contracts/abc`)).body.code, "VALIDATION_FAILED");
    assert.equal((await w.bankCall("POST", `${BANK_API}/contracts/99999999997/unlock`, {})).status, 404);
    const trail = await w.bankCall("GET", `${BANK_API}/audit?limit=5`);
    assert.equal(trail.status, 200);
    const items = trail.body.items as { seq: number; action: string }[];
    assert.equal(items.length, 5);
    assert.ok(items[0]!.seq > items[4]!.seq);
    const next = await w.bankCall("GET", `${BANK_API}/audit?limit=5&beforeSeq=${trail.body.nextBeforeSeq}`);
    assert.ok((next.body.items as { seq: number }[])[0]!.seq < items[4]!.seq);
    const only = await w.bankCall("GET", `${BANK_API}/audit?action=contract.registered&subject=${a.contractId}`);
    assert.equal((only.body.items as unknown[]).length, 1);
    assert.equal((await w.bankCall("GET", `${BANK_API}/audit?limit=9999`)).body.code, "VALIDATION_FAILED");
    assert.equal((await verifyAudit(w.p.db, w.p.keyring)).ok, true);
  });
});
