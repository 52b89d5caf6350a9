/**
 * PKCS#10 certification request (RFC 2986) signed in the browser: the proof of possession the
 * server checks (src/pki/csr.ts) before issuing. Only the public key matters to the CA — the
 * profile decides the subject — so the request carries a plain subject and no attributes.
 */
import { csrSignature, type KeyAlgorithm } from "./algorithms.js";
import { encodeName, type DnAttr } from "./cert.js";
import { bitString, intDer, nullDer, oid, seq, tlv, toPem, uintDer, type Bytes } from "./der.js";

/** WebCrypto's ECDSA r‖s (IEEE P1363) as the DER Ecdsa-Sig-Value X.509 wants. */
export function p1363ToDer(sig: Uint8Array): Uint8Array {
  const half = sig.length / 2;
  return seq(uintDer(sig.subarray(0, half)), uintDer(sig.subarray(half)));
}

export interface BuiltCsr {
  der: Bytes;
  pem: string;
}

export async function buildCsr(opts: { privateKey: CryptoKey; spkiDer: Uint8Array; keyAlgorithm: KeyAlgorithm; subject: readonly DnAttr[] }): Promise<BuiltCsr> {
  const info = seq(intDer(0), encodeName(opts.subject), opts.spkiDer, tlv(0xa0));
  const alg = csrSignature(opts.keyAlgorithm);
  const raw = new Uint8Array(await crypto.subtle.sign(alg.params, opts.privateKey, info));
  const signature = opts.keyAlgorithm.startsWith("ECDSA") ? p1363ToDer(raw) : raw;
  const der = seq(info, alg.nullParams ? seq(oid(alg.oid), nullDer()) : seq(oid(alg.oid)), bitString(signature));
  return { der, pem: toPem("CERTIFICATE REQUEST", der) };
}
