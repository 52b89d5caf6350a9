/**
 * Truncation of the audit trail (issue 8): a database owner disables the trigger, deletes the
 * last rows and rewrites audit_head. Without the audit key the head's MAC gives it away; with an
 * older genuine head put back from a backup, only a signed checkpoint kept outside the database
 * does. And the next append must not paper over a forged head.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { asc, eq, sql } from "drizzle-orm";
import { appendAudit, checkAuditHead, verifyAudit } from "../../src/services/audit.js";
import { checkpointKey, checkpointLine, takeCheckpoint, verifyAgainstCheckpoints, type Checkpoint } from "../../src/services/audit-checkpoint.js";
import type { Keyring } from "../../src/keyring.js";
import { auditEvents, auditHead } from "../../src/store/schema/index.js";
import { forEachDatabase, type DbKind } from "../support/db.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";

async function append(p: TestPlatform, n: number, from = 1): Promise<void> {
  for (let i = from; i < from + n; i++) {
    await p.db.transaction((tx) => appendAudit(tx, p.keyring, p.clock, { actor: "test", action: `step.${i}`, subject: `s${i}`, detail: { i } }));
    p.clock.advanceMinutes(1);
  }
}

async function checkpoint(p: TestPlatform): Promise<Checkpoint> {
  const r = await takeCheckpoint(p);
  assert.ok(r.ok, JSON.stringify(r));
  return r.checkpoint;
}

const head = async (p: TestPlatform) => (await p.db.select().from(auditHead).where(eq(auditHead.id, 1)))[0]!;
const lastRow = async (p: TestPlatform) => (await p.db.execute(sql`SELECT seq::int AS seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1`)) as unknown as { rows: { seq: number; hash: string }[] };

/** What an owner without the key can do: cut rows off the end, and point the head at the new last row. */
async function cutOff(p: TestPlatform, keepRows: number, head: { mac: "keep" | "null" } | { restore: { seq: number; hash: string; mac: string | null } }): Promise<void> {
  await p.db.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`);
  await p.db.execute(sql`DELETE FROM audit_events WHERE seq > ${keepRows}`);
  await p.db.execute(sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`);
  if ("restore" in head) {
    await p.db.update(auditHead).set(head.restore).where(eq(auditHead.id, 1));
    return;
  }
  const last = (await lastRow(p)).rows[0]!;
  await p.db.update(auditHead).set({ seq: last.seq, hash: last.hash, ...(head.mac === "null" ? { mac: null } : {}) }).where(eq(auditHead.id, 1));
}

