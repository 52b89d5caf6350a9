/**
 * The status panel's host side (§13.2: 憑證註冊狀態(主機端)) and the status of certificates the
 * browser holds (client side, asked by serial, like the Shinkin portal's status check): name,
 * serial, validity, 找不到憑證 / 有效憑證 / 憑證即將過期, and the actions 您可以進行： offers.
 */
import { normalizeSerialHex } from "../certificates.js";
import { listCertificatesOf, type CertificateRecord } from "../certificates.js";
import type { LocalizedText } from "../../domain/errors.js";
import { SEC_STATUS_LABELS } from "../../domain/securities/messages.js";
import { allowedActions, hostStatus, renewalOpensAt, type HostStatus, type SecAction } from "../../domain/securities/rules.js";
import { formatLocal } from "../../domain/time.js";
import type { Queryable } from "../../store/database.js";
import type { Institution } from "../institutions.js";
import { SEC_OWNER_KIND, type SecCustomerRow } from "./customers.js";

export const ownerOf = (c: Pick<SecCustomerRow, "institutionId" | "id">) => ({ institutionId: c.institutionId, ownerKind: SEC_OWNER_KIND, ownerRef: c.id });

const usable = (r: CertificateRecord, now: Date): boolean => r.status === "VALID" && r.notAfter.getTime() >= now.getTime() && r.notBefore.getTime() <= now.getTime();

/** The host-registered certificate: the newest VALID one inside its validity. */
export async function newestUsableCertificate(q: Queryable, c: Pick<SecCustomerRow, "institutionId" | "id">, now: Date): Promise<CertificateRecord | undefined> {
  return (await listCertificatesOf(q, ownerOf(c))).find((r) => usable(r, now));
}

export interface HostPanel {
  name: string;
  status: HostStatus;
  statusLabel: LocalizedText;
  certificate: null | {
    certificateId: string;
    serialHex: string;
    subjectDn: string;
    /** yyyy-MM-dd HH:mm:ss in the firm's time zone, as the panel prints it. */
    validFrom: string;
    validTo: string;
    notBefore: string;
    notAfter: string;
    renewalOpensAt: string;
  };
  /** 您可以進行： for a browser that holds the host certificate (inThisBrowser) or not. */
  actions: { inThisBrowser: SecAction[]; notInThisBrowser: SecAction[] };
}

export async function hostPanel(q: Queryable, inst: Institution, c: SecCustomerRow, now: Date): Promise<HostPanel> {
  const cert = await newestUsableCertificate(q, c, now);
  const status = hostStatus(cert, now, inst.policy);
  const tz = inst.policy.timeZone;
  return {
    name: c.name,
    status,
    statusLabel: SEC_STATUS_LABELS[status],
    certificate: cert
      ? {
          certificateId: cert.id,
          serialHex: cert.serialHex,
          subjectDn: cert.subjectDn,
          validFrom: formatLocal(cert.notBefore, tz),
          validTo: formatLocal(cert.notAfter, tz),
          notBefore: cert.notBefore.toISOString(),
          notAfter: cert.notAfter.toISOString(),
          renewalOpensAt: renewalOpensAt(cert.notAfter, inst.policy).toISOString(),
        }
      : null,
    actions: { inThisBrowser: allowedActions(status, true), notInThisBrowser: allowedActions(status, false) },
  };
}

export type ClientCertStatus = "VALID" | "EXPIRING_SOON" | "SUSPENDED" | "REVOKED" | "EXPIRED" | "NOT_YET_VALID" | "UNKNOWN";

export interface ClientCertificateView {
  serial: string;
  serialHex: string | null;
  /** A certificate of this customer issued by the firm. */
  registered: boolean;
  /** It is the host-registered certificate (the panel's note 查無您有效憑證 shows when none is). */
  matchesHost: boolean;
  status: ClientCertStatus;
  statusLabel: LocalizedText | null;
  validFrom: string | null;
  validTo: string | null;
}

/** The client side: what the browser found, by serial; other customers' serials answer UNKNOWN. */
export async function clientStatuses(q: Queryable, inst: Institution, c: SecCustomerRow, serials: readonly string[], now: Date): Promise<ClientCertificateView[]> {
  const mine = await listCertificatesOf(q, ownerOf(c));
  const host = mine.find((r) => usable(r, now));
  const tz = inst.policy.timeZone;
  return serials.map((serial) => {
    let hex: string | null = null;
    try {
      hex = normalizeSerialHex(serial);
    } catch {
      hex = null;
    }
    const r = hex ? mine.find((x) => x.serialHex === hex) : undefined;
    if (!r) return { serial, serialHex: hex, registered: false, matchesHost: false, status: "UNKNOWN", statusLabel: null, validFrom: null, validTo: null };
    let status: ClientCertStatus;
    if (r.status === "REVOKED") status = "REVOKED";
    else if (now.getTime() > r.notAfter.getTime()) status = "EXPIRED";
    else if (now.getTime() < r.notBefore.getTime()) status = "NOT_YET_VALID";
    else if (r.status === "SUSPENDED") status = "SUSPENDED";
    else status = hostStatus(r, now, inst.policy) === "EXPIRING_SOON" ? "EXPIRING_SOON" : "VALID";
    const label = status === "VALID" ? SEC_STATUS_LABELS.VALID : status === "EXPIRING_SOON" ? SEC_STATUS_LABELS.EXPIRING_SOON : null;
    return { serial, serialHex: hex, registered: true, matchesHost: host?.id === r.id, status, statusLabel: label, validFrom: formatLocal(r.notBefore, tz), validTo: formatLocal(r.notAfter, tz) };
  });
}
