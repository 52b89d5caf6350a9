/**
 * The certificate picker's own wording (ja, zh-TW, en), kept beside it so every surface that
 * shows the picker (Shinkin portal, TW certificate platform, securities tool) says the same.
 * zh-TW follows the TWCA terms: 廢止 (revocation), 暫禁 (suspension, certificateHold).
 */
import { currentLocale, type Locale } from "../app/i18n.js";
import type { PickStatus } from "./certificate-picker-status.js";

type Text = Readonly<Record<Locale, string>>;
const x = (ja: string, zh: string, en: string): Text => ({ ja, "zh-TW": zh, en });

export const PICKER_TEXTS = {
  statusValid: x("有効", "有效憑證", "Valid"),
  statusExpiring: x("有効（更新期間中）", "有效（可展期）", "Valid (renewal due)"),
  statusNotYet: x("有効期間前", "尚未生效", "Not yet valid"),
  statusSuspended: x("一時停止中", "已暫禁", "Suspended"),
  statusExpired: x("有効期限切れ", "已過期", "Expired"),
  statusSuperseded: x("更新・再発行済み（失効）", "已因展期或重新發行而廢止", "Replaced by a newer certificate (revoked)"),
  statusRevoked: x("失効", "已廢止", "Revoked"),
  statusUnknown: x("当金庫で確認できない電子証明書", "本行查無此憑證", "Not known to the bank"),
  whyNotYet: x("有効期間の開始前のため、まだご利用いただけません。", "憑證尚未生效，目前無法使用。", "This certificate cannot be used before its validity starts."),
  whySuspended: x("この電子証明書は一時停止されています。お取引店にお問合せください。", "此憑證已暫禁，請洽往來分行。", "This certificate is suspended. Please contact your branch."),
  whyExpired: x("有効期限が切れています。電子証明書を取得し直してください。", "憑證已過期，請重新申請憑證。", "This certificate has expired. Please acquire a new one."),
  whySuperseded: x("新しい電子証明書（更新・再発行）に置き換えられたため、ご利用いただけません。", "此憑證已由新憑證（展期或重新發行）取代，無法使用。", "A newer certificate (renewal or reissue) has replaced this one; it can no longer be used."),
  whyRevoked: x("この電子証明書は失効しています。電子証明書を取得し直してください。", "此憑證已廢止，請重新申請憑證。", "This certificate has been revoked. Please acquire a new one."),
  whyUnknown: x("当金庫が発行した電子証明書として確認できないため、ご利用いただけません。", "本行查無此憑證的發行紀錄，無法使用。", "The bank has no record of issuing this certificate; it cannot be used."),
  colRevokedAt: x("失効日時", "廢止時間", "Revoked on"),
  colSuspendedAt: x("停止日時", "暫禁時間", "Suspended on"),
  checkedAt: x("電子証明書の状態は {time} に当金庫で確認しました。", "憑證狀態已於 {time} 向本行查詢。", "Status checked with the bank at {time}."),
  checkFailed: x(
    "電子証明書の状態を当金庫で確認できませんでした（{reason}）。表示はこのパソコンでの判定です。",
    "無法向本行查詢憑證狀態（{reason}），以下為本電腦的判斷結果。",
    "The certificates' status could not be checked with the bank ({reason}); what is shown is this computer's own reading.",
  ),
  noneUsable: x(
    "このパソコンのブラウザにある電子証明書は、いずれもご利用いただけません。",
    "本電腦瀏覽器中的電子憑證均無法使用。",
    "None of the certificates in this computer's browser can be used.",
  ),
  becameUnusable: x(
    "選択された電子証明書は当金庫で「{status}」となっているため、ご利用いただけません。ほかの電子証明書を選択してください。",
    "您選擇的憑證在本行的狀態為「{status}」，無法使用，請選擇其他憑證。",
    "The bank reports the selected certificate as \u201c{status}\u201d; it cannot be used. Please choose another.",
  ),
  signRefused: x(
    "この電子証明書は当金庫で「{status}」となっているため、署名に使用できません。有効な電子証明書でログオンし直してください。",
    "此憑證在本行的狀態為「{status}」，無法用於簽章。請使用有效的憑證重新登入。",
    "The bank reports this certificate as \u201c{status}\u201d; it cannot sign. Please log on again with a valid certificate.",
  ),
  renewedOldRemoved: x(
    "これまでの電子証明書は失効（更新済み）となり、このブラウザから削除しました。次回からは新しい電子証明書でログオンしてください。",
    "原憑證已因展期而廢止，並已從本瀏覽器刪除。下次請使用新憑證登入。",
    "The previous certificate is now revoked (superseded) and has been removed from this browser. Log on with the new one from now on.",
  ),
  renewedOldRevoked: x(
    "これまでの電子証明書は失効（更新済み）となりました。次回からは新しい電子証明書でログオンしてください。",
    "原憑證已因展期而廢止。下次請使用新憑證登入。",
    "The previous certificate is now revoked (superseded). Log on with the new one from now on.",
  ),
} as const;

export type PickerTextKey = keyof typeof PICKER_TEXTS;

export function pt(key: PickerTextKey, params: Readonly<Record<string, string>> = {}): string {
  return PICKER_TEXTS[key][currentLocale()].replace(/\{(\w+)\}/g, (m, n: string) => params[n] ?? m);
}

const LABEL: Record<PickStatus, PickerTextKey> = {
  valid: "statusValid",
  expiring: "statusExpiring",
  "not-yet-valid": "statusNotYet",
  suspended: "statusSuspended",
  expired: "statusExpired",
  superseded: "statusSuperseded",
  revoked: "statusRevoked",
  unknown: "statusUnknown",
};

export const pickStatusLabel = (s: PickStatus): string => pt(LABEL[s]);
