/**
 * Codes of the corporate banking services and the bank's back office that are not domain rules
 * (those live in src/domain/corporate/messages.ts): certificate login, sessions, the back
 * office. The seeds have no wording for these; the texts are Inkan's, in the seeds' register.
 */
import { InkanError } from "../../domain/errors.js";
import type { ErrorKind, LocalizedText } from "../../domain/errors.js";

const t = (ja: string, zh: string, en: string): LocalizedText => ({ ja, "zh-TW": zh, en });

const TABLE = {
  // ---- certificate login (DESIGN §3) ----
  CHALLENGE_INVALID: t(
    "ログオン要求の有効期限が切れたか、すでに使用されています。最初からやり直してください。",
    "登入請求已逾時或已使用，請從頭重新操作。",
    "The logon request has expired or was already used. Please start again.",
  ),
  CERT_UNKNOWN: t(
    "この電子証明書ではログオンできません。当金庫が発行した電子証明書を選択してください。",
    "無法使用此電子憑證登入，請選擇本機構發行的電子憑證。",
    "You cannot log on with this certificate. Please select a certificate issued by us.",
  ),
  CERT_SUSPENDED: t(
    "この電子証明書は一時停止されています。お取引店にお問合せください。",
    "此電子憑證已暫禁，請洽詢往來分行。",
    "This certificate is suspended. Please contact your branch.",
  ),
  CERT_REVOKED: t(
    "この電子証明書は失効しています。電子証明書を取得し直してください。",
    "此電子憑證已廢止，請重新取得電子憑證。",
    "This certificate has been revoked. Please obtain a new certificate.",
  ),
  CERT_EXPIRED: t(
    "この電子証明書は有効期限が切れています。お取引店にお問合せください。",
    "此電子憑證已逾有效期限，請洽詢往來分行。",
    "This certificate has expired. Please contact your branch.",
  ),
  CERT_NOT_YET_VALID: t(
    "この電子証明書はまだ有効になっていません。",
    "此電子憑證尚未生效。",
    "This certificate is not valid yet.",
  ),
  CERT_WRONG_LOGIN: t(
    "この電子証明書はこのログオン画面ではご利用になれません。",
    "此電子憑證無法用於此登入畫面。",
    "This certificate cannot be used on this logon screen.",
  ),
  LOGIN_SIGNATURE_INVALID: t(
    "電子証明書による認証ができませんでした。最初からやり直してください。",
    "無法以電子憑證完成驗證，請從頭重新操作。",
    "Authentication with the certificate failed. Please start again.",
  ),
  // ---- sessions ----
  SESSION_REQUIRED: t(
    "ログオンしていないか、一定時間操作がなかったためログオフしました。再度ログオンしてください。",
    "您尚未登入，或因一段時間未操作已自動登出，請重新登入。",
    "You are not logged on, or you were logged off after a period of inactivity. Please log on again.",
  ),
  SESSION_STAGE_INVALID: t(
    "この操作は現在の手続きではご利用になれません。最初からやり直してください。",
    "目前的步驟無法執行此操作，請從頭重新操作。",
    "This operation is not available at this step. Please start again.",
  ),
  ACTIVATION_STEP_ORDER: t(
    "開通確認の手順が正しくありません。最初から開通確認を行ってください。",
    "開通確認的步驟不正確，請從頭重新進行開通確認。",
    "The activation steps were not followed in order. Please start activation again.",
  ),
  INSTITUTION_UNKNOWN: t(
    "金融機関コードに誤りがあります。",
    "金融機構代碼有誤。",
    "The institution code is not valid.",
  ),
  CERT_ISSUANCE_UNAVAILABLE: t(
    "ただいま電子証明書を発行できません。しばらくお待ちいただいてから、再度操作を行ってください。",
    "目前無法發行電子憑證，請稍後再試。",
    "Certificates cannot be issued at the moment. Please try again later.",
  ),
  // ---- back office ----
  BANK_AUTH_FAILED: t(
    "ユーザー名またはパスワードに誤りがあります。",
    "使用者名稱或密碼錯誤。",
    "The user name or password is incorrect.",
  ),
  BANK_STAFF_LOCKED: t(
    "パスワードの誤入力が規定回数に達したため、このユーザーは利用できません。管理者にお問合せください。",
    "密碼輸入錯誤次數已達上限，此帳號已停用，請洽詢系統管理者。",
    "This account is locked after too many wrong passwords. Please contact your supervisor.",
  ),
  BANK_TOTP_INVALID: t(
    "確認コードに誤りがあるか、すでに使用されています。認証アプリの新しいコードを入力してください。",
    "驗證碼錯誤或已使用，請輸入驗證器應用程式的新驗證碼。",
    "The code is incorrect or was already used. Enter a new code from your authenticator app.",
  ),
  BANK_TOTP_NOT_ENROLLED: t(
    "二要素認証が登録されていません。登録を行ってください。",
    "尚未設定雙因素驗證，請先完成設定。",
    "No second factor is enrolled yet. Please enrol first.",
  ),
  BANK_TOTP_ALREADY_ENROLLED: t(
    "二要素認証はすでに登録済みです。",
    "雙因素驗證已完成設定。",
    "A second factor is already enrolled.",
  ),
  BANK_MFA_REQUIRED: t(
    "この操作には二要素認証によるサインインが必要です。",
    "此操作需以雙因素驗證登入。",
    "This operation needs a sign-in with the second factor.",
  ),
  BANK_CERT_SERIAL_INVALID: t(
    "シリアル番号は16進数で入力してください（コロン区切り可）。",
    "序號請以十六進位輸入（可用冒號分隔）。",
    "Enter the serial number in hexadecimal (colons allowed).",
  ),
  BANK_CERT_NOT_FOUND: t(
    "該当する電子証明書はありません。",
    "查無此電子憑證。",
    "No such certificate.",
  ),
  BANK_ROLE_FORBIDDEN: t(
    "この操作を行う権限がありません。",
    "您沒有執行此操作的權限。",
    "You are not authorised to perform this operation.",
  ),
  BANK_STAFF_NOT_FOUND: t(
    "指定されたユーザーは登録されていません。",
    "查無此使用者。",
    "There is no such staff account.",
  ),
  BANK_STAFF_EXISTS: t(
    "このユーザー名はすでに登録されています。",
    "此使用者名稱已登錄。",
    "This user name is already registered.",
  ),
  BANK_STAFF_INPUT_INVALID: t(
    "ユーザー名は3～64文字の半角英数字・記号（._-）、パスワードは12文字以上で指定してください。",
    "使用者名稱請使用3～64個半形英數字或符號（._-），密碼至少12個字元。",
    "The user name must be 3–64 half-width letters, digits or ._- and the password at least 12 characters.",
  ),
  CONTRACT_NOT_FOUND: t(
    "ご契約先が見つかりません。",
    "找不到契約客戶。",
    "The contract was not found.",
  ),
  CONTRACT_EXISTS: t(
    "このご契約先ＩＤはすでに登録されています。",
    "此契約客戶ID已登錄。",
    "This contract ID is already registered.",
  ),
  CONTRACT_INPUT_INVALID: t(
    "ご契約先の登録内容に誤りがあります。ご確認のうえ、再度入力願います。",
    "契約客戶登錄內容有誤，請確認後重新輸入。",
    "Some of the contract details are not valid. Please check them and enter them again.",
  ),
  CONTRACT_NOT_LOCKED: t(
    "このご契約先は暗証番号ロックされていません。",
    "此契約客戶並未被密碼鎖定。",
    "This contract is not locked.",
  ),
  INCIDENT_ALREADY_REGISTERED: t(
    "このご契約先はすでに事故登録されています。",
    "此契約客戶已辦理事故登錄。",
    "An incident is already registered for this contract.",
  ),
  INCIDENT_NOT_REGISTERED: t(
    "このご契約先は事故登録されていません。",
    "此契約客戶未辦理事故登錄。",
    "No incident is registered for this contract.",
  ),
  TOKEN_INPUT_INVALID: t(
    "トークン情報に誤りがあります（{index}件目）。",
    "權杖資料有誤（第{index}筆）。",
    "Token entry {index} is not valid.",
  ),
  TOKEN_SERIAL_EXISTS: t(
    "トークンのシリアル番号（{serial}）はすでに登録されています。",
    "權杖序號（{serial}）已登錄。",
    "Token serial {serial} is already registered.",
  ),
  QUERY_INVALID: t(
    "検索条件に誤りがあります。",
    "查詢條件有誤。",
    "The search criteria are not valid.",
  ),
} as const satisfies Record<string, LocalizedText>;

export type ServiceCode = keyof typeof TABLE;

/** code → localized text, merged into the HTTP message registry. */
export const corporateServiceMessages: Readonly<Record<ServiceCode, LocalizedText>> = TABLE;

export function serviceError(
  code: ServiceCode,
  kind: ErrorKind,
  opts: { params?: Record<string, string | number>; fields?: string[]; detail?: string; cause?: unknown } = {},
): InkanError {
  return new InkanError(code, kind, opts);
}
