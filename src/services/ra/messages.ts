/**
 * Texts of the RA enrollment API's codes. The callers are the bank's own systems, but an operator
 * reads these in a log or a support ticket: each says what to fix. The seeds have no wording for
 * this API, so the ja and zh-TW texts are Inkan's, in the seeds' register.
 */
import { InkanError, type ErrorKind, type LocalizedText } from "../../domain/errors.js";

export const raMessages: Record<string, LocalizedText> = {
  RA_CLIENT_UNKNOWN: {
    ja: "RA クライアント証明書が提示されていないか、登録されていない証明書です。登録済みの RA クライアント証明書で接続してください。",
    "zh-TW": "未出示 RA 用戶端憑證，或該憑證未登錄。請以已登錄的 RA 用戶端憑證連線。",
    en: "No RA client certificate was presented, or it is not registered. Connect with a registered RA client certificate.",
  },
  RA_CLIENT_DISABLED: {
    ja: "この RA クライアントは利用停止中か、その証明書が有効ではありません（{reason}）。認証局の運用担当者にお問い合わせください。",
    "zh-TW": "此 RA 用戶端已停用，或其憑證無效（{reason}）。請洽憑證中心維運人員。",
    en: "This RA client is disabled or its certificate is not valid ({reason}). Please contact the CA operators.",
  },
  RA_PROFILE_UNKNOWN: {
    ja: "証明書プロファイル（{profile}）は存在しません。",
    "zh-TW": "憑證設定檔（{profile}）不存在。",
    en: "There is no certificate profile {profile}.",
  },
  RA_PROFILE_NOT_ALLOWED: {
    ja: "この RA クライアントには証明書プロファイル（{profile}）の発行が許可されていません。",
    "zh-TW": "此 RA 用戶端未獲准申請憑證設定檔（{profile}）。",
    en: "This RA client may not enroll certificates of profile {profile}.",
  },
  RA_QUOTA_EXCEEDED: {
    ja: "この RA クライアントの発行上限（{max} 件／{window} 秒）に達しました。{seconds} 秒後に再度お試しください。",
    "zh-TW": "此 RA 用戶端已達申請上限（每 {window} 秒 {max} 張），請於 {seconds} 秒後再試。",
    en: "This RA client has reached its quota ({max} per {window} s). Try again in {seconds} seconds.",
  },
  RA_CSR_INVALID: {
    ja: "証明書署名要求（CSR）を受け付けられません（{reason}）。PKCS#10 を PEM または base64 DER で送信し、その鍵で署名してください。",
    "zh-TW": "無法受理憑證簽章請求（CSR）（{reason}）。請以 PEM 或 base64 DER 送出 PKCS#10，並以其金鑰簽章。",
    en: "The certificate signing request cannot be accepted ({reason}). Send a PKCS#10 request, PEM or base64 DER, signed with its own key.",
  },
  RA_SUBJECT_INVALID: {
    ja: "証明書の主体者項目（{field}）が正しくないか、このプロファイルでは使えません。",
    "zh-TW": "憑證主體欄位（{field}）不正確，或此設定檔不使用該欄位。",
    en: "The subject field {field} is missing, malformed, or not taken by this profile.",
  },
  RA_IDEMPOTENCY_KEY_REUSED: {
    ja: "この Idempotency-Key は別の内容の要求ですでに使われています。新しいキーで送信してください。",
    "zh-TW": "此 Idempotency-Key 已用於內容不同的請求，請改用新的金鑰送出。",
    en: "This Idempotency-Key was already used for a different request. Send this request with a new key.",
  },
  RA_IDEMPOTENCY_KEY_INVALID: {
    ja: "Idempotency-Key は 1〜128 文字の英数字と -_.:/+= で指定してください。",
    "zh-TW": "Idempotency-Key 須為 1–128 個英數字或 -_.:/+= 字元。",
    en: "Idempotency-Key must be 1 to 128 characters: letters, digits and -_.:/+=",
  },
  RA_CERT_NOT_FOUND: {
    ja: "この RA クライアントが発行を受けた証明書の中に、指定されたシリアル番号のものはありません。",
    "zh-TW": "此 RA 用戶端申請的憑證中，沒有此序號的憑證。",
    en: "No certificate this RA client enrolled has this serial number.",
  },
  RA_CLIENT_EXISTS: {
    ja: "この金融機関には同じ名前の RA クライアント（{name}）がすでに登録されています。",
    "zh-TW": "此金融機構已登錄同名的 RA 用戶端（{name}）。",
    en: "An RA client named {name} is already registered for this institution.",
  },
  RA_CLIENT_NOT_FOUND: {
    ja: "RA クライアント（{name}）は登録されていません。",
    "zh-TW": "RA 用戶端（{name}）未登錄。",
    en: "There is no RA client {name}.",
  },
  RA_CLIENT_INPUT_INVALID: {
    ja: "RA クライアントの登録内容（{field}）が正しくありません。",
    "zh-TW": "RA 用戶端的登錄內容（{field}）不正確。",
    en: "The RA client setting {field} is invalid.",
  },
};

export function raError(code: keyof typeof raMessages & string, kind: ErrorKind, opts: { params?: Record<string, string | number>; fields?: string[]; detail?: string; cause?: unknown } = {}): InkanError {
  return new InkanError(code, kind, opts);
}
