/**
 * 電子下單 with the software certificate: a single-use challenge, then the order signed in the
 * browser over the canonical text (src/domain/securities/orders.ts). The server verifies the
 * signature, that the certificate is the firm's (chain), usable (status, validity) and this
 * customer's, then stores the order. The challenge is spent by its first answer, whatever it
 * is, so a captured order cannot be sent twice.
 */
import { createHash, createPublicKey, randomUUID, X509Certificate, type KeyObject } from "node:crypto";
import { desc, eq } from "drizzle-orm";
import type { InkanError } from "../../domain/errors.js";
import { secError } from "../../domain/securities/messages.js";
import { orderProblem, orderSigningMessage, type OrderFields } from "../../domain/securities/orders.js";
import { fromBase64Url } from "../../domain/signing.js";
import type { ServiceContext } from "../../platform.js";
import { certificates, secOrders } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { consumeChallenge, createChallenge, type IssuedChallenge } from "../corporate/challenges.js";
import { assertCertificateUsable, findOurCertificate, verifyBrowserSignature } from "../corporate/certificate-login.js";
import { refuse, succeed, unwrap, type Outcome } from "../corporate/principals.js";
import type { Session } from "../corporate/sessions.js";
import { secActor, secPrincipalOf } from "./auth.js";
import { SEC_OWNER_KIND, secSubject } from "./customers.js";

export async function orderChallenge(ctx: ServiceContext, session: Session, origin: string): Promise<IssuedChallenge> {
  const p = await secPrincipalOf(ctx.db, session);
  return createChallenge(ctx, { purpose: "sec-order", origin, institutionId: p.institution.id });
}

export interface OrderView extends OrderFields {
  orderId: string;
  certificateSerialHex: string;
  createdAt: string;
}

function decode(v: unknown, max: number): Uint8Array | null {
  if (typeof v !== "string" || v.length > max) return null;
  try {
    return fromBase64Url(v);
  } catch {
    return null;
  }
}

export async function placeOrder(
  ctx: ServiceContext,
  session: Session,
  input: { challengeId: string; certificate: string; signature: string } & OrderFields,
): Promise<OrderView> {
  const field = orderProblem(input);
  if (field) throw secError("SEC_ORDER_INVALID", "invalid", { params: { field }, fields: [field] });
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<OrderView>> => {
    const p = await secPrincipalOf(tx, session);
    const challenge = await consumeChallenge(tx, ctx, input.challengeId, "sec-order");
    const audit = (action: string, detail: Record<string, unknown>) => appendAudit(tx, ctx.keyring, ctx.clock, { actor: secActor(p.customer), action, institutionId: p.institution.id, subject: secSubject(p.customer), detail });
    const refused = async (e: InkanError, reason: string): Promise<Outcome<never>> => {
      await audit("sec.order_refused", { reason, challengeId: challenge.challengeId, stockCode: input.stockCode, side: input.side, quantity: input.quantity });
      return refuse(e);
    };
    const der = decode(input.certificate, 12_000);
    const signature = decode(input.signature, 1024);
    if (!der || !signature) return refused(secError("SEC_ORDER_SIGNATURE_INVALID", "unauthenticated", { fields: ["signature"] }), "malformed");
    let row;
    try {
      row = await findOurCertificate(tx, der);
    } catch {
      return refused(secError("SEC_ORDER_SIGNATURE_INVALID", "unauthenticated", { fields: ["certificate"] }), "unknown_certificate");
    }
    if (row.ownerKind !== SEC_OWNER_KIND || row.ownerRef !== p.customer.id || challenge.institutionId !== p.institution.id) return refused(secError("SEC_ORDER_CERT_NOT_OWNED", "forbidden", { fields: ["certificate"] }), "other_owner");
    let key: KeyObject;
    try {
      key = createPublicKey({ key: new X509Certificate(der).publicKey.export({ type: "spki", format: "der" }), format: "der", type: "spki" });
    } catch {
      return refused(secError("SEC_ORDER_SIGNATURE_INVALID", "unauthenticated", { fields: ["certificate"] }), "bad_key");
    }
    const message = orderSigningMessage({ origin: challenge.origin, nonce: challenge.nonce, nationalId: p.customer.nationalId, serialHex: row.serialHex, ...input });
    if (!verifyBrowserSignature(key, message, signature)) return refused(secError("SEC_ORDER_SIGNATURE_INVALID", "unauthenticated", { fields: ["signature"] }), "signature");
    try {
      assertCertificateUsable(row, ctx.clock.now());
    } catch (e) {
      return refused(e as InkanError, "certificate_status");
    }
    const id = randomUUID();
    const now = ctx.clock.now();
    await tx.insert(secOrders).values({
      id,
      institutionId: p.institution.id,
      customerRef: p.customer.id,
      certificateId: row.id,
      challengeId: challenge.challengeId,
      stockCode: input.stockCode,
      side: input.side,
      quantity: input.quantity,
      limitPrice: input.limitPrice,
      signedSha256: createHash("sha256").update(message).digest("hex"),
      signature: input.signature,
      createdAt: now,
    });
    await audit("sec.order_placed", { orderId: id, certificateId: row.id, stockCode: input.stockCode, side: input.side, quantity: input.quantity, limitPrice: input.limitPrice });
    return succeed({ orderId: id, stockCode: input.stockCode, side: input.side, quantity: input.quantity, limitPrice: input.limitPrice, certificateSerialHex: row.serialHex, createdAt: now.toISOString() });
  });
  return unwrap(outcome);
}

export async function listOrders(ctx: ServiceContext, session: Session): Promise<OrderView[]> {
  const p = await secPrincipalOf(ctx.db, session);
  const rows = await ctx.db.select({ o: secOrders }).from(secOrders).where(eq(secOrders.customerRef, p.customer.id)).orderBy(desc(secOrders.createdAt)).limit(100);
  const serials = new Map<string, string>();
  for (const { o } of rows) {
    if (!serials.has(o.certificateId)) {
      const [c] = await ctx.db.select({ s: certificates.serialHex }).from(certificates).where(eq(certificates.id, o.certificateId));
      serials.set(o.certificateId, c?.s ?? "");
    }
  }
  return rows.map(({ o }) => ({ orderId: o.id, stockCode: o.stockCode, side: o.side, quantity: o.quantity, limitPrice: o.limitPrice, certificateSerialHex: serials.get(o.certificateId) ?? "", createdAt: o.createdAt.toISOString() }));
}
