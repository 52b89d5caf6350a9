/**
 * Fund transfers (資金移動, SPEC §8.13) of a signed-in user: the payee's bank and branch are
 * looked up in the Zengin data (banks, branches), the details give the exact payload the
 * certificate key signs (amount, payee with bank and branch names, fee and who bears it), then
 * the confirmation PIN and/or the token code per policy complete it (送信完了, or 予約 for a
 * later execution date); reservations can be cancelled until their date.
 */
import type { FastifyInstance, preHandlerHookHandler } from "fastify";
import { searchBanks, searchBranches } from "../../services/corporate/payees.js";
import { cancelScheduledTransfer, listTransfers } from "../../services/corporate/transfer-reservations.js";
import { confirmTransfer, createTransfer } from "../../services/corporate/transfers.js";
import { sessionOf } from "../session.js";
import { body, DATE_TIME, errorResponses, ok, OTP, PIN, screenMessagesSchema, str, texts } from "./corporate-common.js";

const AMOUNT = { type: ["integer", "string"], maxLength: 16, minimum: 0, description: "Whole yen" } as const;

const payeeSchema = ok(["bankCode", "bankName", "branchCode", "branchName", "accountType", "accountNumber", "name"], {
  bankCode: { type: "string" },
  bankName: { type: "string", description: "Zengin name of the bank, e.g. みずほ" },
  branchCode: { type: "string" },
  branchName: { type: "string", description: "Zengin name of the branch, e.g. 戸越" },
  accountType: { type: "string" },
  accountNumber: { type: "string" },
  name: { type: "string" },
});

const STATUS = { type: "string", enum: ["PENDING", "RESERVED", "SENT", "REJECTED", "CANCELLED"] } as const;
const RECEPTION_NUMBER = { type: "string", description: "受付番号: 12 digits in groups of 4, the last a Luhn check digit, e.g. 4211-0397-5528" } as const;

/** Amount, fee (振込手数料マスタ) and who bears it, and what moves. */
const moneyProperties = {
  amount: { type: "integer", description: "Transfer amount in whole yen (what the daily limits count)" },
  fee: { type: "integer", description: "Fee from the contract's fee master (0 without one)" },
  feeBearer: { type: "string", enum: ["PAYER", "PAYEE"], description: "当方負担 (PAYER) or 先方負担 (PAYEE)" },
  debitAmount: { type: "integer", description: "Leaves the debit account: amount + fee (PAYER) or amount (PAYEE)" },
  creditAmount: { type: "integer", description: "Reaches the payee: amount (PAYER) or amount − fee (PAYEE)" },
} as const;
const MONEY = ["amount", "fee", "feeBearer", "debitAmount", "creditAmount"];

const transferResultSchema = ok(["transferId", "receptionNumber", "status", ...MONEY, "executionDate", "confirmedAt", "executedAt", "messages"], {
  transferId: { type: "string" },
  receptionNumber: RECEPTION_NUMBER,
  status: STATUS,
  ...moneyProperties,
  executionDate: { type: ["string", "null"] },
  confirmedAt: { type: ["string", "null"] },
  executedAt: { type: ["string", "null"], description: "When the money moved (null while RESERVED)" },
  messages: screenMessagesSchema,
});

const entrySchema = ok(["code", "name", "kana"], { code: { type: "string" }, name: { type: "string" }, kana: { type: "string" } });
const searchQuery = {
  type: "object",
  additionalProperties: false,
  properties: {
    q: str(40, { description: "Code prefix, or part of the name in kanji, kana (either script, half- or full-width) or romaji" }),
    lang: str(8),
  },
} as const;

