/**
 * Why a certificate stopped being trusted: the RFC 5280 CRLReason codes, shared by the CRL and
 * the OCSP responder so both publish the same reason for the same certificate. A suspended
 * certificate (憑證暫禁, SPEC "SUSPENDED") is published as certificateHold and disappears from
 * the next CRL when it is resumed; every other reason is final.
 */
import { InkanError, type LocalizedText } from "../domain/errors.js";

export const CRL_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  // 7 is not used by RFC 5280.
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;

export type CrlReasonName = keyof typeof CRL_REASONS;
export type CrlReasonCode = (typeof CRL_REASONS)[CrlReasonName];

const NAMES = new Map<number, CrlReasonName>(
  (Object.entries(CRL_REASONS) as [CrlReasonName, CrlReasonCode][]).map(([name, code]) => [code, name]),
);

export function isCrlReasonCode(n: unknown): n is CrlReasonCode {
  return typeof n === "number" && NAMES.has(n);
}

export function crlReasonName(code: number): CrlReasonName {
  const name = NAMES.get(code);
  if (name === undefined) throw invalidReason(code);
  return name;
}

export function crlReasonCode(name: string): CrlReasonCode {
  if (!Object.hasOwn(CRL_REASONS, name)) throw invalidReason(name);
  return CRL_REASONS[name as CrlReasonName];
}

/** A held certificate may come back; every other reason ends the certificate for good. */
export const isFinalReason = (code: CrlReasonCode): boolean => code !== CRL_REASONS.certificateHold;

/** RFC 5280 §5.3.2 hold instructions (id-holdinstruction-*, 1.2.840.10040.2.x). */
export const HOLD_INSTRUCTIONS = {
  none: "1.2.840.10040.2.1",
  callIssuer: "1.2.840.10040.2.2",
  reject: "1.2.840.10040.2.3",
} as const;
export type HoldInstruction = keyof typeof HOLD_INSTRUCTIONS;

function invalidReason(value: string | number): InkanError {
  return new InkanError("REVOCATION_REASON_INVALID", "invalid", { params: { reason: String(value) }, fields: ["reason"] });
}

/** How the back office shows a reason (zh-TW 暫禁 as SPEC's 憑證暫禁 for suspension). */
export const CRL_REASON_LABELS: Readonly<Record<CrlReasonName, LocalizedText>> = {
  unspecified: { ja: "理由未指定", "zh-TW": "未指定原因", en: "Unspecified" },
  keyCompromise: { ja: "鍵の危殆化", "zh-TW": "金鑰洩露", en: "Key compromise" },
  cACompromise: { ja: "認証局の危殆化", "zh-TW": "憑證機構金鑰洩露", en: "CA compromise" },
  affiliationChanged: { ja: "所属の変更", "zh-TW": "隸屬關係變更", en: "Affiliation changed" },
  superseded: { ja: "再発行による置換", "zh-TW": "已被新憑證取代", en: "Superseded" },
  cessationOfOperation: { ja: "利用終了", "zh-TW": "停止使用", en: "Cessation of operation" },
  certificateHold: { ja: "一時停止", "zh-TW": "暫禁", en: "Certificate hold (suspended)" },
  removeFromCRL: { ja: "失効リストから削除", "zh-TW": "自廢止清冊移除", en: "Remove from CRL" },
  privilegeWithdrawn: { ja: "権限の取消し", "zh-TW": "權限撤銷", en: "Privilege withdrawn" },
  aACompromise: { ja: "属性認証局の危殆化", "zh-TW": "屬性機構金鑰洩露", en: "AA compromise" },
};

/** Messages for the error codes of crl.ts, ocsp.ts and ocsp-responder.ts. */
export const REVOCATION_MESSAGES: Record<string, LocalizedText> = {
  REVOCATION_REASON_INVALID: {
    ja: "失効理由 {reason} は使用できません。",
    "zh-TW": "廢止原因 {reason} 無法使用。",
    en: "Revocation reason {reason} is not allowed.",
  },
  CRL_SERIAL_INVALID: {
    ja: "失効リストのシリアル番号が不正です（1～20 バイト）。",
    "zh-TW": "憑證廢止清冊中的序號不正確（1～20 位元組）。",
    en: "A serial number in the revocation list is invalid (1 to 20 bytes).",
  },
  CRL_VALIDITY_INVALID: {
    ja: "失効リストの次回更新日時は発行日時より後でなければなりません。",
    "zh-TW": "憑證廢止清冊的下次更新時間必須晚於本次更新時間。",
    en: "The next update of a revocation list must be after its this-update time.",
  },
  CRL_NUMBER_INVALID: {
    ja: "失効リスト番号が不正です。",
    "zh-TW": "憑證廢止清冊編號不正確。",
    en: "The CRL number is invalid.",
  },
  OCSP_MALFORMED_REQUEST: {
    ja: "OCSP 要求の形式が正しくありません。",
    "zh-TW": "OCSP 請求格式不正確。",
    en: "The OCSP request is malformed.",
  },
  OCSP_UNKNOWN_ISSUER: {
    ja: "この OCSP レスポンダーは指定された発行者に対応していません。",
    "zh-TW": "此 OCSP 回應伺服器不負責所指定的簽發者。",
    en: "This OCSP responder does not serve the requested issuer.",
  },
};
