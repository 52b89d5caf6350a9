/**
 * The CA's public endpoints, fetched by relying parties rather than people: CRLs (DER) at the
 * URL written into every certificate's CRL distribution point, the OCSP responder (RFC 6960
 * POST, RFC 5019 GET with HTTP caching), and the CA certificates (DER, and PEM chains up to
 * the root). No session, no CSRF: everything here is public and signed.
 */
import { errorCodes, type FastifyPluginAsync, type FastifyReply, type FastifyRequest } from "fastify";
import { InkanError, type ErrorKind } from "../../domain/errors.js";
import { OCSP_RESPONSE_CONTENT_TYPE } from "../../pki/ocsp.js";
import { notModified as namesEtag, OCSP_GET_ROUTE, OCSP_POST_ROUTE, OCSP_REQUEST_CONTENT_TYPE, OCSP_REQUEST_LIMIT, OcspHeads, ocspFastPath } from "../ocsp-fast-path.js";
import { caUrls, listCertificateAuthorities } from "../../services/ca.js";
import { pemOf } from "../../services/certificates.js";
import type { PkiRuntime } from "../../services/pki-runtime.js";
import type { Db } from "../../store/database.js";

export interface PkiRoutesOptions {
  runtime: PkiRuntime;
  db: Db;
}

export { OCSP_REQUEST_LIMIT };

const STATUS: Partial<Record<ErrorKind, number>> = { not_found: 404, invalid: 400 };

/** An InkanError the shell localizes, with a status Fastify's default handler also honours. */
function httpError(code: string, kind: ErrorKind, params: Record<string, string>, detail: string): InkanError {
  return Object.assign(new InkanError(code, kind, { params, detail }), { statusCode: STATUS[kind] ?? 500 });
}

const binary = (mediaType: string, description: string) => ({
  description,
  content: { [mediaType]: { schema: { type: "string", format: "binary" } } },
});

const errorResponse = {
  description: "Unknown CA or no CRL published yet",
  type: "object",
  properties: { code: { type: "string" }, message: { type: "string" } },
};

const caIdParams = {
  type: "object",
  required: ["caId"],
  properties: { caId: { type: "string", minLength: 1, maxLength: 100, description: "CA identifier, as in GET /pki/ca" } },
};

const httpDate = (d: Date): string => d.toUTCString();

const notModified = (request: FastifyRequest, etag: string): boolean => namesEtag(request.headers["if-none-match"], etag);

