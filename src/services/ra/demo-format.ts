/** The demo RA client as the sealed demo info keeps it, and its banner lines (no imports: demo.ts prints it). */

export interface RaDemoInfo {
  name: string;
  institutionCode: string;
  profiles: string[];
  quota: string;
  certPem: string;
  keyPem: string;
  chainPem: string;
  files: { cert: string; key: string; chain: string };
}

/** The banner's lines. */
export function formatRaDemo(ra: RaDemoInfo, mtlsUrl: string | undefined): string[] {
  const url = mtlsUrl ?? "https://127.0.0.1:8443";
  return [
    `  RA enrollment API (the bank's own systems, mutual TLS${mtlsUrl ? ` at ${mtlsUrl}` : "; start with INKAN_MTLS_ADDR=127.0.0.1:8443"}):`,
    `    client ${ra.name} of ${ra.institutionCode}, profiles ${ra.profiles.join(", ")}, quota ${ra.quota}`,
    `    curl --cert ${ra.files.cert} --key ${ra.files.key} --cacert ${ra.files.chain} \\`,
    `      -H 'content-type: application/json' --data @request.json ${url}/api/ra/v1/certificates`,
    `    request.json: {"csr":"<PKCS#10 PEM>","profile":"shinkin-user","subject":{"contractId":"12345678901","userId":"taro"}} (see README)`,
  ];
}