export function registerTransferRoutes(app: FastifyInstance, opts: { tags: string[]; preHandler: preHandlerHookHandler }): void {
  const platform = app.platform;
  const { tags: TAGS, preHandler: full } = opts;

  const account = (required: string[], extra: Record<string, unknown> = {}) =>
    body(required, { branchCode: str(8), accountType: str(16), accountNumber: str(16), ...extra });

  app.get<{ Querystring: { q?: string } }>(
    "/banks",
    {
      preHandler: full,
      schema: {
        tags: TAGS,
        summary: "Payee banks (振込先金融機関) from the Zengin data, by code prefix or name; at most 50, `more` when there are others",
        querystring: searchQuery,
        response: { 200: ok(["banks", "more"], { banks: { type: "array", items: entrySchema }, more: { type: "boolean" } }), ...errorResponses() },
      },
    },
    async (request) => searchBanks(request.query.q),
  );

  app.get<{ Params: { bankCode: string }; Querystring: { q?: string } }>(
    "/banks/:bankCode/branches",
    {
      preHandler: full,
      schema: {
        tags: TAGS,
        summary: "Branches of a payee bank from the Zengin data, by code prefix or name; at most 100. An unknown bank is PAYEE_BANK_UNKNOWN",
        params: { type: "object", required: ["bankCode"], properties: { bankCode: str(4, { pattern: "^[0-9]{4}$" }) } },
        querystring: searchQuery,
        response: {
          200: ok(["bank", "branches", "more"], { bank: entrySchema, branches: { type: "array", items: entrySchema }, more: { type: "boolean" } }),
          ...errorResponses(404),
        },
      },
    },
    async (request) => searchBranches(request.params.bankCode, request.query.q),
  );

  app.post<{
    Body: {
      debitAccount: { branchCode: string; accountType: string; accountNumber: string };
      payee: { bankCode: string; branchCode: string; accountType: string; accountNumber: string; name: string };
      amount: number | string;
      feeBearer?: "PAYER" | "PAYEE";
      executionDate?: string | null;
    };
  }>(
    "/transfers",
    {
      preHandler: full,
      schema: {
        tags: TAGS,
        summary:
          "Transfer details → the confirmation screen (資金移動確認): 受付番号, the payee's bank and branch names, the fee, the exact payload to sign and the factors to enter. " +
          "An unknown bank or branch code is refused (PAYEE_BANK_UNKNOWN / PAYEE_BRANCH_UNKNOWN); above what is left of min(user, account, contract) limit on the day it counts on, it is refused here, before any OTP",
        body: body(["debitAccount", "payee", "amount"], {
          debitAccount: account(["branchCode", "accountType", "accountNumber"]),
          payee: account(["bankCode", "branchCode", "accountType", "accountNumber", "name"], { bankCode: str(8), name: str(64) }),
          amount: AMOUNT,
          feeBearer: { type: "string", maxLength: 8, enum: ["PAYER", "PAYEE"], description: "当方負担 (PAYER, the default) or 先方負担 (PAYEE)" },
          executionDate: { type: ["string", "null"], maxLength: 10, description: "YYYY-MM-DD for a reservation (予約), from tomorrow to 90 days ahead" },
        }),
        response: {
          201: ok(["transferId", "receptionNumber", "payload", "payee", ...MONEY, "executionDate", "expiresAt", "requiredFactors"], {
            transferId: { type: "string" },
            receptionNumber: RECEPTION_NUMBER,
            payload: { type: "string", description: "transferSigningText (inkan-transfer/2): sign its UTF-8 bytes with the certificate key" },
            payee: payeeSchema,
            ...moneyProperties,
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
              items: ok(["transferId", "receptionNumber", "status", ...MONEY, "executionDate", "confirmedAt", "executedAt", "payee", "createdAt"], {
                transferId: { type: "string" },
                receptionNumber: RECEPTION_NUMBER,
                status: STATUS,
                ...moneyProperties,
                executionDate: { type: ["string", "null"] },
                confirmedAt: { type: ["string", "null"] },
                executedAt: { type: ["string", "null"] },
                payee: payeeSchema,
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
        summary:
          "Confirm a transfer: the payload's signature by the logged-in certificate key, plus confirmation PIN and/or token OTP → 送信完了 (SENT), or RESERVED (予約) for a later execution date, executed on that date",
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
        summary: "Cancel a reservation (RESERVED) before its execution date (資金移動先予約取消, mailed to the user), with the confirmation PIN",
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