export const pkiRoutes: FastifyPluginAsync<PkiRoutesOptions> = async (app, { runtime, db }) => {
  // Only this plugin's routes see the parser: OCSP bodies are raw DER, kept small.
  app.addContentTypeParser(OCSP_REQUEST_CONTENT_TYPE, { parseAs: "buffer", bodyLimit: OCSP_REQUEST_LIMIT }, (_request, body, done) => {
    done(null, body);
  });

  const publicCa = async (caId: string) => {
    const ca = (await listCertificateAuthorities(db)).find((c) => c.id === caId && c.role !== "ocsp");
    if (!ca) throw httpError("CA_NOT_FOUND", "not_found", { caId }, `no CA ${caId}`);
    return ca;
  };

  app.get<{ Params: { caId: string } }>(
    "/pki/crl/:caId.crl",
    {
      schema: {
        tags: ["pki"],
        summary: "Latest CRL of a CA (DER)",
        description: "Full CRL, regenerated on every status change and on schedule. Revalidate with If-None-Match.",
        params: caIdParams,
        response: { 200: binary("application/pkix-crl", "DER CertificateList"), 304: { description: "Unchanged", type: "null" }, 404: errorResponse },
      },
    },
    async (request, reply) => {
      const { caId } = request.params;
      const crl = await runtime.latestCrl(caId);
      if (!crl) {
        await publicCa(caId);
        throw httpError("CRL_NOT_FOUND", "not_found", { caId }, `no CRL published for ${caId}`);
      }
      const etag = `"${caId}-${crl.number.toString()}"`;
      reply
        .header("etag", etag)
        .header("last-modified", httpDate(crl.thisUpdate))
        .header("expires", httpDate(crl.nextUpdate))
        // A new CRL appears on every status change: caches must ask again each time.
        .header("cache-control", "public, max-age=0, must-revalidate");
      if (notModified(request, etag)) return reply.code(304).send();
      return reply.type("application/pkix-crl").send(crl.der);
    },
  );

  // The same heads (and the same cached ETags) for both ways in: the routes below and the fast
  // path that answers plain OCSP requests ahead of Fastify on the app's own listener. (Not under
  // a prefix: the fast path knows only the unprefixed URLs.)
  const heads = new OcspHeads();
  if (app.hasDecorator("fastPaths") && app.prefix === "") app.fastPaths.add(ocspFastPath(runtime, heads, app.fastPaths.context));

  const sendOcsp = (reply: FastifyReply, answer: ReturnType<PkiRuntime["answerOcsp"]>, get: boolean, request: FastifyRequest): FastifyReply => {
    const head = heads.head(answer, get, runtime.now().getTime());
    for (let i = 0; i < head.fields.length; i += 2) reply.header(head.fields[i]!, head.fields[i + 1]!);
    if (get && head.etag !== undefined && notModified(request, head.etag)) return reply.code(304).send();
    return reply.send(answer.body);
  };

  app.post<{ Body: Buffer }>(
    OCSP_POST_ROUTE,
    {
      bodyLimit: OCSP_REQUEST_LIMIT,
      helmet: false,
      schema: {
        tags: ["pki"],
        summary: "OCSP responder (RFC 6960, POST)",
        description: "Body: DER OCSPRequest with Content-Type application/ocsp-request. Nonces are echoed (signed per request).",
        response: { 200: binary(OCSP_RESPONSE_CONTENT_TYPE, "DER OCSPResponse (errors are OCSP error statuses, still HTTP 200)") },
      },
    },
    async (request, reply) => {
      // Other content types reach here parsed by the app's parsers (JSON…): not an OCSP request.
      if (!Buffer.isBuffer(request.body)) throw new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(String(request.headers["content-type"] ?? ""));
      return sendOcsp(reply, runtime.answerOcsp(request.body), false, request);
    },
  );

  app.get(
    OCSP_GET_ROUTE,
    {
      helmet: false,
      schema: {
        tags: ["pki"],
        summary: "OCSP responder (RFC 5019 GET)",
        description: "Path: URL-encoded base64 of the DER OCSPRequest. Cacheable answers carry Cache-Control max-age, Expires, Last-Modified and ETag.",
        response: { 200: binary(OCSP_RESPONSE_CONTENT_TYPE, "DER OCSPResponse"), 304: { description: "Unchanged", type: "null" } },
      },
    },
    async (request, reply) => {
      // The raw URL: base64 may hold '+', '/' and '=' that decoding twice would damage.
      const raw = request.raw.url ?? "";
      const at = raw.indexOf("/pki/ocsp/");
      const query = raw.indexOf("?");
      const component = at < 0 ? "" : raw.slice(at + "/pki/ocsp/".length, query < 0 ? undefined : query);
      return sendOcsp(reply, runtime.answerOcspGet(component), true, request);
    },
  );

  app.get<{ Params: { caId: string } }>(
    "/pki/ca/:caId.crt",
    {
      schema: {
        tags: ["pki"],
        summary: "CA certificate (DER)",
        description: "The URL in the authorityInfoAccess caIssuers field of issued certificates.",
        params: caIdParams,
        response: { 200: binary("application/pkix-cert", "DER certificate"), 404: errorResponse },
      },
    },
    async (request, reply) => {
      const ca = await publicCa(request.params.caId);
      return reply.type("application/pkix-cert").header("cache-control", "public, max-age=3600").send(ca.certDer);
    },
  );

  app.get<{ Params: { caId: string } }>(
    "/pki/ca/:caId.pem",
    {
      schema: {
        tags: ["pki"],
        summary: "CA certificate chain (PEM, up to the root)",
        params: caIdParams,
        response: { 200: { description: "PEM certificates, the CA first, the root last", content: { "application/x-pem-file": { schema: { type: "string" } } } }, 404: errorResponse },
      },
    },
    async (request, reply) => {
      const all = await listCertificateAuthorities(db);
      let ca: (typeof all)[number] | undefined = await publicCa(request.params.caId);
      const pems: string[] = [];
      const seen = new Set<string>();
      while (ca && !seen.has(ca.id)) {
        seen.add(ca.id);
        pems.push(pemOf(ca.certDer));
        const parentId: string | null = ca.parentId;
        ca = parentId ? all.find((c) => c.id === parentId) : undefined;
      }
      return reply.type("application/x-pem-file").header("cache-control", "public, max-age=3600").send(pems.join(""));
    },
  );

  app.get(
    "/pki/ca",
    {
      schema: {
        tags: ["pki"],
        summary: "Certification authorities of this deployment",
        response: {
          200: {
            type: "array",
            items: {
              type: "object",
              required: ["id", "role", "name", "subjectDn", "notBefore", "notAfter", "certUrl", "chainUrl", "crlUrl"],
              properties: {
                id: { type: "string" },
                role: { type: "string", enum: ["root", "issuing"] },
                parentId: { type: ["string", "null"] },
                name: { type: "string" },
                subjectDn: { type: "string" },
                algorithm: { type: "string" },
                notBefore: { type: "string", format: "date-time" },
                notAfter: { type: "string", format: "date-time" },
                certUrl: { type: "string" },
                chainUrl: { type: "string" },
                crlUrl: { type: "string" },
                ocspUrl: { type: ["string", "null"] },
              },
            },
          },
        },
      },
    },
    async () => {
      const all = await listCertificateAuthorities(db);
      return all
        .filter((c) => c.role !== "ocsp")
        .map((c) => {
          const urls = caUrls(runtime.publicUrl, c.id);
          return {
            id: c.id,
            role: c.role,
            parentId: c.parentId,
            name: c.name,
            subjectDn: c.subjectDn,
            algorithm: c.algorithm,
            notBefore: c.notBefore.toISOString(),
            notAfter: c.notAfter.toISOString(),
            certUrl: urls.certUrl,
            chainUrl: urls.chainUrl,
            crlUrl: urls.crlUrl,
            ocspUrl: c.role === "issuing" ? urls.ocspUrl : null,
          };
        });
    },
  );
};
