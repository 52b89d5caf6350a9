/**
 * Demo only (mounted by `serve --demo`; /dev/* does not exist in production): plays the bank's
 * internet banking for the TW platform's hand-off. GET /dev/tw/handoff lists the demo
 * customers; each link mints a fresh assertion with the demo bank's key (iat now, exp + 60 s,
 * a new jti) and redirects the browser to <publicUrl>/portal/<bank>/handoff#assertion=<JWS> —
 * exactly what a bank's own system does after its login.
 */
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import { InkanError } from "../../../domain/errors.js";
import { loadDemoInfo } from "../../../services/demo.js";
import { mintDemoAssertion } from "../../../services/tw/demo.js";
import { escapeHtml } from "../outbox.js";

function privateHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header("cache-control", "no-store")
    .header("x-content-type-options", "nosniff")
    .header("referrer-policy", "no-referrer")
    .header("content-security-policy", "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
}

const twDevHandoffRoutes: FastifyPluginAsync = async (app) => {
  const platform = app.platform;

  app.get("/dev/tw/handoff", { schema: { hide: true } }, async (_request, reply) => {
    const info = (await loadDemoInfo(platform))?.twPlatform;
    const rows = (info?.customers ?? [])
      .flatMap((c) =>
        c.users.map((u) => {
          const href = `/dev/tw/handoff/go?customer=${encodeURIComponent(c.identifier)}&userCode=${encodeURIComponent(u.userCode)}`;
          return `<li><a href="${escapeHtml(href)}">${escapeHtml(`${c.label} — ${c.identifier} / ${u.userCode}`)}</a>${u.admitted ? "" : " (R-TWB-2: refused with MSG-T10)"}</li>`;
        }),
      )
      .join("\n");
    const html = `<!doctype html><html lang="zh-Hant"><head><meta charset="utf-8"><title>Demo bank: hand-off to the certificate platform</title></head><body>
<h1>示範網路銀行 → 憑證管理平台</h1>
<p>Demo only. A bank's internet banking, after its own login, signs a short-lived assertion (JWS ES256 with its registered key: aud, customer, userCode, iat, exp ≤ 60 s, jti) and sends the browser to <code>${escapeHtml(platform.config.publicUrl)}/portal/&lt;bank&gt;/handoff#assertion=&lt;JWS&gt;</code>. Each link below does that for a demo customer; the assertion works once.</p>
<ul>
${rows || "<li>No TW demo customers yet.</li>"}
</ul></body></html>`;
    return privateHeaders(reply).type("text/html; charset=utf-8").send(html);
  });

  app.get<{ Querystring: { customer?: string; userCode?: string } }>("/dev/tw/handoff/go", { schema: { hide: true } }, async (request, reply) => {
    const info = (await loadDemoInfo(platform))?.twPlatform;
    const { customer, userCode } = request.query;
    const known = info?.customers.some((c) => c.identifier === customer && c.users.some((u) => u.userCode === userCode));
    if (!known || !customer || !userCode) throw new InkanError("TW_CUSTOMER_NOT_FOUND", "not_found");
    const { assertion, bankCode } = await mintDemoAssertion(platform, { customer, userCode });
    return privateHeaders(reply).redirect(`${platform.config.publicUrl.replace(/\/+$/, "")}/portal/${bankCode}/handoff#assertion=${assertion}`, 303);
  });
};

export default twDevHandoffRoutes;
