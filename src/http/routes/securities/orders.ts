/**
 * 電子下單 (R-SEC-2): after POST /trading/login, a single-use challenge, then the order signed in
 * the browser with the certificate's key over the canonical text of
 * src/domain/securities/orders.ts.
 */
import type { FastifyInstance, preHandlerAsyncHookHandler } from "fastify";
import { secError } from "../../../domain/securities/messages.js";
import { listOrders, orderChallenge, placeOrder } from "../../../services/securities/orders.js";
import { sessionOf, siteOrigin } from "../../session.js";
import { body, DATE_TIME, errorResponses, loginChallengeSchema, ok, str } from "../corporate-common.js";
import { SEC_TAGS } from "./common.js";

const orderSchema = ok(["orderId", "stockCode", "side", "quantity", "limitPrice", "certificateSerialHex", "createdAt"], {
  orderId: { type: "string" },
  stockCode: { type: "string" },
  side: { type: "string", enum: ["BUY", "SELL"] },
  quantity: { type: "integer" },
  limitPrice: { type: "string" },
  certificateSerialHex: { type: "string" },
  createdAt: DATE_TIME,
});

export function registerSecOrderRoutes(app: FastifyInstance, ctx: { full: preHandlerAsyncHookHandler }): void {
  const platform = app.platform;
  // Orders need the ordering login (which required a valid certificate), not the tool's.
  const trading: preHandlerAsyncHookHandler[] = [
    ctx.full,
    async (request) => {
      if (sessionOf(request).state.app !== "TRADING") throw secError("SEC_NO_VALID_CERTIFICATE", "forbidden");
    },
  ];

  app.post(
    "/orders/challenge",
    { preHandler: trading, schema: { tags: SEC_TAGS, summary: "A single-use nonce (120 s) for the next order's signature", response: { 200: loginChallengeSchema("sec-order"), ...errorResponses() } } },
    async (request) => {
      const c = await orderChallenge(platform, sessionOf(request), siteOrigin(platform));
      return { ...c, expiresAt: c.expiresAt.toISOString() };
    },
  );

  app.post<{ Body: { challengeId: string; certificate: string; signature: string; stockCode: string; side: "BUY" | "SELL"; quantity: number; limitPrice: string } }>(
    "/orders",
    {
      preHandler: trading,
      schema: {
        tags: SEC_TAGS,
        summary:
          'Place a signed order. signature = base64url of the certificate key\'s signature (ECDSA P-256 r‖s or RSA PKCS#1 v1.5, SHA-256) over "inkan-order/1\\n<origin>\\n<nonce>\\n<nationalId>\\n<serial hex, lower case>\\n<stockCode>\\n<side>\\n<quantity>\\n<limitPrice>". 401 SEC_ORDER_SIGNATURE_INVALID, 403 SEC_ORDER_CERT_NOT_OWNED / CERT_REVOKED / CERT_EXPIRED, 401 CHALLENGE_INVALID (replay), 400 SEC_ORDER_INVALID',
        body: body(["challengeId", "certificate", "signature", "stockCode", "side", "quantity", "limitPrice"], {
          challengeId: str(64),
          certificate: str(12_000, { description: "The signing certificate, DER base64url" }),
          signature: str(1024),
          stockCode: str(6, { description: "4–6 digits or capitals (2330)" }),
          side: { type: "string", enum: ["BUY", "SELL"] },
          quantity: { type: "integer", minimum: 1, maximum: 999999 },
          limitPrice: str(12, { description: "NTD, at most 2 decimals (612.5)" }),
        }),
        response: { 201: orderSchema, ...errorResponses() },
      },
    },
    async (request, reply) => reply.code(201).send(await placeOrder(platform, sessionOf(request), request.body)),
  );

  app.get("/orders", { preHandler: trading, schema: { tags: SEC_TAGS, summary: "The customer's orders, newest first", response: { 200: ok(["orders"], { orders: { type: "array", items: orderSchema } }), ...errorResponses() } } }, async (request) => ({
    orders: await listOrders(platform, sessionOf(request)),
  }));
}
