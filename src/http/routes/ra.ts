/**
 * The RA enrollment API (issue 12), /api/ra/v1 on the mutual-TLS listener (INKAN_MTLS_ADDR):
 * the bank's own systems ask the CA for certificates, authenticated by their RA client
 * certificate and nothing else (no cookie, no CSRF token). `curl --cert ra.pem --key ra.key`
 * works as is. Mounted on the main listener too, only so /api/docs documents it: there no client
 * certificate exists and every call answers RA_CLIENT_UNKNOWN.
 */
import { TLSSocket } from "node:tls";
import type { FastifyPluginAsync, FastifyRequest, onRequestAsyncHookHandler } from "fastify";
import { CRL_REASONS, type CrlReasonName } from "../../pki/revocation.js";
import { authenticateRaClient, type RaClient } from "../../services/ra/clients.js";
import { changeEnrolledStatus, enrollCertificate, getEnrolledCertificate, RA_SUBJECT_FIELDS, type EnrollInput } from "../../services/ra/enrollment.js";
import type { PkiRuntime } from "../../services/pki-runtime.js";
import { presentedCertificate } from "../mtls.js";
import { errorResponses, ok, str } from "./corporate-common.js";

export const RA_API = "/api/ra/v1";
const TAGS = ["ra"];
/** A CSR is at most 16 KiB of DER; the rest is room for PEM armour and subject fields. */
export const RA_BODY_LIMIT = 64 * 1024;

declare module "fastify" {
  interface FastifyRequest {
    raClient?: RaClient;
  }
}

/**
 * The presented certificate, read once per TLS connection (getPeerCertificate parses the whole
 * certificate into an object; a keep-alive client sends many requests on one connection). Whether
 * the client may act is still decided per request, from the database.
 */
const peerOfSocket = new WeakMap<TLSSocket, Buffer | undefined>();
function peerCertificate(request: FastifyRequest): Buffer | undefined {
  const socket = request.raw.socket;
  if (!(socket instanceof TLSSocket)) return undefined;
  if (peerOfSocket.has(socket)) return peerOfSocket.get(socket);
  const der = presentedCertificate(request);
  peerOfSocket.set(socket, der);
  return der;
}

const requireRaClient: onRequestAsyncHookHandler = async function raClient(request: FastifyRequest) {
  request.raClient = await authenticateRaClient(request.server.platform, peerCertificate(request));
};

function clientOf(request: FastifyRequest): RaClient {
  if (!request.raClient) throw new Error("route without requireRaClient");
  return request.raClient;
}

const subjectDoc = Object.entries(RA_SUBJECT_FIELDS)
  .map(([p, f]) => `${p}: ${f.join(", ")}`)
  .join("; ");

const enrollBody = {
  type: "object",
  additionalProperties: false,
  required: ["csr", "profile"],
  properties: {
    csr: str(24_000, { description: "PKCS#10 request, PEM or base64 of the DER; only its public key is used (proof of possession checked)" }),
    profile: str(64, { description: `A profile this RA client is allowed: ${Object.keys(RA_SUBJECT_FIELDS).join(", ")}. Unknown → RA_PROFILE_UNKNOWN, not allowed → RA_PROFILE_NOT_ALLOWED` }),
    subject: {
      type: "object",
      description: `The subject fields the profile takes — all required, no others (RA_SUBJECT_INVALID): ${subjectDoc}. The subject is built by the profile, never copied from the CSR`,
      maxProperties: 8,
      additionalProperties: { type: ["string", "integer"], maxLength: 64 },
    },
  },
} as const;

const certificateSchema = ok(["serial", "profile", "subjectDn", "notBefore", "notAfter", "status", "revokedAt", "revocationReason", "certificate", "chain"], {
  serial: { type: "string", description: "Uppercase hex, as `openssl x509 -serial` prints it" },
  profile: { type: "string" },
  subjectDn: { type: "string" },
  notBefore: { type: "string", format: "date-time" },
  notAfter: { type: "string", format: "date-time" },
  status: { type: "string", enum: ["VALID", "SUSPENDED", "REVOKED", "EXPIRED"] },
  revokedAt: { type: ["string", "null"], format: "date-time" },
  revocationReason: { type: ["string", "null"], description: "RFC 5280 reason name (certificateHold while suspended)" },
  certificate: { type: "string", description: "The certificate, PEM" },
  chain: { type: "string", description: "Issuing CA then root, PEM: `openssl verify -CAfile <root> -untrusted <chain>`" },
});

const serialParams = {
  type: "object",
  required: ["serial"],
  properties: { serial: str(64, { description: "Hex serial (any case; colons allowed), of a certificate this client enrolled — any other answers RA_CERT_NOT_FOUND" }) },
} as const;

