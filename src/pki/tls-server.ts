/**
 * A TLS server certificate for the demo's mutual-TLS listener (DESIGN §6): issued by one of the
 * platform's issuing CAs for the listener's host names and addresses, so a client that trusts
 * the platform's root (served at /pki/ca/root-ca.pem) connects without -k. Production brings
 * its own (INKAN_MTLS_CERT); this one is never stored.
 */
import { isIP } from "node:net";
import { InkanError } from "../domain/errors.js";
import { implicitPrim, seq } from "./der.js";
import { encodeName, type DnAttr } from "./dn.js";
import { OIDS, authorityKeyIdExt, extKeyUsageExt, extension, keyUsageExt, subjectKeyIdExt } from "./extensions.js";
import { assembleTbs, checkValidity, newSerial, serialInteger, signTbs } from "./issue.js";
import { keyIdentifier, signatureAlgorithm, type Issuer, type SigningKey } from "./keys.js";

const SUBJECT_ALT_NAME = "2.5.29.17";

/** The IPv4/IPv6 address as the 4 or 16 octets of an iPAddress GeneralName. */
function ipOctets(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split(".").map(Number));
  const [head = "", tail = ""] = ip.split("::");
  const groups = (s: string): number[] => (s === "" ? [] : s.split(":").map((g) => parseInt(g, 16)));
  const h = groups(head);
  const t = ip.includes("::") ? groups(tail) : [];
  const all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

/** subjectAltName: dNSName [2] and iPAddress [7] entries (RFC 5280 §4.2.1.6). */
export function subjectAltNameExt(names: readonly string[]): Buffer {
  if (names.length === 0) throw new InkanError("PKI_INPUT_INVALID", "invalid", { params: { field: "names" }, fields: ["names"] });
  return extension(
    SUBJECT_ALT_NAME,
    false,
    seq(...names.map((n) => (isIP(n) ? implicitPrim(7, ipOctets(n)) : implicitPrim(2, Buffer.from(n, "ascii"))))),
  );
}

export function createTlsServerCert(o: { issuer: Issuer; key: Pick<SigningKey, "publicKey">; names: readonly string[]; notBefore: Date; notAfter: Date }): Buffer {
  checkValidity(o.notBefore, o.notAfter);
  const spki = o.key.publicKey.export({ type: "spki", format: "der" });
  const subject: DnAttr[] = [{ type: "CN", value: o.names[0] ?? "localhost" }];
  const tbs = assembleTbs({
    serialDer: serialInteger(newSerial()),
    signatureAlgDer: signatureAlgorithm(o.issuer.key.algorithm),
    issuerNameDer: o.issuer.subjectNameDer,
    notBefore: o.notBefore,
    notAfter: o.notAfter,
    subjectNameDer: encodeName(subject),
    spkiDer: spki,
    extensions: [
      keyUsageExt(["digitalSignature"]),
      extKeyUsageExt([OIDS.kpServerAuth]),
      subjectAltNameExt(o.names),
      subjectKeyIdExt(keyIdentifier(spki)),
      authorityKeyIdExt(o.issuer.keyId),
    ],
  });
  return signTbs(o.issuer.key, tbs);
}
