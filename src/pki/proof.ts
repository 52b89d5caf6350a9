/**
 * The data of the TW proof sheet (憑證證明單, SPEC §12.6), read from the certificate itself so
 * the sheet shows exactly what was issued: serial with its DER leading 00 (R-CERT-7), subject
 * and issuer in certificate order, validity in local time, and the status label.
 */
import { InkanError, type LocalizedText } from "../domain/errors.js";
import { formatLocal, rocDate, toLocal } from "../domain/time.js";
import { readTlv } from "./der.js";
import { formatName } from "./dn.js";
import { tbsFields } from "./keys.js";

export type ProofStatus = "VALID" | "SUSPENDED" | "REVOKED" | "EXPIRED";

export const STATUS_LABELS: Readonly<Record<ProofStatus, LocalizedText>> = {
  VALID: { "zh-TW": "正常", ja: "有効", en: "Valid" },
  SUSPENDED: { "zh-TW": "暫禁", ja: "一時停止中", en: "Suspended" },
  REVOKED: { "zh-TW": "已廢止", ja: "失効", en: "Revoked" },
  EXPIRED: { "zh-TW": "已過期", ja: "有効期限切れ", en: "Expired" },
};

/** Title and field labels in sheet order; zh-TW as the seed prints them (主旨 for the OCR's 主言). */
export const PROOF_SHEET_LABELS = {
  title: { "zh-TW": "憑證證明單", ja: "電子証明書 発行証明書", en: "Certificate Proof Sheet" },
  applicationDate: { "zh-TW": "證明單申請日期", ja: "証明書交付申請日", en: "Proof sheet date" },
  serialHex: { "zh-TW": "簽章憑證序號", ja: "電子証明書シリアル番号", en: "Certificate serial number" },
  subjectDn: { "zh-TW": "主旨(使用者識別名稱)", ja: "主体者（利用者識別名）", en: "Subject (distinguished name)" },
  issuerDn: { "zh-TW": "憑證發行者", ja: "発行者", en: "Issuer" },
  validFrom: { "zh-TW": "憑證生效日", ja: "有効期間（開始）", en: "Valid from" },
  validTo: { "zh-TW": "憑證到期日", ja: "有効期間（終了）", en: "Valid to" },
  status: { "zh-TW": "憑證狀態", ja: "証明書の状態", en: "Status" },
  print: { "zh-TW": "列印", ja: "印刷", en: "Print" },
} as const satisfies Record<string, LocalizedText>;

export interface ProofSheet {
  /** The date of printing, ROC (107/07/04) and Gregorian (2018-07-04), in the sheet's zone. */
  applicationDateRoc: string;
  applicationDate: string;
  /** Uppercase hex of the serial INTEGER's content octets, leading 00 kept. */
  serialHex: string;
  subjectDn: string;
  issuerDn: string;
  /** yyyy-MM-dd HH:mm:ss, local time. */
  validFrom: string;
  validTo: string;
  notBefore: Date;
  notAfter: Date;
  status: ProofStatus;
  statusLabel: LocalizedText;
}

const malformed = (detail: string, cause?: unknown): InkanError => new InkanError("CERT_MALFORMED", "invalid", { detail, cause });

/** Decodes UTCTime (RFC 5280: YYMMDDHHMMSSZ, 1950–2049) or GeneralizedTime (YYYYMMDDHHMMSS[.f]Z). */
export function decodeTime(tlvBytes: Uint8Array): Date {
  const t = readTlv(tlvBytes, 0);
  const s = Buffer.from(tlvBytes.subarray(t.headerLength, t.headerLength + t.length)).toString("latin1");
  let m: RegExpExecArray | null;
  let year: number;
  if (t.tag === 0x17 && (m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) {
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (t.tag === 0x18 && (m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(s))) {
    year = Number(m[1]);
  } else throw malformed(`bad time ${s}`);
  const d = new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  if (Number.isNaN(d.getTime())) throw malformed(`bad time ${s}`);
  return d;
}

/** The fields of a certificate a sheet or a listing shows. */
export function certificateSummary(certDer: Uint8Array): {
  serialHex: string;
  issuerDn: string;
  subjectDn: string;
  notBefore: Date;
  notAfter: Date;
} {
  try {
    const { fields } = tbsFields(certDer);
    const base = fields[0]?.[0] === 0xa0 ? 1 : 0;
    const serial = fields[base];
    const issuer = fields[base + 2];
    const validity = fields[base + 3];
    const subject = fields[base + 4];
    if (!serial || serial[0] !== 0x02 || !issuer || !validity || validity[0] !== 0x30 || !subject) throw malformed("not a certificate");
    const st = readTlv(serial, 0);
    const v = readTlv(validity, 0);
    const nb = readTlv(validity, v.headerLength);
    const notBefore = decodeTime(validity.subarray(v.headerLength, v.headerLength + nb.headerLength + nb.length));
    const notAfter = decodeTime(validity.subarray(v.headerLength + nb.headerLength + nb.length));
    return {
      serialHex: Buffer.from(serial.subarray(st.headerLength, st.headerLength + st.length)).toString("hex").toUpperCase(),
      issuerDn: formatName(issuer),
      subjectDn: formatName(subject),
      notBefore,
      notAfter,
    };
  } catch (e) {
    if (e instanceof InkanError) throw e;
    throw malformed("not a certificate", e);
  }
}

const p2 = (n: number): string => String(n).padStart(2, "0");

/**
 * Proof-sheet data. `printedAt` is the application date (SPEC §12.6 PROPOSAL). A certificate
 * recorded as VALID whose notAfter has passed is shown as EXPIRED: the sheet must not vouch
 * for what the certificate no longer is.
 */
export function proofSheet(input: { certDer: Uint8Array; status: ProofStatus; printedAt: Date; timeZone?: string }): ProofSheet {
  const timeZone = input.timeZone ?? "Asia/Taipei";
  if (!Object.hasOwn(STATUS_LABELS, input.status)) {
    throw new InkanError("PKI_INPUT_INVALID", "invalid", { params: { field: "status" }, fields: ["status"] });
  }
  const c = certificateSummary(input.certDer);
  const status: ProofStatus = input.status === "VALID" && input.printedAt > c.notAfter ? "EXPIRED" : input.status;
  const day = toLocal(input.printedAt, timeZone);
  return {
    applicationDateRoc: rocDate(input.printedAt, timeZone),
    applicationDate: `${day.year}-${p2(day.month)}-${p2(day.day)}`,
    serialHex: c.serialHex,
    subjectDn: c.subjectDn,
    issuerDn: c.issuerDn,
    validFrom: formatLocal(c.notBefore, timeZone),
    validTo: formatLocal(c.notAfter, timeZone),
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    status,
    statusLabel: STATUS_LABELS[status],
  };
}
