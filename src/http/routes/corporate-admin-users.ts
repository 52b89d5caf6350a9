/**
 * The admin's user maintenance and optional settings (SPEC §8.4–§8.9, §8.15), mounted beside
 * corporate-admin.ts at /api/corporate/admin (same cookie, FULL admin session). Every change
 * carries `confirmPin`, the admin confirmation PIN (ご契約先確認暗証番号): a wrong one counts
 * toward the admin's failure counter and changes nothing.
 *
 *   users: list, register, read, change, delete, reset-pins, reissue-certificate,
 *          release-suspension (利用中止解除), token (assign / unassign);
 *   settings: contract (read), accounts, file-transfer, contract-limit, fees;
 *   renewal (+ installed) of the admin certificate.
 */
import type { FastifyPluginAsync } from "fastify";
import {
  getContractSettings,
  setContractAccounts,
  setContractLimit,
  setFileTransferSettings,
  setTransferFees,
} from "../../services/corporate/contract-settings.js";
import { serviceError } from "../../services/corporate/messages.js";
import { reissueUserCertificate } from "../../services/corporate/user-certificate.js";
import { assignToken, unassignToken } from "../../services/corporate/user-tokens.js";
import {
  changeUser,
  deleteUser,
  getUser,
  listUsers,
  registerUser,
  releaseUserSuspension,
  resetUserPins,
  type ChangeUserInput,
  type RegisterUserInput,
} from "../../services/corporate/users.js";
import type { PkiRuntime } from "../../services/pki-runtime.js";
import { registerSessionSupport, requireSession, sessionOf } from "../session.js";
import {
  body,
  type CorporateRouteOptions,
  errorResponses,
  ok,
  PIN,
  screenMessagesSchema,
  str,
  texts,
} from "./corporate-common.js";
import { registerRenewalRoutes } from "./corporate-renewal.js";

export interface CorporateAdminUsersRouteOptions extends CorporateRouteOptions {
  /** Revokes (delete, reissue) and issues (renewal) certificates. */
  runtime?: PkiRuntime;
}

const TAGS = ["corporate-admin"];
const CONFIRM_PIN = str(64, { description: "ご契約先確認暗証番号 (the admin confirmation PIN)" });
const AMOUNT_OR_NULL = { type: ["integer", "string", "null"], maxLength: 16, minimum: 0, description: "Whole yen; null for none" } as const;
const AMOUNT = { type: ["integer", "string"], maxLength: 16, minimum: 0, description: "Whole yen" } as const;
const DATE_TIME = { type: "string", format: "date-time" } as const;
const userParams = { type: "object", required: ["userId"], properties: { userId: str(64) } } as const;

const LIMITS_BODY = {
  type: "object",
  additionalProperties: false,
  description: "i. 限度額設定: whole yen per amount-bearing service",
  properties: { TRANSFER: AMOUNT_OR_NULL, FILE_TRANSFER: AMOUNT_OR_NULL },
} as const;
const PERMISSIONS_BODY = {
  type: "array",
  maxItems: 8,
  description: "h. 利用者権限設定: contracted service codes",
  items: str(32, { examples: ["TRANSFER"] }),
} as const;

export const userViewSchema = ok(
  [
    "userId",
    "nameKana",
    "nameKanji",
    "email",
    "certIssuable",
    "permissions",
    "serviceLimits",
    "activated",
    "suspended",
    "failures",
    "pinChangeRecommended",
    "certWindowStart",
    "certWindowClosesAt",
    "token",
    "certificate",
    "createdAt",
    "updatedAt",
  ],
  {
    userId: { type: "string" },
    nameKana: { type: "string" },
    nameKanji: { type: ["string", "null"] },
    email: { type: ["string", "null"] },
    certIssuable: { type: "boolean" },
    permissions: { type: "array", items: { type: "string" } },
    serviceLimits: { type: "object", additionalProperties: { type: "integer" } },
    activated: { type: "boolean" },
    suspended: { type: "boolean", description: "利用中止 (released with release-suspension)" },
    failures: { type: "integer" },
    pinChangeRecommended: { type: "boolean" },
    certWindowStart: DATE_TIME,
    certWindowClosesAt: DATE_TIME,
    token: { type: ["object", "null"], properties: { serial: { type: "string" }, assignedAt: { type: ["string", "null"] } } },
    certificate: {
      type: ["object", "null"],
      properties: {
        certificateId: { type: "string" },
        cn: { type: "string" },
        serialHex: { type: "string" },
        notAfter: { type: "string" },
        status: { type: "string", enum: ["VALID", "EXPIRING_SOON", "SUSPENDED", "REVOKED", "EXPIRED"] },
      },
    },
    createdAt: DATE_TIME,
    updatedAt: DATE_TIME,
  },
);

