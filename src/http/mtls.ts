/**
 * The mutual-TLS listener (DESIGN §3/§6, INKAN_MTLS_ADDR): HTTPS on its own address for
 * host-to-host clients — EDI customers today, the bank's RA systems later — who authenticate
 * with a certificate the platform issued, so plain `curl --cert c.pem --key k.pem` works.
 *
 * The server asks every client for a certificate and names the platform's root and issuing
 * CAs as acceptable (CertificateRequest), but lets the handshake finish without one: the route
 * then answers with a stable code (MTLS_CLIENT_CERT_REQUIRED, CERT_UNKNOWN, CERT_SUSPENDED…)
 * rather than a bare TLS alert the client cannot act on. Whether a certificate is accepted is
 * decided by services/client-certificates.ts against the certificates table and the clock.
 *
 * Server certificate: INKAN_MTLS_CERT / INKAN_MTLS_KEY (PEM files); the demo issues one from an
 * issuing CA for the listener's host (and 127.0.0.1, ::1, localhost) at each start.
 */
import { readFileSync } from "node:fs";
import type { ServerOptions as HttpsServerOptions } from "node:https";
import { TLSSocket } from "node:tls";
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from "fastify";
import { ConfigError, type ListenAddress } from "../config.js";
import type { Platform } from "../platform.js";
import { generateKeyPair } from "../pki/keys.js";
import { createTlsServerCert } from "../pki/tls-server.js";
import { authenticateClientCertificate, type ClientCertificate } from "../services/client-certificates.js";
import type { PkiRuntime } from "../services/pki-runtime.js";
import { buildHttpApp, type HttpRoutePlugin } from "./app.js";

const pem = (der: Uint8Array, label = "CERTIFICATE"): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END ${label}-----\n`;

/** The DER of the certificate the TLS client presented; undefined on plain HTTP or without one. */
export function presentedCertificate(request: FastifyRequest): Buffer | undefined {
  const socket = request.raw.socket;
  if (!(socket instanceof TLSSocket)) return undefined;
  const peer = socket.getPeerCertificate();
  return peer && Buffer.isBuffer(peer.raw) && peer.raw.length > 0 ? peer.raw : undefined;
}

declare module "fastify" {
  interface FastifyRequest {
    clientCertificate?: ClientCertificate;
  }
}

/**
 * onRequest hook of the host-to-host routes: the presented certificate's row on the request, or
 * a refusal — before any body is read or validated. On the main (plain HTTP) listener there is never a certificate: the routes are
 * mounted there only so they are documented, and answer MTLS_CLIENT_CERT_REQUIRED.
 */
export const requireClientCertificate: onRequestAsyncHookHandler = async function clientCertificate(request: FastifyRequest) {
  request.clientCertificate = await authenticateClientCertificate(request.server.platform, presentedCertificate(request));
};

/** The client certificate requireClientCertificate accepted. */
export function clientCertificateOf(request: FastifyRequest): ClientCertificate {
  if (!request.clientCertificate) throw new Error("route without requireClientCertificate");
  return request.clientCertificate;
}

/** A server certificate for the demo: from the first issuing CA, for the listener's names. */
export function demoServerCredentials(runtime: PkiRuntime, host: string, now: Date): { key: string; cert: string } {
  const issuing = runtime
    .authorities()
    .filter((c) => c.role === "issuing" && c.notAfter > now)
    .sort((a, b) => a.id.localeCompare(b.id))[0];
  if (!issuing) throw new ConfigError(["INKAN_MTLS_CERT: the demo found no issuing CA to issue the listener's certificate from"], null);
  const names = [...new Set([host === "0.0.0.0" || host === "::" ? "localhost" : host, "localhost", "127.0.0.1", "::1"])];
  const key = generateKeyPair("ECDSA-P256");
  const der = createTlsServerCert({
    issuer: issuing.issuer,
    key,
    names,
    notBefore: new Date(now.getTime() - 5 * 60_000),
    notAfter: new Date(now.getTime() + 30 * 86_400_000),
  });
  // Leaf and issuing CA; the client brings the root (GET /pki/ca/root-ca.pem).
  return { key: key.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), cert: pem(der) + pem(issuing.issuer.certDer) };
}

/** TLS options of the listener: server certificate, the CAs clients may present certificates of. */
export function mtlsServerOptions(platform: Platform, runtime: PkiRuntime, addr: ListenAddress, credentials?: { key: string; cert: string }): HttpsServerOptions {
  const { config } = platform;
  let key: string | Buffer;
  let cert: string | Buffer;
  if (credentials) {
    ({ key, cert } = credentials);
  } else if (config.mtlsCertFile && config.mtlsKeyFile) {
    try {
      cert = readFileSync(config.mtlsCertFile);
    } catch (e) {
      throw new ConfigError([`INKAN_MTLS_CERT: cannot read ${config.mtlsCertFile} (${(e as Error).message})`], null);
    }
    try {
      key = readFileSync(config.mtlsKeyFile);
    } catch (e) {
      throw new ConfigError([`INKAN_MTLS_KEY: cannot read ${config.mtlsKeyFile} (${(e as Error).message})`], null);
    }
  } else if (config.mode === "demo") {
    ({ key, cert } = demoServerCredentials(runtime, addr.host, platform.clock.now()));
  } else {
    throw new ConfigError(["INKAN_MTLS_CERT: required with INKAN_MTLS_ADDR (production brings its own server certificate)"], null);
  }
  const ca = runtime
    .authorities()
    .filter((c) => c.role === "root" || c.role === "issuing")
    .map((c) => pem(c.issuer.certDer));
  return { key, cert, ca, requestCert: true, rejectUnauthorized: false, minVersion: "TLSv1.2" };
}

export interface MtlsListener {
  app: FastifyInstance;
  /** https://host:port */
  url: string;
  close(): Promise<void>;
}

/** Builds the listener's app (same shell as the main one, no API docs) and listens. */
export async function startMtlsListener(
  platform: Platform,
  runtime: PkiRuntime,
  addr: ListenAddress,
  routes: HttpRoutePlugin[],
  opts: { credentials?: { key: string; cert: string } } = {},
): Promise<MtlsListener> {
  const https = { ...mtlsServerOptions(platform, runtime, addr, opts.credentials) };
  let app: FastifyInstance;
  try {
    app = await buildHttpApp(platform, { routes, https, openApi: false });
  } catch (e) {
    // The TLS context is made here: a key that does not match, or a file that is no PEM.
    throw new ConfigError([`INKAN_MTLS_CERT / INKAN_MTLS_KEY: the server certificate and key cannot be used (${(e as Error).message})`], null);
  }
  try {
    await app.listen({ host: addr.host, port: addr.port });
  } catch (e) {
    await app.close();
    throw e;
  }
  const a = app.server.address();
  const port = typeof a === "object" && a ? a.port : addr.port;
  return { app, url: `https://${addr.host.includes(":") ? `[${addr.host}]` : addr.host}:${port}`, close: () => app.close() };
}
