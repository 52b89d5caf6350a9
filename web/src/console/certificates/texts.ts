/** Words of the console's certificate desk in ja, zh-TW and en. */
import { say, x, type Text } from "../texts.js";

export const KX = {
  searchTitle: x("電子証明書の検索", "憑證查詢", "Find certificates"),
  serial: x("シリアル番号（16進、コロン可）", "序號（16 進位，可含冒號）", "Serial number (hex, colons allowed)"),
  serialShort: x("シリアル番号", "序號", "Serial number"),
  cn: x("CN（一部）", "CN（部分）", "CN (part of it)"),
  owner: x("契約者ID・顧客番号", "契約者ID／客戶代號", "Contract ID or customer identifier"),
  issuer: x("発行 CA の ID", "簽發 CA 的 ID", "Issuing CA id"),
  status: x("状態", "狀態", "Status"),
  any: x("すべて", "全部", "Any"),
  VALID: x("有効", "有效", "Valid"),
  SUSPENDED: x("一時停止中", "暫禁中", "Suspended"),
  REVOKED: x("失効", "已廢止", "Revoked"),
  EXPIRED: x("期限切れ", "已過期", "Expired"),
  expiring: x("有効期限まで N 日以内", "N 天內到期", "Expiring within N days"),
  expiringHint: x("有効な証明書のうち、期限が近い順に表示します。", "僅列出有效憑證，依到期日先後排序。", "Valid certificates only, soonest first."),
  notAfter: x("有効期限", "有效期限", "Valid until"),
  notBefore: x("有効開始", "生效日", "Valid from"),
  subject: x("サブジェクト", "主體", "Subject"),
  owner2: x("所有者の種類", "持有者類型", "Owner kind"),
  detailTitle: x("電子証明書 {serial}", "憑證 {serial}", "Certificate {serial}"),
  ocsp: x("OCSP の応答（現在）", "OCSP 回應（目前）", "OCSP answer (now)"),
  ocsp_good: x("good（有効）", "good（有效）", "good"),
  ocsp_revoked: x("revoked（理由：{reason}）", "revoked（理由：{reason}）", "revoked (reason: {reason})"),
  ocsp_unknown: x("unknown（不明）", "unknown（未知）", "unknown"),
  downloads: x("ダウンロード", "下載", "Download"),
  pem: x("PEM 形式", "PEM 格式", "PEM"),
  der: x("DER 形式（.cer）", "DER 格式（.cer）", "DER (.cer)"),
  history: x("状態変更の履歴", "狀態異動紀錄", "Status history"),
  noHistory: x("状態の変更はありません。", "無狀態異動。", "No status changes."),
  at: x("日時", "時間", "When"),
  action: x("操作", "作業", "Action"),
  actor: x("担当者", "人員", "By"),
  detail: x("内容", "內容", "Details"),
  suspend: x("一時停止する（certificateHold）", "暫禁（certificateHold）", "Suspend (certificateHold)"),
  suspendText: x("OCSP と CRL に直ちに反映されます。再開できます。", "立即反映於 OCSP 及 CRL，可恢復。", "Shows in OCSP and the CRL at once; it can be resumed."),
  resume: x("一時停止を解除する", "解除暫禁", "Resume"),
  resumeText: x("OCSP は直ちに good に戻り、次の CRL から外れます。", "OCSP 立即恢復為 good，並自下一版 CRL 移除。", "OCSP answers good at once; it leaves the next CRL."),
  revoke: x("失効させる", "廢止", "Revoke"),
  revokeText: x("失効は取り消せません。RFC 5280 の理由を選んでください。", "廢止後無法恢復，請選擇 RFC 5280 理由。", "A revocation cannot be undone. Choose the RFC 5280 reason."),
  revokeReason: x("失効理由", "廢止理由", "Revocation reason"),
  suspended: x("一時停止しました。OCSP：revoked（certificateHold）", "已暫禁。OCSP：revoked（certificateHold）", "Suspended. OCSP: revoked (certificateHold)"),
  resumed: x("一時停止を解除しました。OCSP：good", "已解除暫禁。OCSP：good", "Resumed. OCSP: good"),
  revoked: x("失効させました。", "已廢止。", "Revoked."),
  toDetail: x("証明書の詳細へ", "回憑證明細", "Back to the certificate"),
  toSearch: x("検索へ戻る", "回查詢", "Back to the search"),
  operations: x("操作", "作業", "Operations"),
} as const satisfies Record<string, Text>;

export const kx = (key: keyof typeof KX, params?: Readonly<Record<string, string | number>>): string => say(KX[key], params);

/** RFC 5280 reasons a staff member may give for a revocation (not certificateHold / removeFromCRL). */
export const REVOKE_REASONS = ["unspecified", "keyCompromise", "cACompromise", "affiliationChanged", "superseded", "cessationOfOperation", "privilegeWithdrawn", "aACompromise"] as const;
export const REASON_NAMES: Record<number, string> = { 0: "unspecified", 1: "keyCompromise", 2: "cACompromise", 3: "affiliationChanged", 4: "superseded", 5: "cessationOfOperation", 6: "certificateHold", 8: "removeFromCRL", 9: "privilegeWithdrawn", 10: "aACompromise" };
