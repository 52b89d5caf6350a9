/**
 * Messages of the host-to-host side: the mutual-TLS listener and the EDI (全球金融網) API with
 * BO-6 憑證展期建檔. MSG-T12 itself (TW_EDI_CERT_NOT_REGISTERED), the 12-digit code rule and
 * the related-party rule are in messages.ts beside this file; these are ours, in the seed's
 * register. ja and en are translations.
 */
import type { LocalizedText } from "../errors.js";

const t = (zh: string, ja: string, en: string): LocalizedText => ({ "zh-TW": zh, ja, en });

export const ediMessages = {
  MTLS_CLIENT_CERT_REQUIRED: t(
    "請使用本行核發之憑證以雙向 TLS（用戶端憑證）連線。",
    "当行が発行した電子証明書でクライアント認証（相互 TLS）を行ってください。",
    "Connect with mutual TLS, presenting a certificate the bank issued.",
  ),
  EDI_SERIAL_INVALID: t(
    "憑證序號格式有誤，請輸入憑證證明單上之16進位簽章憑證序號。",
    "シリアル番号の形式が正しくありません。証明書に記載の16進数のシリアル番号を入力してください。",
    "The serial number is malformed: enter the hexadecimal serial from the proof sheet.",
  ),
  EDI_SERIAL_UNKNOWN: t("查無此憑證序號之憑證。", "このシリアル番号の電子証明書は見つかりません。", "No certificate of this bank has this serial number."),
  EDI_SERIAL_NOT_CUSTOMERS: t(
    "此憑證序號之憑證不屬於該客戶。",
    "このシリアル番号の電子証明書はこのお客様のものではありません。",
    "The certificate with this serial number belongs to another customer.",
  ),
  EDI_CERT_NOT_VALID: t(
    "此憑證狀態非正常（{status}），無法執行憑證展期建檔。",
    "この電子証明書は有効ではない（{status}）ため、更新登録できません。",
    "The certificate is not valid ({status}) and cannot be registered.",
  ),
  EDI_NOT_EDI_CERTIFICATE: t(
    "此憑證不屬於全球金融網客戶，無法使用轉帳功能。",
    "この電子証明書は EDI のお客様のものではないため、振込はご利用いただけません。",
    "This certificate is not an EDI customer's; transfers are unavailable.",
  ),
  EDI_REQUEST_ID_REUSED: t(
    "此交易序號（requestId）已用於內容不同之指示。",
    "この要求 ID（requestId）は内容の異なる指図で使用済みです。",
    "This requestId was already used for a different instruction.",
  ),
} as const satisfies Record<string, LocalizedText>;

export type EdiCode = keyof typeof ediMessages;