forEachDatabase("audit truncation and signed checkpoints", (kind: DbKind) => {
  const opened: TestPlatform[] = [];
  const platform = async (): Promise<TestPlatform> => {
    const p = await makeTestPlatform(kind);
    opened.push(p);
    return p;
  };
  after(async () => {
    for (const p of opened) await p.close();
  });

  describe("on an untouched trail", () => {
    let p: TestPlatform;
    let first: Checkpoint;
    before(async () => {
      p = await platform();
      await append(p, 5);
      first = await checkpoint(p);
    });

    test("a checkpoint names the row count and the last row's hash, signed with the audit-checkpoint key", async () => {
      assert.equal(first.v, 1);
      assert.equal(first.seq, 6, "the head_sealed row and five entries");
      assert.equal(first.hash, (await lastRow(p)).rows[0]!.hash);
      assert.equal(first.at, p.clock.now().toISOString());
      assert.equal(first.keyId, checkpointKey(p.keyring).keyId);
      assert.match(checkpointLine(first), /^\{"v":1,"seq":6,"hash":"[0-9a-f]{64}","at":"[^"]+","keyId":"[0-9a-f]{16}","sig":"[A-Za-z0-9+/=]+"\}$/);
    });

    test("verify against the checkpoint passes, and still passes after more rows are appended", async () => {
      let r = await verifyAgainstCheckpoints(p, checkpointLine(first));
      assert.deepEqual(r, { ok: true, verdict: { ok: true, rows: 6, headSeq: 6 }, rows: 6, verified: 1, latest: { seq: 6, at: first.at }, problems: [] });
      await append(p, 3, 6);
      const second = await checkpoint(p);
      r = await verifyAgainstCheckpoints(p, `${checkpointLine(first)}\n${checkpointLine(second)}\n\n`);
      assert.equal(r.ok, true, r.problems.join("; "));
      assert.equal(r.verified, 2);
      assert.deepEqual(r.latest, { seq: 9, at: second.at });
    });

    test("the key is derived from the master key: the same on every process, another for another secret", async () => {
      const again = checkpointKey(p.keyring);
      assert.equal(again.keyId, first.keyId);
      const other = await platform();
      assert.notEqual(checkpointKey(other.keyring).keyId, first.keyId);
    });

    test("OpenSSL checks the signature with the public key alone (the README's recipe: jq -jcS 'del(.sig)')", () => {
      const dir = mkdtempSync(join(tmpdir(), "inkan-cp-"));
      try {
        const line = checkpointLine(first);
        const payload = spawnSync("jq", ["-jcS", "del(.sig)"], { input: line, encoding: "utf8" });
        assert.equal(payload.status, 0, payload.stderr);
        writeFileSync(join(dir, "payload"), payload.stdout);
        writeFileSync(join(dir, "sig"), Buffer.from(first.sig, "base64"));
        writeFileSync(join(dir, "pub.pem"), checkpointKey(p.keyring).publicKeyPem);
        const ok = spawnSync("openssl", ["pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "payload", "-sigfile", "sig"], { cwd: dir, encoding: "utf8" });
        assert.equal(ok.status, 0, ok.stderr);
        assert.match(ok.stdout, /Signature Verified Successfully/);
        writeFileSync(join(dir, "payload"), payload.stdout.replace(`"seq":${first.seq}`, `"seq":${first.seq - 1}`));
        const bad = spawnSync("openssl", ["pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "payload", "-sigfile", "sig"], { cwd: dir, encoding: "utf8" });
        assert.notEqual(bad.status, 0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test("an altered, foreign or malformed checkpoint line fails; so does a file without any", async () => {
      const altered = checkpointLine({ ...first, seq: first.seq - 1 });
      const other = await platform();
      await append(other, 1);
      const foreign = checkpointLine(await checkpoint(other));
      const r = await verifyAgainstCheckpoints(p, [altered, foreign, "{not json", checkpointLine(first)].join("\n"));
      assert.equal(r.ok, false);
      assert.equal(r.verified, 1, "the genuine line still verifies");
      assert.deepEqual(r.problems, [
        "line 1: the signature does not verify",
        `line 2: signed with key ${checkpointKey(other.keyring).keyId}, not this deployment's ${first.keyId}`,
        "line 3: not an Inkan audit checkpoint",
      ]);
      const empty = await verifyAgainstCheckpoints(p, "\n");
      assert.deepEqual(empty.problems, ["no checkpoint in the file"]);
      assert.equal(empty.ok, false);
    });
  });

  test("rows cut off and the head rewritten without the key: verify fails on the head MAC, the checkpoint on the row count", async () => {
    const p = await platform();
    await append(p, 6);
    const cp = await checkpoint(p);
    await cutOff(p, 4, { mac: "keep" });
    assert.deepEqual(await verifyAudit(p.db, p.keyring), { ok: false, rows: 4, brokenAt: 5, reason: "head-forged" });
    const r = await verifyAgainstCheckpoints(p, checkpointLine(cp));
    assert.equal(r.ok, false);
    assert.deepEqual(r.problems, [`rows cut off: the checkpoint of ${cp.at} covers 7 rows, the trail has 4 (line 1)`]);

    await p.db.update(auditHead).set({ mac: null }).where(eq(auditHead.id, 1));
    assert.deepEqual(await verifyAudit(p.db, p.keyring), { ok: false, rows: 4, brokenAt: 5, reason: "head-unsealed" }, "stripping the MAC does not help");
  });

  test("the next append does not launder the cut: it records audit.head_invalid, which verify reports for good", async () => {
    const p = await platform();
    await append(p, 6);
    const cp = await checkpoint(p);
    await cutOff(p, 4, { mac: "keep" });
    await append(p, 1, 100);
    const rows = await p.db.select().from(auditEvents).where(sql`${auditEvents.seq} > 4`).orderBy(asc(auditEvents.seq));
    assert.deepEqual(
      rows.map((r) => [r.seq, r.actor, r.action]),
      [
        [5, "system", "audit.head_invalid"],
        [6, "test", "step.100"],
      ],
    );
    assert.equal((rows[0]!.detail as { reason: string }).reason, "head-forged");
    assert.deepEqual(await verifyAudit(p.db, p.keyring), { ok: false, rows: 4, brokenAt: 5, reason: "head-forged" });
    await append(p, 2, 101);
    assert.deepEqual(await verifyAudit(p.db, p.keyring), { ok: false, rows: 4, brokenAt: 5, reason: "head-forged" }, "still, after more appends");
    const r = await verifyAgainstCheckpoints(p, checkpointLine(cp));
    assert.deepEqual(r.problems, [`rows changed: row 7 is not the row the checkpoint of ${cp.at} covered (line 1)`]);
  });

  test("a stripped MAC is not taken for an old head: the append records head-unsealed", async () => {
    const p = await platform();
    await append(p, 3);
    await cutOff(p, 3, { mac: "null" });
    await append(p, 1, 10);
    assert.deepEqual(await verifyAudit(p.db, p.keyring), { ok: false, rows: 3, brokenAt: 4, reason: "head-unsealed" });
  });

  test("an older genuine head restored from a backup passes plain verify; only the checkpoint catches the cut", async () => {
    const p = await platform();
    await append(p, 3);
    const backup = await head(p);
    await append(p, 4, 4);
    const cp = await checkpoint(p);
    await cutOff(p, backup.seq, { restore: { seq: backup.seq, hash: backup.hash, mac: backup.mac } });
    assert.deepEqual(await verifyAudit(p.db, p.keyring), { ok: true, rows: 4, headSeq: 4 }, "the chain and the genuine head verify");
    const r = await verifyAgainstCheckpoints(p, checkpointLine(cp));
    assert.equal(r.ok, false);
    assert.deepEqual(r.problems, [`rows cut off: the checkpoint of ${cp.at} covers 8 rows, the trail has 4 (line 1)`]);
    // The cut is also re-filled: new rows at the old seqs do not match what the checkpoint signed.
    await append(p, 5, 20);
    const refilled = await verifyAgainstCheckpoints(p, checkpointLine(cp));
    assert.deepEqual(refilled.problems, [`rows changed: row 8 is not the row the checkpoint of ${cp.at} covered (line 1)`]);
    assert.equal(refilled.verdict.ok, true, "the new rows chain correctly: nothing but the checkpoint shows the loss");
  });

  test("a row edited inside the range a checkpoint covers fails it", async () => {
    const p = await platform();
    await append(p, 4);
    const cp = await checkpoint(p);
    await p.db.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`);
    await p.db.execute(sql`UPDATE audit_events SET subject = 'someone else' WHERE seq = 3`);
    const r = await verifyAgainstCheckpoints(p, checkpointLine(cp));
    assert.deepEqual(r.problems, [`rows changed: the checkpoint of ${cp.at} covers 5 rows, but the chain breaks at row 3 (line 1)`]);
    assert.deepEqual(r.verdict, { ok: false, rows: 2, brokenAt: 3, reason: "edited" });
  });

  test("a broken trail gets no checkpoint", async () => {
    const p = await platform();
    await append(p, 3);
    await cutOff(p, 2, { mac: "keep" });
    assert.deepEqual(await takeCheckpoint(p), { ok: false, verdict: { ok: false, rows: 2, brokenAt: 3, reason: "head-forged" } });
  });

  test("at start the server records a forged head at once (checkAuditHead); an intact one is left alone", async () => {
    const p = await platform();
    assert.equal(await checkAuditHead(p), "ok", "an empty trail: nothing to do");
    assert.equal((await p.db.select().from(auditEvents)).length, 0);
    await append(p, 3);
    assert.equal(await checkAuditHead(p), "ok");
    assert.equal((await verifyAudit(p.db, p.keyring)).ok, true);
    await cutOff(p, 2, { mac: "keep" });
    assert.equal(await checkAuditHead(p), "head-forged");
    assert.deepEqual(await verifyAudit(p.db, p.keyring), { ok: false, rows: 2, brokenAt: 3, reason: "head-forged" });
  });

  describe("a trail written before heads had a MAC", () => {
    /** Rows as the previous version wrote them: the same row hashes, no head_sealed row, a head without MAC. */
    async function legacyTrail(p: TestPlatform, n: number): Promise<void> {
      let prev = "0".repeat(64);
      for (let seq = 1; seq <= n; seq++) {
        const at = p.clock.now();
        const r = { seq, at, actor: "old", action: `legacy.${seq}`, institutionId: null, subject: null, detail: { seq } };
        const hash = legacyHash(p.keyring, prev, r);
        await p.db.insert(auditEvents).values({ ...r, prevHash: prev, hash });
        prev = hash;
      }
      await p.db.insert(auditHead).values({ id: 1, seq: n, hash: prev });
    }

    test("verify reports the unsealed head; the server's start seals it once, recorded as audit.head_sealed", async () => {
      const p = await platform();
      await legacyTrail(p, 3);
      assert.deepEqual(await verifyAudit(p.db, p.keyring), { ok: false, rows: 3, brokenAt: 4, reason: "head-unsealed" });
      assert.equal(await checkAuditHead(p), "sealed");
      assert.deepEqual(await verifyAudit(p.db, p.keyring), { ok: true, rows: 4, headSeq: 4 });
      const [sealed] = await p.db.select().from(auditEvents).where(eq(auditEvents.seq, 4));
      assert.equal(sealed?.action, "audit.head_sealed");
      assert.deepEqual(sealed?.detail, { seq: 3 });
      assert.equal(await checkAuditHead(p), "ok", "once");
    });

    test("or the first append after the upgrade seals it; a later stripped MAC is then tampering", async () => {
      const p = await platform();
      await legacyTrail(p, 2);
      await append(p, 1);
      const actions = (await p.db.select().from(auditEvents).orderBy(asc(auditEvents.seq))).map((r) => r.action);
      assert.deepEqual(actions, ["legacy.1", "legacy.2", "audit.head_sealed", "step.1"]);
      assert.deepEqual(await verifyAudit(p.db, p.keyring), { ok: true, rows: 4, headSeq: 4 });
      await p.db.update(auditHead).set({ mac: null }).where(eq(auditHead.id, 1));
      await append(p, 1, 2);
      assert.deepEqual(await verifyAudit(p.db, p.keyring), { ok: false, rows: 4, brokenAt: 5, reason: "head-unsealed" });
    });
  });
});

// The row hash as services/audit.ts computes it (unchanged by head MACs), for writing a legacy trail.
function canonical(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v ?? null);
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(",")}}`;
}
function legacyHash(keyring: Keyring, prev: string, r: { seq: number; at: Date; actor: string; action: string; institutionId: null; subject: null; detail: unknown }): string {
  return keyring.hmac("audit", prev, canonical({ ...r, at: r.at.toISOString() })).toString("hex");
}