const REVOKE_REASONS = (Object.keys(CRL_REASONS) as CrlReasonName[]).filter((r) => r !== "certificateHold" && r !== "removeFromCRL");
const revokeBody = {
  type: "object",
  additionalProperties: false,
  properties: { reason: { type: "string", enum: REVOKE_REASONS, description: "RFC 5280 reason; default unspecified" } },
} as const;

const IDEMPOTENCY_DOC =
  "Optional `Idempotency-Key` header (1–128 of A–Z a–z 0–9 -_.:/+=), per RA client: the same key and the same request (CSR, profile, subject fields) answer the certificate issued the first time (200, header `Idempotent-Replayed: true`) — also for concurrent duplicates, which issue exactly one certificate; the same key with another request → 409 RA_IDEMPOTENCY_KEY_REUSED. Keys are remembered 7 days, then forgotten (a later request with the key issues a new certificate): make each key unique per request within that window. Without the header every request issues a new certificate.";

const raRoutes: FastifyPluginAsync<{ runtime: PkiRuntime }> = async (app, opts) => {
  const { runtime } = opts;
  app.decorateRequest("raClient", undefined);

  app.post<{ Body: EnrollInput; Headers: { "idempotency-key"?: string } }>(
    "/certificates",
    {
      onRequest: requireRaClient,
      bodyLimit: RA_BODY_LIMIT,
      schema: {
        tags: TAGS,
        summary: "Enroll a certificate from a PKCS#10 request (mutual-TLS listener; RA client certificate)",
        description: `Answers 201 only after the certificate row and its audit record are committed. ${IDEMPOTENCY_DOC} Quota per RA client (fixed window, counted in the database across processes): 429 RA_QUOTA_EXCEEDED with Retry-After. Bad CSR (malformed, signature does not verify, key not accepted) → RA_CSR_INVALID; no/unknown client certificate → 401 RA_CLIENT_UNKNOWN; disabled client or its certificate revoked/suspended/expired → 403 RA_CLIENT_DISABLED; body over ${RA_BODY_LIMIT} bytes → 413 BODY_TOO_LARGE.`,
        headers: { type: "object", properties: { "idempotency-key": { type: "string", description: "1–128 of A–Z a–z 0–9 -_.:/+= (else RA_IDEMPOTENCY_KEY_INVALID)" } } },
        body: enrollBody,
        response: { 200: certificateSchema, 201: certificateSchema, ...errorResponses(409) },
      },
    },
    async (request, reply) => {
      const key = request.headers["idempotency-key"];
      const r = await enrollCertificate(request.server.platform, runtime, clientOf(request), request.body, key);
      if (r.replayed) reply.header("idempotent-replayed", "true");
      return reply.code(r.replayed ? 200 : 201).header("location", `${RA_API}/certificates/${r.certificate.serial}`).header("cache-control", "no-store").send(r.certificate);
    },
  );

  app.get<{ Params: { serial: string } }>(
    "/certificates/:serial",
    {
      onRequest: requireRaClient,
      schema: { tags: TAGS, summary: "A certificate this RA client enrolled, with its current status", params: serialParams, response: { 200: certificateSchema, ...errorResponses(404) } },
    },
    async (request, reply) => reply.header("cache-control", "no-store").send(await getEnrolledCertificate(request.server.platform, runtime, clientOf(request), request.params.serial)),
  );

  app.post<{ Params: { serial: string }; Body: { reason?: CrlReasonName } | undefined }>(
    "/certificates/:serial/revoke",
    {
      onRequest: requireRaClient,
      // The body is optional (curl -X POST sends none): validate an absent one as {}.
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
      schema: {
        tags: TAGS,
        summary: "Revoke a certificate this RA client enrolled (OCSP and CRL updated before the answer)",
        params: serialParams,
        body: revokeBody,
        response: { 200: certificateSchema, ...errorResponses(404, 409) },
      },
    },
    async (request) => changeEnrolledStatus(request.server.platform, runtime, clientOf(request), request.params.serial, { kind: "revoke", reason: request.body?.reason ?? "unspecified" }),
  );

  for (const kind of ["suspend", "resume"] as const) {
    app.post<{ Params: { serial: string } }>(
      `/certificates/:serial/${kind}`,
      {
        onRequest: requireRaClient,
        schema: {
          tags: TAGS,
          summary: kind === "suspend" ? "Suspend (certificateHold) a certificate this RA client enrolled" : "Resume a suspended certificate this RA client enrolled",
          params: serialParams,
          response: { 200: certificateSchema, ...errorResponses(404, 409) },
        },
      },
      async (request) => changeEnrolledStatus(request.server.platform, runtime, clientOf(request), request.params.serial, { kind }),
    );
  }
};

export default raRoutes;
export { raRoutes };
