/**
 * The development outbox page: what Inkan would have mailed or texted, for a newcomer running
 * the demo without an SMTP server or SMS carrier (the activation notice, the SMS one-time
 * password). The server mounts it in the demo only (`serve --demo`); in production /dev/* does
 * not exist: it shows message bodies — one-time codes included — to whoever can reach it.
 */
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import { InkanError } from "../../domain/errors.js";
import { listOutbox, OUTBOX_CHANNELS, OUTBOX_STATUSES, type OutboxFilter, type OutboxRow } from "../../notify/outbox.js";
import type { Db } from "../../store/database.js";

export interface OutboxRoutesOptions {
  db: Db;
}

const MAX_LIMIT = 500;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function parseFilter(q: unknown): OutboxFilter {
  const query = (typeof q === "object" && q !== null ? q : {}) as Record<string, unknown>;
  const f: OutboxFilter = { limit: 100 };
  const bad = (field: string): never => {
    throw new InkanError("NOTIFY_QUERY_INVALID", "invalid", { fields: [field] });
  };
  if (query.channel !== undefined) {
    if (!OUTBOX_CHANNELS.includes(query.channel as never)) bad("channel");
    f.channel = query.channel as OutboxFilter["channel"];
  }
  if (query.status !== undefined) {
    if (!OUTBOX_STATUSES.includes(query.status as never)) bad("status");
    f.status = query.status as OutboxFilter["status"];
  }
  if (query.limit !== undefined) {
    const n = typeof query.limit === "string" && /^\d{1,4}$/.test(query.limit) ? Number(query.limit) : NaN;
    if (!(n >= 1 && n <= MAX_LIMIT)) bad("limit");
    f.limit = n;
  }
  return f;
}

function privateHeaders(reply: FastifyReply): void {
  // Message bodies are personal data: never cached, never framed, no script.
  reply
    .header("cache-control", "no-store")
    .header("x-content-type-options", "nosniff")
    .header("content-security-policy", "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
}

function renderRow(r: OutboxRow): string {
  const title = r.channel === "sms" ? `SMS to ${r.recipient}` : r.subject || "(no subject)";
  let status: string = r.status;
  if (r.status === "sent" && r.sentAt) status += ` at ${r.sentAt.toISOString()}`;
  if (r.attempts > 0) status += ` after ${r.attempts} attempt${r.attempts === 1 ? "" : "s"}`;
  if (r.status === "pending" && r.attempts > 0) status += `, next at ${r.nextAttemptAt.toISOString()}`;
  const facts = [r.createdAt.toISOString(), r.channel, `to ${r.recipient}`, r.kind, r.locale, status].map(escapeHtml).join(" · ");
  const error = r.lastError ? `<p>Last error: ${escapeHtml(r.lastError)}</p>` : "";
  return `<article id="m${r.id}"><h2>#${r.id} ${escapeHtml(title)}</h2><p>${facts}</p>${error}<pre>${escapeHtml(r.body)}</pre></article>`;
}

export function renderOutboxPage(rows: readonly OutboxRow[], f: OutboxFilter): string {
  const shown = [f.channel, f.status].filter(Boolean).join(", ") || "all";
  const items = rows.length ? rows.map(renderRow).join("\n<hr>\n") : "<p>The outbox is empty.</p>";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Inkan outbox (development)</title>
</head>
<body>
<h1>Outbox</h1>
<p>Mail and SMS that Inkan queued, newest first (${escapeHtml(shown)}; ${rows.length} shown). Without an SMTP server or an SMS gateway configured they stay pending here.</p>
<nav><a href="/dev/outbox">All</a> · <a href="/dev/outbox?channel=email">Mail</a> · <a href="/dev/outbox?channel=sms">SMS</a> · <a href="/dev/outbox?status=failed">Failed</a> · <a href="/dev/outbox.json">JSON</a></nav>
<main>
${items}
</main>
</body>
</html>
`;
}

/** `GET /dev/outbox` (HTML) and `GET /dev/outbox.json`; filters `?channel=&status=&limit=` (default 100). */
export const outboxRoutes: FastifyPluginAsync<OutboxRoutesOptions> = async (app, opts) => {
  app.get("/dev/outbox", async (request, reply) => {
    const f = parseFilter(request.query);
    const rows = await listOutbox(opts.db, f);
    privateHeaders(reply);
    return reply.type("text/html; charset=utf-8").send(renderOutboxPage(rows, f));
  });
  app.get("/dev/outbox.json", async (request, reply) => {
    const f = parseFilter(request.query);
    const rows = await listOutbox(opts.db, f);
    privateHeaders(reply);
    return reply.type("application/json; charset=utf-8").send({
      messages: rows.map((r) => ({
        id: r.id,
        createdAt: r.createdAt.toISOString(),
        channel: r.channel,
        institutionId: r.institutionId,
        kind: r.kind,
        recipient: r.recipient,
        locale: r.locale,
        subject: r.subject,
        body: r.body,
        status: r.status,
        attempts: r.attempts,
        nextAttemptAt: r.nextAttemptAt.toISOString(),
        lastError: r.lastError,
        sentAt: r.sentAt?.toISOString() ?? null,
      })),
    });
  });
};
