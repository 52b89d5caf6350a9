/**
 * The console's audit desk (issue 11): filters by time, actor, action and contract / customer,
 * paging both ways with the total, the chain's verify status (verified, then broken at the
 * edited row), the CSV export (BOM, RFC 4180 quoting, formula-safe cells, audited), roles,
 * tenancy across two institutions and bad input with stable codes.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { eq, sql } from "drizzle-orm";
import { appendAudit, type AuditEntry } from "../../src/services/audit.js";
import { csvCell } from "../../src/services/bank/csv.js";
import { auditEvents } from "../../src/store/schema/index.js";
import { BANK_API, type PortalClient } from "../support/browser-client.js";
import { forEachDatabase } from "../support/db.js";
import { makeDeskWorld, type DeskWorld } from "./bank-desks-support.js";

const EVENTS = `${BANK_API}/audit/events`;

/** RFC 4180 reader (quoted fields with doubled quotes and line breaks), to check what a spreadsheet sees. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

forEachDatabase("bank console audit desk", (kind) => {
  let w: DeskWorld;
  let auditor: PortalClient;
  let branch: PortalClient;
  let otherHq: PortalClient;
  let mine: number[];

  async function write(at: string, e: Omit<AuditEntry, "institutionId">, institutionId = w.institution.id): Promise<number> {
    w.p.clock.set(at);
    await w.p.db.transaction((tx) => appendAudit(tx, w.p.keyring, w.p.clock, { ...e, institutionId }));
    const [r] = await w.p.db.select({ seq: auditEvents.seq }).from(auditEvents).orderBy(sql`${auditEvents.seq} desc`).limit(1);
    return r!.seq;
  }

  before(async () => {
    w = await makeDeskWorld(kind, { now: "2026-03-01T00:00:00Z" });
    mine = [
      await write("2026-03-02T01:00:00Z", { actor: "bank:hq.operator", action: "contract.registered", subject: "12345678901", detail: { companyName: "○×株式会社" } }),
      await write("2026-03-02T02:00:00Z", { actor: "user:12345678901/clerk01", action: "user.locked", subject: "12345678901/clerk01", detail: {} }),
      await write("2026-03-03T01:00:00Z", { actor: "bank:hq.operator", action: "contract.lock_released", subject: "12345678901", detail: { note: '=HYPERLINK("http://evil","x")' } }),
      await write("2026-03-04T01:00:00Z", { actor: "tw:A123456789", action: "tw.login", subject: "tw:A123456789", detail: { via: "password" } }),
      await write("2026-03-05T01:00:00Z", { actor: "bank:branch.one", action: "sec.mobile_bound", subject: "sec:F223456789", detail: { note: 'line one\nline "two", three' } }),
      await write("2026-03-06T01:00:00Z", { actor: "+cmd|' /C calc'!A0", action: "contract.note", subject: "@SUM(1+1)", detail: {} }),
    ];
    await write("2026-03-02T03:00:00Z", { actor: "bank:hq.operator", action: "contract.registered", subject: "12345678901", detail: { companyName: "other bank's customer" } }, w.other.id);
    // Staff sign in after the rows were written (moving the clock would end their sessions).
    w.p.clock.set("2026-03-07T00:00:00Z");
    auditor = await w.staff("AUDITOR");
    branch = await w.staff("BRANCH_OFFICER");
    otherHq = await w.staff("HQ_OPERATOR", "other");
  });
  after(() => w.close());

  const seqs = (r: { body: Record<string, unknown> }): number[] => (r.body.items as { seq: number }[]).map((i) => i.seq);
  const mineOnly = async (q: string): Promise<number[]> => seqs(await auditor.get(`${EVENTS}?${q}`)).filter((s) => mine.includes(s));

  test("filters: period, actor (with or without its prefix), action prefix, contract with its users, TW and securities customers", async () => {
    assert.deepEqual(await mineOnly("from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z"), [mine[1], mine[0]]);
    assert.deepEqual(await mineOnly("from=2026-03-05"), [mine[5], mine[4]], "a date is the start of that day (UTC)");
    assert.deepEqual(await mineOnly("actor=bank:hq.operator"), [mine[2], mine[0]]);
    assert.deepEqual(await mineOnly("actor=hq.operator"), [mine[2], mine[0]]);
    assert.deepEqual(await mineOnly("action=contract.lock"), [mine[2]]);
    assert.deepEqual(await mineOnly("action=contract."), [mine[5], mine[2], mine[0]]);
    assert.deepEqual(await mineOnly("subject=12345678901"), [mine[2], mine[1], mine[0]], "the contract's rows and its users'");
    assert.deepEqual(await mineOnly("subject=12345678901/clerk01"), [mine[1]]);
    assert.deepEqual(await mineOnly("subject=A123456789"), [mine[3]]);
    assert.deepEqual(await mineOnly("subject=F223456789"), [mine[4]]);
    assert.deepEqual(await mineOnly("subject=1234567890"), [], "a prefix of a contract ID is another contract");
    assert.deepEqual(await mineOnly("action=contract_%25"), [], "LIKE wildcards are literal");
    const r = await auditor.get(`${EVENTS}?subject=12345678901`);
    assert.equal(r.body.total, 3);
    const row = (r.body.items as { seq: number; detail: unknown; at: string }[]).find((i) => i.seq === mine[0])!;
    assert.deepEqual(row.detail, { companyName: "○×株式会社" });
    assert.equal(row.at, "2026-03-02T01:00:00.000Z");
  });

  test("paging down and back up by seq, with the total of every matching row", async () => {
    const all = await auditor.get(`${EVENTS}?limit=200`);
    const total = all.body.total as number;
    assert.equal(seqs(all).length, total);
    const p1 = await auditor.get(`${EVENTS}?limit=2`);
    assert.equal(p1.body.total, total);
    assert.equal(p1.body.newerAfterSeq, null, "the first page has nothing newer");
    assert.deepEqual(seqs(p1), seqs(all).slice(0, 2));
    const p2 = await auditor.get(`${EVENTS}?limit=2&beforeSeq=${p1.body.olderBeforeSeq}`);
    assert.deepEqual(seqs(p2), seqs(all).slice(2, 4));
    assert.equal(typeof p2.body.newerAfterSeq, "number");
    const back = await auditor.get(`${EVENTS}?limit=2&afterSeq=${p2.body.newerAfterSeq}`);
    assert.deepEqual(seqs(back), seqs(p1), "the way back up shows the first page again");
    assert.equal(back.body.newerAfterSeq, null);
    let before: unknown = p1.body.olderBeforeSeq;
    const seen = [...seqs(p1)];
    while (before !== null) {
      const p = await auditor.get(`${EVENTS}?limit=2&beforeSeq=${before}`);
      seen.push(...seqs(p));
      before = p.body.olderBeforeSeq;
    }
    assert.deepEqual(seen, seqs(all), "walking down reaches every row once");
  });

  test("tenancy: each institution sees its own rows only; a branch officer sees none; no session, no trail", async () => {
    const theirs = await otherHq.get(`${EVENTS}?limit=200`);
    assert.equal(theirs.status, 200);
    assert.ok(seqs(theirs).every((s) => !mine.includes(s)));
    assert.ok((theirs.body.items as { detail: { companyName?: string } }[]).some((i) => i.detail.companyName === "other bank's customer"));
    const own = await auditor.get(`${EVENTS}?limit=200`);
    assert.ok(!(own.body.items as { detail: { companyName?: string } }[]).some((i) => i.detail.companyName === "other bank's customer"));
    const csv = await otherHq.get(`${BANK_API}/audit.csv?subject=12345678901`);
    assert.ok(!csv.raw.includes("○×株式会社"));
    for (const url of [EVENTS, `${BANK_API}/audit/verify`, `${BANK_API}/audit.csv`]) {
      const r = await branch.get(url);
      assert.equal(r.status, 403, url);
      assert.equal(r.body.code, "BANK_ROLE_FORBIDDEN");
      const anon = await w.browser().get(url);
      assert.equal(anon.status, 401, url);
    }
  });

  test("CSV: BOM, CRLF, quoting, formula-safe cells, oldest first, and the export itself audited", async () => {
    const r = await auditor.get(`${BANK_API}/audit.csv?from=2026-03-02&to=2026-03-07`);
    assert.equal(r.status, 200);
    assert.match(String(r.headers["content-type"]), /^text\/csv; charset=utf-8/);
    assert.match(String(r.headers["content-disposition"]), /^attachment; filename="inkan-audit-1286-\d{8}\.csv"$/);
    assert.equal(r.headers["x-inkan-rows"], "6");
    assert.ok(r.raw.startsWith("\uFEFFseq,at,actor,action,subject,detail\r\n"), JSON.stringify(r.raw.slice(0, 60)));
    const rows = parseCsv(r.raw.slice(1));
    assert.deepEqual(rows[0], ["seq", "at", "actor", "action", "subject", "detail"]);
    assert.deepEqual(rows.slice(1).map((x) => Number(x[0])), mine, "oldest first");
    assert.deepEqual(rows[1], [String(mine[0]), "2026-03-02T01:00:00.000Z", "bank:hq.operator", "contract.registered", "12345678901", '{"companyName":"○×株式会社"}']);
    assert.equal(JSON.parse(rows[3]![5]!).note, '=HYPERLINK("http://evil","x")', "JSON starts with {: no prefix needed");
    assert.equal(JSON.parse(rows[5]![5]!).note, 'line one\nline "two", three', "quotes, commas and line breaks survive");
    assert.deepEqual(rows[6]!.slice(2, 5), ["'+cmd|' /C calc'!A0", "contract.note", "'@SUM(1+1)"], "formula cells are text");
    for (const x of rows) assert.equal(x.length, 6);
    assert.equal(csvCell("-2+3"), "'-2+3");
    assert.equal(csvCell("=1,2"), `"'=1,2"`);
    assert.equal(csvCell("\t=x"), "'\t=x");
    assert.equal(csvCell('a"b'), '"a""b"');
    assert.equal(csvCell(null), "");
    const exported = await w.p.db.select().from(auditEvents).where(eq(auditEvents.action, "audit.exported"));
    const mineExport = exported.find((e) => e.institutionId === w.institution.id && (e.detail as { rows: number }).rows === 6);
    assert.ok(mineExport, "the export is in the trail");
    assert.deepEqual((mineExport.detail as { filter: unknown }).filter, { from: "2026-03-02", to: "2026-03-07" });
    assert.match(mineExport.actor, /^bank:auditor\./);
  });

  test("verify status: verified up to the last row, then broken at the row edited behind the application's back", async () => {
    const ok = await auditor.get(`${BANK_API}/audit/verify`);
    assert.equal(ok.status, 200);
    assert.equal(ok.body.ok, true);
    const [last] = await w.p.db.select().from(auditEvents).orderBy(sql`${auditEvents.seq} desc`).limit(1);
    assert.equal(ok.body.verifiedSeq, last!.seq);
    assert.equal(ok.body.lastAt, last!.at.toISOString());
    assert.equal(ok.body.checkedAt, w.p.clock.now().toISOString());
    await w.p.db.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`);
    await w.p.db.execute(sql`UPDATE audit_events SET actor = 'bank:someone.else' WHERE seq = ${mine[2]}`);
    await w.p.db.execute(sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`);
    const broken = await auditor.get(`${BANK_API}/audit/verify`);
    assert.deepEqual({ ok: broken.body.ok, brokenAt: broken.body.brokenAt, reason: broken.body.reason, verifiedSeq: broken.body.verifiedSeq }, { ok: false, brokenAt: mine[2], reason: "edited", verifiedSeq: mine[2]! - 1 });
  });

  test("verify and CSV are bounded per address: the 21st within a minute answers 429", async () => {
    let last = 0;
    for (let i = 0; i < 21; i++) last = (await auditor.get(`${BANK_API}/audit/verify`)).status;
    assert.equal(last, 429);
    const r = await auditor.get(`${BANK_API}/audit/verify`);
    assert.equal(r.body.code, "RATE_LIMITED");
    assert.equal((await auditor.get(`${EVENTS}?limit=1`)).status, 200, "the list is not limited");
  });

  test("bad input: malformed times, an empty period, both directions at once, limits and unknown filters — stable codes", async () => {
    const cases: [string, string, string[] | undefined][] = [
      ["from=yesterday", "BANK_AUDIT_QUERY_INVALID", ["from"]],
      ["to=2026-13-45T99:00:00Z", "BANK_AUDIT_QUERY_INVALID", ["to"]],
      ["from=2026-03-05&to=2026-03-05", "BANK_AUDIT_QUERY_INVALID", ["from", "to"]],
      ["from=2026-03-06&to=2026-03-01", "BANK_AUDIT_QUERY_INVALID", ["from", "to"]],
      ["beforeSeq=5&afterSeq=2", "BANK_AUDIT_QUERY_INVALID", ["beforeSeq", "afterSeq"]],
      ["limit=0", "VALIDATION_FAILED", undefined],
      ["limit=201", "VALIDATION_FAILED", undefined],
      ["beforeSeq=abc", "VALIDATION_FAILED", undefined],
      ["afterSeq=-1", "VALIDATION_FAILED", undefined],
      [`actor=${"x".repeat(101)}`, "VALIDATION_FAILED", undefined],
    ];
    for (const [q, code, fields] of cases) {
      const r = await auditor.get(`${EVENTS}?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(r.body.code, code, q);
      if (fields) assert.deepEqual(r.body.fields, fields, q);
      assert.ok(typeof r.body.message === "string" && r.body.message.length > 0);
    }
    const csv = await auditor.get(`${BANK_API}/audit.csv?from=nope`);
    assert.equal(csv.body.code, "BANK_AUDIT_QUERY_INVALID");
  });
});
