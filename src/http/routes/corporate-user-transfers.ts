/**
 * Fund transfers (資金移動, SPEC §8.13) of a signed-in user: the details give the exact payload
 * the certificate key signs (amount and payee included), then the confirmation PIN and/or the
 * token code per policy complete it (送信完了); scheduled ones can be cancelled.
 */
import type { FastifyInstance, preHandlerHookHandler } from "fastify";
import { cancelScheduledTransfer, confirmTransfer, createTransfer, listTransfers } from "../../services/corporate/transfers.js";
import { sessionOf } from "../session.js";
import { body, DATE_TIME, errorResponses, ok, OTP, PIN, screenMessagesSchema, str, texts } from "./corporate-common.js";

const AMOUNT = { type: ["integer", "string"], maxLength: 16, minimum: 0, description: "Whole yen" } as const;

const partySchema = ok(["bankCode", "branchCode", "accountType", "accountNumber", "name"], {
  bankCode: { type: "string" },
  branchCode: { type: "string" },
  accountType: { type: "string" },
  accountNumber: { type: "string" },
  name: { type: "string" },
});

const transferResultSchema = ok(["transferId", "status", "amount", "executionDate", "confirmedAt", "messages"], {
  transferId: { type: "string" },
  status: { type: "string", enum: ["PENDING", "SENT", "REJECTED", "CANCELLED"] },
  amount: { type: "integer" },
  executionDate: { type: ["string", "null"] },
  confirmedAt: { type: ["string", "null"] },
  messages: screenMessagesSchema,
});

export function registerTransferRoutes(app: FastifyInstance, opts: { tags: string[]; preHandler: preHandlerHookHandler }): void {
  const platform = app.platform;
  const { tags: TAGS, preHandler: full } = opts;

  const account = (required: string[], extra: Record<string, unknown> = {}) =>
    body(required, { branchCode: str(8), accountType: str(16), accountNumber: str(16), ...extra });

  app.post<{
    Body: {
      debitAccount: { branchCode: string; accountType: string; accountNumber: string };
      payee: { bankCode: string; branchCode: string; accountType: string; accountNumber: string; name: string };
      amount: number | string;
      executionDate?: string | null;
    };
  }>(
    "/transfers",
    {
      preHandler: full,
      schema: {
        tags: TAGS,
        summary: "Transfer details → the confirmation screen (資金移動確認): the exact payload to sign and the factors to enter. Above min(user, account, contract) limit it is refused here, before any OTP",
        body: body(["debitAccount", "payee", "amount"], {
          debitAccount: account(["branchCode", "accountType", "accountNumber"]),
          payee: account(["bankCode", "branchCode", "accountType", "accountNumber", "name"], { bankCode: str(8), name: str(64) }),
          amount: AMOUNT,
          executionDate: { type: ["string", "null"], maxLength: 10, description: "YYYY-MM-DD for a scheduled transfer" },
        }),
        response: {
          201: ok(["transferId", "payload", "amount", "executionDate", "expiresAt", "requiredFactors"], {
            transferId: { type: "string" },
            payload: { type: "string", description: "transferSigningText: sign its UTF-8 bytes with the certificate key" },
            amount: { type: "integer" },
            executionDate: { type: ["string", "null"] },
            expiresAt: DATE_TIME,
            requiredFactors: { type: "array", items: { type: "string", enum: ["CONFIRM_PIN", "TOKEN_OTP"] } },
          }),
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => reply.code(201).send(await createTransfer(platform, sessionOf(request), request.body)),
  );

  app.get(
    "/transfers",
    {
      preHandler: full,
      schema: {
        tags: TAGS,
        summary: "The user's transfers, newest first",
        response: {
          200: ok(["transfers"], {
            transfers: {
              type: "array",
              items: ok(["transferId", "status", "amount", "executionDate", "confirmedAt", "payee", "createdAt"], {
                transferId: { type: "string" },
                status: { type: "string" },
                amount: { type: "integer" },
                executionDate: { type: ["string", "null"] },
                confirmedAt: { type: ["string", "null"] },
                payee: partySchema,
                createdAt: DATE_TIME,
              }),
            },
          }),
          ...errorResponses(),
        },
      },
    },
    async (request) => ({ transfers: await listTransfers(platform, sessionOf(request)) }),
  );

  const transferParams = { type: "object", required: ["transferId"], properties: { transferId: str(128) } } as const;

  app.post<{ Params: { transferId: string }; Body: { signature: string; confirmPin?: string; otp?: string } }>(
    "/transfers/:transferId/confirm",
    {
      preHandler: full,
      schema: {
        tags: TAGS,
        summary: "Confirm a transfer: the payload's signature by the logged-in certificate key, plus confirmation PIN and/or token OTP → 送信完了",
        params: transferParams,
        body: body(["signature"], { signature: str(1_400), confirmPin: PIN, otp: OTP }),
        response: { 200: transferResultSchema, ...errorResponses(404, 409) },
      },
    },
    async (request) => {
      const r = await confirmTransfer(platform, sessionOf(request), request.params.transferId, request.body);
      return { ...r, messages: texts(request, r.messageIds) };
    },
  );

  app.post<{ Params: { transferId: string }; Body: { confirmPin: string } }>(
    "/transfers/:transferId/cancel",
    {
      preHandler: full,
      schema: {
        tags: TAGS,
        summary: "Cancel a scheduled transfer (資金移動先予約取消, mailed to the user), with the confirmation PIN",
        params: transferParams,
        body: body(["confirmPin"], { confirmPin: PIN }),
        response: { 200: transferResultSchema, ...errorResponses(404, 409) },
      },
    },
    async (request) => {
      const r = await cancelScheduledTransfer(platform, sessionOf(request), request.params.transferId, request.body);
      return { ...r, messages: texts(request, r.messageIds) };
    },
  );
}
