/**
 * Renewal (電子証明書更新, §8.15) for whoever is signed in — the administrator or a user: inside
 * the window a new key's CSR and the confirmation PIN give the new certificate and a challenge;
 * a signature of it by the NEW key confirms the installation and supersedes the old certificate.
 */
import type { FastifyInstance, preHandlerHookHandler } from "fastify";
import { confirmRenewalInstalled, startRenewal } from "../../services/corporate/renewal.js";
import type { PkiRuntime } from "../../services/pki-runtime.js";
import { sessionOf, siteOrigin } from "../session.js";
import {
  body,
  CSR,
  DATE_TIME,
  errorResponses,
  ISSUED_CERTIFICATE_REQUIRED,
  issuedCertificateProperties,
  ok,
  PIN,
  screenMessagesSchema,
  str,
  texts,
} from "./corporate-common.js";

export const renewalIssuedSchema = ok([...ISSUED_CERTIFICATE_REQUIRED, "messages", "install"], {
  ...issuedCertificateProperties,
  messages: screenMessagesSchema,
  install: ok(["challengeId", "nonce", "origin", "purpose", "expiresAt"], {
    challengeId: { type: "string" },
    nonce: { type: "string" },
    origin: { type: "string" },
    purpose: { type: "string", const: "renewal" },
    expiresAt: DATE_TIME,
  }),
});

export const renewalInstalledSchema = ok(["certificateId", "cn", "serialHex", "notAfter", "superseded", "messages"], {
  certificateId: { type: "string" },
  cn: { type: "string" },
  serialHex: { type: "string" },
  notAfter: DATE_TIME,
  superseded: { type: "array", items: { type: "string" } },
  messages: screenMessagesSchema,
});

export const renewalBody = body(["csr", "confirmPin"], { csr: CSR, confirmPin: PIN });
export const renewalInstalledBody = body(["challengeId", "certificate", "signature"], { challengeId: str(64), certificate: str(12_000), signature: str(1_400) });

export function registerRenewalRoutes(
  app: FastifyInstance,
  opts: { tags: string[]; preHandler: preHandlerHookHandler; runtime: () => PkiRuntime; subject: string },
): void {
  const platform = app.platform;
  const { tags, preHandler, runtime } = opts;
  app.post<{ Body: { csr: string; confirmPin: string } }>(
    "/renewal",
    {
      preHandler,
      schema: {
        tags,
        summary: `Renew the ${opts.subject} inside the renewal window: a new key's CSR and the confirmation PIN → the new certificate and a challenge to sign with the new key once installed`,
        body: renewalBody,
        response: { 200: renewalIssuedSchema, ...errorResponses(409, 503) },
      },
    },
    async (request) => {
      const r = await startRenewal(platform, runtime(), sessionOf(request), { ...request.body, origin: siteOrigin(platform) });
      return { ...r, messages: texts(request, r.messageIds) };
    },
  );
  app.post<{ Body: { challengeId: string; certificate: string; signature: string } }>(
    "/renewal/installed",
    {
      preHandler,
      schema: {
        tags,
        summary: `The new ${opts.subject} is installed (signature of the renewal challenge by the NEW key); the old one is superseded`,
        body: renewalInstalledBody,
        response: { 200: renewalInstalledSchema, ...errorResponses(409, 503) },
      },
    },
    async (request) => {
      const r = await confirmRenewalInstalled(platform, runtime(), sessionOf(request), request.body);
      return { ...r, messages: texts(request, r.messageIds) };
    },
  );
}
