/**
 * Placeholder first page until the portal screens land: shows how many certificates this
 * browser holds. The keystore is imported dynamically, as the screens should do, so the first
 * page's own JavaScript stays a few kilobytes.
 */
const status = document.getElementById("keystore-status");

async function show(): Promise<void> {
  if (!status) return;
  try {
    const { openKeystore } = await import("./index.js");
    const ks = await openKeystore();
    const certs = await ks.listCertificates();
    status.textContent = `このブラウザの証明書: ${certs.length} 件 / Certificates in this browser: ${certs.length}`;
    ks.close();
  } catch (e) {
    status.textContent = e instanceof Error ? e.message : String(e);
  }
}

void show();
