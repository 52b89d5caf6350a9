/**
 * The customer card as a PDF (issue 11, BO-1/BO-2): the card just issued, sent back by the
 * console, comes out as a PDF whose text (`pdftotext`) has the institution, the contract ID, the
 * company, the grid ア…ク with its digits in order and the help-desk line; any other grid, a
 * reissued card, another institution's contract, a branch officer, a request without the CSRF
 * token or malformed input is refused with a stable code; the printing is audited without the grid.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { and, eq } from "drizzle-orm";
import bankCardRoutes from "../../src/http/routes/bank-card.js";
import { CARD_POSITIONS, type CardGrid } from "../../src/domain/corporate/card.js";
import { createBankStaff, type BankRole } from "../../src/services/corporate/bank-staff.js";
import { createInstitution } from "../../src/services/institutions.js";
import { auditEvents } from "../../src/store/schema/index.js";
import { BANK_API } from "../support/browser-client.js";
import { INSTITUTION_CODE, makeCorporateWorld, registerContract, type CorporateWorld } from "../support/corporate-fixture.js";
import { forEachDatabase } from "../support/db.js";
import { runToolOk, withTmpDir, writeTmp } from "../support/openssl.js";

const PASSWORD = "a long console password";

forEachDatabase("bank customer card PDF", (kind) => {
  let w: CorporateWorld;

  /** A staff session through the API: its cookie and CSRF token, for raw (binary) answers. */
  async function staff(username: string, role: BankRole, institution = { id: w.institution.id, code: INSTITUTION_CODE }): Promise<{ cookie: string; csrf: string }> {
    await createBankStaff(w.p, { institutionId: institution.id, username, password: PASSWORD, role });
    const r = await w.app.inject({ method: "POST", url: `${BANK_API}/login`, headers: { origin: w.origin }, payload: { institutionCode: institution.code, username, password: PASSWORD } });
    assert.equal(r.statusCode, 200, r.body);
    const c = r.cookies.find((x) => x.name === "inkan_bank")!;
    return { cookie: `${c.name}=${c.value}`, csrf: (r.json() as { csrfToken: string }).csrfToken };
  }

  const pdf = (s: { cookie: string; csrf: string }, contractId: string, body: unknown, csrf = true) =>
    w.app.inject({ method: "POST", url: `${BANK_API}/contracts/${contractId}/card.pdf`, headers: { cookie: s.cookie, origin: w.origin, ...(csrf ? { "x-csrf-token": s.csrf } : {}), "content-type": "application/json" }, payload: JSON.stringify(body) });

  before(async () => {
    w = await makeCorporateWorld(kind, { routes: () => [{ plugin: bankCardRoutes, options: {}, prefix: BANK_API }] });
  });
  after(() => w.close());

  test("the card just issued as a PDF: institution, contract ID, company, ア…ク with their digits, help desk — audited without the grid", async () => {
    const hq = await staff("hq.card", "HQ_OPERATOR");
    const c = await registerContract(w, { contractId: "31000000001", companyName: "○×株式会社" });
    const cardId = (c.answer.body.card as { cardId: string }).cardId;
    const res = await pdf(hq, c.contractId, { cardId, grid: c.grid });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers["content-type"], "application/pdf");
    assert.equal(res.headers["content-disposition"], `attachment; filename="card-${c.contractId}.pdf"`);
    assert.equal(res.headers["cache-control"], "no-store");
    const text = await withTmpDir(async (dir) => (await runToolOk("pdftotext", ["-raw", await writeTmp(dir, "card.pdf", res.rawPayload), "-"])).stdout.replace(/\s+/g, " ").trim());
    assert.ok(text.startsWith("ひらつか信用金庫 お客様カード"), text);
    assert.ok(text.includes(`契約者ID ${c.contractId}`), text);
    assert.ok(text.includes("お客様名 ○×株式会社"), text);
    // Each position with its two digits, in order (the grid's cells are drawn position then digits).
    assert.ok(text.includes(`位置 数字 ${CARD_POSITIONS.map((p) => `${p} ${c.grid[p]}`).join(" ")}`), text);
    assert.ok(text.includes("お問合せ窓口：0120-123-234"), text);
    assert.ok(text.includes(cardId), text);
    const [row] = await w.p.db.select().from(auditEvents).where(and(eq(auditEvents.action, "card.printed"), eq(auditEvents.subject, c.contractId)));
    assert.ok(row, "audited");
    assert.equal(row.actor, "bank:hq.card");
    const detail = JSON.stringify(row.detail);
    assert.ok(detail.includes(cardId));
    for (const p of CARD_POSITIONS) assert.ok(!detail.includes(`"${p}"`), "no grid in the audit row");
  });

  test("the English card reads in English", async () => {
    const hq = await staff("hq.card.en", "HQ_OPERATOR");
    const c = await registerContract(w, { contractId: "31000000002", companyName: "Acme KK", locale: "en" });
    const cardId = (c.answer.body.card as { cardId: string }).cardId;
    const res = await pdf(hq, c.contractId, { cardId, grid: c.grid });
    assert.equal(res.statusCode, 200, res.body);
    const text = await withTmpDir(async (dir) => (await runToolOk("pdftotext", ["-raw", await writeTmp(dir, "card.pdf", res.rawPayload), "-"])).stdout.replace(/\s+/g, " ").trim());
    assert.ok(text.startsWith("Hiratsuka Shinkin Bank Customer card"), text);
    assert.ok(text.includes(`Contract ID ${c.contractId}`) && text.includes("Help desk: 0120-123-234"), text);
  });

  test("refused: another grid, a reissued card, a branch officer, another institution, no CSRF token, malformed input", async () => {
    const hq = await staff("hq.card.2", "HQ_OPERATOR");
    const c = await registerContract(w, { contractId: "31000000003" });
    const cardId = (c.answer.body.card as { cardId: string }).cardId;
    const wrong: CardGrid = { ...c.grid, ア: c.grid.ア === "00" ? "01" : "00" };
    const bad = await pdf(hq, c.contractId, { cardId, grid: wrong });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, "CONTRACT_INPUT_INVALID");
    assert.deepEqual(bad.json().fields, ["grid"]);
    assert.equal((await pdf(hq, c.contractId, { cardId: "not-the-card", grid: c.grid })).json().code, "CONTRACT_INPUT_INVALID");

    const branch = await staff("branch.card", "BRANCH_OFFICER");
    const forbidden = await pdf(branch, c.contractId, { cardId, grid: c.grid });
    assert.equal(forbidden.statusCode, 403);
    assert.equal(forbidden.json().code, "BANK_ROLE_FORBIDDEN");

    const noCsrf = await pdf(hq, c.contractId, { cardId, grid: c.grid }, false);
    assert.equal(noCsrf.statusCode, 403);
    assert.equal(noCsrf.json().code, "CSRF_INVALID");

    const other = await createInstitution(w.p, { id: "shinkin-1635", code: "1635", kind: "JP_SHINKIN", name: "別の信用金庫", nameEn: "Another Shinkin", contact: "0120-000-000", preset: "shinkin-default", policy: {} });
    const stranger = await staff("hq.other", "HQ_OPERATOR", { id: other.id, code: "1635" });
    const tenancy = await pdf(stranger, c.contractId, { cardId, grid: c.grid });
    assert.equal(tenancy.statusCode, 404);
    assert.equal(tenancy.json().code, "CONTRACT_NOT_FOUND");

    for (const body of [{ cardId, grid: { ア: "12" } }, { cardId }, { cardId, grid: { ...c.grid, ケ: "12" } }, { cardId, grid: c.grid, locale: "fr" }]) {
      const r = await pdf(hq, c.contractId, body);
      assert.equal(r.statusCode, 400, JSON.stringify(body));
      assert.equal(r.json().code, "VALIDATION_FAILED");
    }
    assert.equal((await pdf(hq, "12ab", { cardId, grid: c.grid })).json().code, "VALIDATION_FAILED");
    assert.equal((await pdf(hq, "39999999999", { cardId, grid: c.grid })).json().code, "CONTRACT_NOT_FOUND");

    // Reissued: the old card no longer prints, the new one does.
    const re = await w.bankCall("POST", `${BANK_API}/contracts/${c.contractId}/card`, {});
    assert.equal(re.status, 200, JSON.stringify(re.body));
    assert.equal((await pdf(hq, c.contractId, { cardId, grid: c.grid })).json().code, "CONTRACT_INPUT_INVALID");
    const fresh = re.body as { cardId: string; grid: CardGrid };
    assert.equal((await pdf(hq, c.contractId, { cardId: fresh.cardId, grid: fresh.grid })).statusCode, 200);
  });
});