const userOnly = { 200: ok(["user"], { user: userViewSchema }), ...errorResponses(404, 409) };

const accountSchema = ok(["branchCode", "accountType", "accountNumber", "transferLimit"], {
  branchCode: { type: "string" },
  accountType: { type: "string" },
  accountNumber: { type: "string" },
  transferLimit: { type: ["integer", "null"] },
});
const feeTierSchema = ok(["upToAmount", "sameBranchFee", "otherBranchFee", "otherBankFee"], {
  upToAmount: { type: ["integer", "null"] },
  sameBranchFee: { type: "integer" },
  otherBranchFee: { type: "integer" },
  otherBankFee: { type: "integer" },
});

const adminUserRoutes: FastifyPluginAsync<CorporateAdminUsersRouteOptions> = async (app, opts) => {
  const platform = app.platform;
  registerSessionSupport(app);
  const full = requireSession("ADMIN");
  const runtime = (): PkiRuntime => {
    if (!opts.runtime) throw serviceError("CERT_ISSUANCE_UNAVAILABLE", "unavailable");
    return opts.runtime;
  };

  // ---- users (利用者情報登録／変更) ----

  app.get(
    "/users",
    {
      preHandler: full,
      schema: {
        tags: TAGS,
        summary: "The contract's users with their status (activated, suspended), certificate summary and token",
        response: { 200: ok(["users", "max"], { users: { type: "array", items: userViewSchema }, max: { type: "integer" } }), ...errorResponses() },
      },
    },
    async (request) => listUsers(platform, sessionOf(request)),
  );

  app.post<{ Body: RegisterUserInput }>(
    "/users",
    {
      preHandler: full,
      schema: {
        tags: TAGS,
        summary: "新規登録: register a user (MSG-J04; mails 利用者情報登録). MSG-J05 for an ID in use, the contract ID, or one deleted before the next Monday",
        body: body(["userId", "nameKana", "tempLoginPin", "tempConfirmPin", "confirmPin"], {
          userId: str(64, { description: "a. 利用者ID: 1–30 half-width alphanumerics, case-sensitive" }),
          nameKana: str(64, { description: "b. 利用者名カナ" }),
          nameKanji: { type: ["string", "null"], maxLength: 64, description: "c. 利用者名漢字 (optional)" },
          tempLoginPin: str(64, { description: "d. 利用者暗証番号（仮）: 4–12 half-width alphanumerics" }),
          tempConfirmPin: str(64, { description: "e. 利用者確認暗証番号（仮）" }),
          email: { type: ["string", "null"], maxLength: 254, description: "f. 利用者Eメールアドレス (optional)" },
          certIssuable: { type: "boolean", description: "g. 電子証明書発行 (default true)" },
          permissions: PERMISSIONS_BODY,
          serviceLimits: LIMITS_BODY,
          confirmPin: CONFIRM_PIN,
        }),
        response: { 201: ok(["user", "messages"], { user: userViewSchema, messages: screenMessagesSchema }), ...errorResponses(409) },
      },
    },
    async (request, reply) => {
      const r = await registerUser(platform, sessionOf(request), request.body);
      return reply.code(201).send({ user: r.user, messages: texts(request, r.messageIds) });
    },
  );

  app.get<{ Params: { userId: string } }>(
    "/users/:userId",
    { preHandler: full, schema: { tags: TAGS, summary: "One user", params: userParams, response: { 200: userViewSchema, ...errorResponses(404) } } },
    async (request) => getUser(platform, sessionOf(request), request.params.userId),
  );

  app.post<{ Params: { userId: string }; Body: ChangeUserInput }>(
    "/users/:userId/change",
    {
      preHandler: full,
      schema: {
        tags: TAGS,
        summary: "変更: names, e-mail, certificate flag, permissions, limits (only the fields given; mails 利用者情報変更)",
        params: userParams,
        body: body(["confirmPin"], {
          nameKana: str(64),
          nameKanji: { type: ["string", "null"], maxLength: 64 },
          email: { type: ["string", "null"], maxLength: 254 },
          certIssuable: { type: "boolean" },
          permissions: PERMISSIONS_BODY,
          serviceLimits: LIMITS_BODY,
          confirmPin: CONFIRM_PIN,
        }),
        response: { 200: ok(["user", "changed"], { user: userViewSchema, changed: { type: "array", items: { type: "string" } } }), ...errorResponses(404, 409) },
      },
    },
    async (request) => changeUser(platform, sessionOf(request), request.params.userId, request.body),
  );

  app.post<{ Params: { userId: string }; Body: { confirmPin: string } }>(
    "/users/:userId/delete",
    {
      preHandler: full,
      schema: {
        tags: TAGS,
        summary: "登録抹消: the user's certificates are revoked, the token returns to stock, the ID is quarantined until the next Monday (mails 利用者情報登録抹消)",
        params: userParams,
        body: body(["confirmPin"], { confirmPin: CONFIRM_PIN }),
        response: {
          200: ok(["userId", "revokedCertificates", "reusableFrom"], { userId: { type: "string" }, revokedCertificates: { type: "array", items: { type: "string" } }, reusableFrom: DATE_TIME }),
          ...errorResponses(404, 409),
        },
      },
    },
    async (request) => deleteUser(platform, opts.runtime, sessionOf(request), request.params.userId, request.body),
  );

  app.post<{ Params: { userId: string }; Body: { newLoginPin?: string; newConfirmPin?: string; confirmPin: string } }>(
    "/users/:userId/reset-pins",
    {
      preHandler: full,
      schema: {
        tags: TAGS,
        summary: "Set a forgotten user PIN again (4–12 half-width alphanumerics): no re-activation; the user is advised to change it",
        params: userParams,
        body: body(["confirmPin"], { newLoginPin: PIN, newConfirmPin: PIN, confirmPin: CONFIRM_PIN }),
        response: { 200: ok(["user", "reset"], { user: userViewSchema, reset: { type: "array", items: { type: "string", enum: ["LOGIN_PIN", "CONFIRM_PIN"] } } }), ...errorResponses(404, 409) },
      },
    },
    async (request) => resetUserPins(platform, sessionOf(request), request.params.userId, request.body),
  );

  app.post<{ Params: { userId: string }; Body: { confirmPin: string } }>(
    "/users/:userId/reissue-certificate",
    {
      preHandler: full,
      schema: {
        tags: TAGS,
        summary: "電子証明書再発行 (PC change): the user's certificate is revoked (superseded) and the user may acquire again with the current PINs",
        params: userParams,
        body: body(["confirmPin"], { confirmPin: CONFIRM_PIN }),
        response: { 200: ok(["user", "revokedCertificates"], { user: userViewSchema, revokedCertificates: { type: "array", items: { type: "string" } } }), ...errorResponses(404, 409) },
      },
    },
    async (request) => reissueUserCertificate(platform, opts.runtime, sessionOf(request), request.params.userId, request.body),
  );

  app.post<{ Params: { userId: string }; Body: { confirmPin: string } }>(
    "/users/:userId/release-suspension",
    {
      preHandler: full,
      schema: {
        tags: TAGS,
        summary: "利用中止解除: release a user stopped by a PIN lock (mails 暗証番号ロック解除)",
        params: userParams,
        body: body(["confirmPin"], { confirmPin: CONFIRM_PIN }),
        response: userOnly,
      },
    },
    async (request) => releaseUserSuspension(platform, sessionOf(request), request.params.userId, request.body),
  );

  app.post<{ Params: { userId: string }; Body: { serial: string; otp: string; nextOtp: string; confirmPin: string } }>(
    "/users/:userId/token",
    {
      preHandler: full,
      schema: {
        tags: TAGS,
        summary: "トークン登録: assign a token from the bank's stock, verified with two consecutive codes",
        params: userParams,
        body: body(["serial", "otp", "nextOtp", "confirmPin"], {
          serial: str(32),
          otp: str(16, { description: "The code the token shows now" }),
          nextOtp: str(16, { description: "The next code it shows" }),
          confirmPin: CONFIRM_PIN,
        }),
        response: { 200: ok(["user", "serial"], { user: userViewSchema, serial: { type: "string" } }), ...errorResponses(404, 409) },
      },
    },
    async (request) => assignToken(platform, sessionOf(request), request.params.userId, request.body),
  );

  app.post<{ Params: { userId: string }; Body: { confirmPin: string } }>(
    "/users/:userId/token/unassign",
    {
      preHandler: full,
      schema: {
        tags: TAGS,
        summary: "Take the token back from the user (it returns to stock)",
        params: userParams,
        body: body(["confirmPin"], { confirmPin: CONFIRM_PIN }),
        response: { 200: ok(["user", "serial"], { user: userViewSchema, serial: { type: "string" } }), ...errorResponses(404, 409) },
      },
    },
    async (request) => unassignToken(platform, sessionOf(request), request.params.userId, request.body),
  );

  // ---- optional settings (§8.7) ----

  app.get(
    "/settings/contract",
    {
      preHandler: full,
      schema: {
        tags: TAGS,
        summary: "Contract accounts and limits, contract limit, file-transfer settings (set or not; never the secrets), fee master",
        response: {
          200: ok(["contractLimit", "accounts", "fileTransfer", "fees"], {
            contractLimit: { type: ["integer", "null"] },
            accounts: { type: "array", items: accountSchema },
            fileTransfer: ok(["contracted", "zenginPasswordSet", "fileAccessKeySet", "updatedAt"], {
              contracted: { type: "boolean" },
              zenginPasswordSet: { type: "boolean" },
              fileAccessKeySet: { type: "boolean" },
              updatedAt: { type: ["string", "null"] },
            }),
            fees: ok(["tiers", "updatedAt"], { tiers: { type: "array", items: feeTierSchema }, updatedAt: { type: ["string", "null"] } }),
          }),
          ...errorResponses(),
        },
      },
    },
    async (request) => getContractSettings(platform, sessionOf(request)),
  );

  app.post<{ Body: { accounts: unknown[]; confirmPin: string } }>(
    "/settings/accounts",
    {
      preHandler: full,
      schema: {
        tags: TAGS,
        summary: "ご契約先口座情報: the contract's accounts with a limit each, replacing the list (mails 契約口座情報変更)",
        body: body(["accounts", "confirmPin"], {
          accounts: {
            type: "array",
            maxItems: 50,
            items: body(["branchCode", "accountType", "accountNumber"], {
              branchCode: str(8),
              accountType: str(16, { enum: ["ORDINARY", "CURRENT", "SAVINGS", "OTHER"] }),
              accountNumber: str(16),
              transferLimit: AMOUNT_OR_NULL,
            }),
          },
          confirmPin: CONFIRM_PIN,
        }),
        response: { 200: ok(["accounts"], { accounts: { type: "array", items: accountSchema } }), ...errorResponses() },
      },
    },
    async (request) => setContractAccounts(platform, sessionOf(request), request.body),
  );

  app.post<{ Body: { zenginPassword: string; fileAccessKey: string; confirmPin: string } }>(
    "/settings/file-transfer",
    {
      preHandler: full,
      schema: {
        tags: TAGS,
        summary: "ファイル伝送契約情報: the Zengin password and file access key, stored sealed (mails ファイル伝送契約情報変更)",
        body: body(["zenginPassword", "fileAccessKey", "confirmPin"], { zenginPassword: str(64), fileAccessKey: str(64), confirmPin: CONFIRM_PIN }),
        response: { 200: ok(["zenginPasswordSet", "fileAccessKeySet"], { zenginPasswordSet: { type: "boolean" }, fileAccessKeySet: { type: "boolean" } }), ...errorResponses() },
      },
    },
    async (request) => setFileTransferSettings(platform, sessionOf(request), request.body),
  );

  app.post<{ Body: { contractLimit: number | string | null; confirmPin: string } }>(
    "/settings/contract-limit",
    {
      preHandler: full,
      schema: {
        tags: TAGS,
        summary: "ご契約先限度額 (mails 契約法人限度額変更)",
        body: body(["contractLimit", "confirmPin"], { contractLimit: AMOUNT_OR_NULL, confirmPin: CONFIRM_PIN }),
        response: { 200: ok(["contractLimit"], { contractLimit: { type: ["integer", "null"] } }), ...errorResponses() },
      },
    },
    async (request) => setContractLimit(platform, sessionOf(request), request.body),
  );

  app.post<{ Body: { tiers: unknown[]; confirmPin: string } }>(
    "/settings/fees",
    {
      preHandler: full,
      schema: {
        tags: TAGS,
        summary: "振込手数料マスタ: beneficiary-borne fee tiers, ascending, the last open-ended (mails 手数料登録)",
        body: body(["tiers", "confirmPin"], {
          tiers: {
            type: "array",
            maxItems: 10,
            items: body(["upToAmount", "sameBranchFee", "otherBranchFee", "otherBankFee"], {
              upToAmount: AMOUNT_OR_NULL,
              sameBranchFee: AMOUNT,
              otherBranchFee: AMOUNT,
              otherBankFee: AMOUNT,
            }),
          },
          confirmPin: CONFIRM_PIN,
        }),
        response: { 200: ok(["tiers"], { tiers: { type: "array", items: feeTierSchema } }), ...errorResponses() },
      },
    },
    async (request) => setTransferFees(platform, sessionOf(request), request.body),
  );

  // ---- renewal of the admin certificate (§8.15) ----

  registerRenewalRoutes(app, { tags: TAGS, preHandler: full, runtime, subject: "admin certificate" });
};

export default adminUserRoutes;
export { adminUserRoutes as corporateAdminUserRoutes };
