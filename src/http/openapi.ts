/**
 * The API description: OpenAPI 3.1 generated from the route schemas, at /api/openapi.json, and a
 * Swagger UI page at /api/docs that runs under the same strict CSP as the rest of the site (its
 * scripts and styles are files served from 'self'; the spec is fetched from /api/docs/json).
 * Must be registered before the routes it documents. INKAN_API_DOCS=false leaves both paths 404.
 */
import { createHash } from "node:crypto";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import type { Platform } from "../platform.js";
import { errorBodySchema } from "./errors.js";

export const OPENAPI_JSON_PATH = "/api/openapi.json";
export const DOCS_PATH = "/api/docs";

/** Tags the route plugins use; unknown tags still work, these just get descriptions. */
export const API_TAGS = [
  { name: "system", description: "Health, readiness" },
  { name: "pki", description: "Public PKI endpoints: CA certificates, CRLs, OCSP" },
  { name: "customer", description: "Customer portal" },
  { name: "back-office", description: "Bank staff console" },
  { name: "edi", description: "Host-to-host (全球金融網): served on the mutual-TLS listener (INKAN_MTLS_ADDR), authenticated by the TLS client certificate; here they answer MTLS_CLIENT_CERT_REQUIRED" },
  { name: "securities-tool", description: "Securities software-certificate tool (軟體憑證工具, SPEC §13) and 電子下單: cookie inkan_sec on /api/securities, X-CSRF-Token on state-changing calls" },
  { name: "ra", description: "RA enrollment API for the bank's own systems: served on the mutual-TLS listener (INKAN_MTLS_ADDR), authenticated by a registered RA client certificate (`inkan ra-client add`); here they answer RA_CLIENT_UNKNOWN" },
  { name: "bank-securities", description: "The securities firm's back office for the tool (BO-7): customers, unlock, mobile binding, the CA consent; BANK session" },
] as const;

/**
 * The one inline <style> Swagger UI renders: inside its SVG logo (which our page then replaces).
 * Allowed by hash on the docs pages only — never 'unsafe-inline' — so the docs page runs without
 * a CSP violation; a Swagger UI upgrade that changes it shows up in test/http/docs-browser.test.ts.
 */
const SWAGGER_LOGO_STYLE = ".logo_small_svg__cls-2{fill:#fff}.logo_small_svg__cls-3{fill:#85ea2d}";
const SWAGGER_LOGO_STYLE_HASH = `'sha256-${createHash("sha256").update(SWAGGER_LOGO_STYLE).digest("base64")}'`;

/** Adds the logo style hash to style-src of a CSP header. */
export function docsCsp(header: string): string {
  return header.replace(/(^|;)\s*style-src ([^;]*)/, (_m, lead: string, sources: string) => `${lead}style-src ${sources} ${SWAGGER_LOGO_STYLE_HASH}`);
}

export async function registerOpenApi(app: FastifyInstance, platform: Platform): Promise<void> {
  app.addSchema(errorBodySchema);
  if (!platform.config.apiDocs) return;
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Inkan API",
        version: "0.1.0",
        description:
          "Electronic-certificate platform for internet banking. Errors are JSON `{ code, message, fields? }` with a stable code and a message in ja, zh-TW or en (`?lang=`, cookie `inkan_lang`, or Accept-Language).",
        license: { name: "Apache-2.0", identifier: "Apache-2.0" },
      },
      servers: [{ url: platform.config.publicUrl }],
      tags: API_TAGS.map((t) => ({ ...t })),
    },
    // Shared schemas keep their $id as the component name, so `$ref: "InkanError#"` reads as
    // #/components/schemas/InkanError in the document.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === "string" ? json.$id : `def-${i}`),
    },
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: DOCS_PATH,
    uiConfig: { deepLinking: true, docExpansion: "list" },
    transformStaticCSP: docsCsp,
    validatorUrl: false, // no calls to validator.swagger.io: the docs page talks to this server only
  });
  app.get(OPENAPI_JSON_PATH, { schema: { hide: true } }, async () => app.swagger());
}
