/**
 * Codes of the corporate users' services (利用者, SPEC §8.4–§8.15): the admin's user
 * maintenance, tokens, user certificates, transfers, contract settings and renewal. The seeds
 * have no wording for these; the texts are Inkan's, in the seeds' register. Seed messages
 * (MSG-J04, J05, J08, J09 …) live in src/domain/corporate/messages.ts and are reused, not
 * repeated here. `corporateUserMessages` is merged into the HTTP message registry.
 */
import { InkanError } from "../../domain/errors.js";
import type { ErrorKind, Locale, LocalizedText } from "../../domain/errors.js";
import { corporateTexts } from "../../domain/corporate/screen-texts.js";

const t = (ja: string, zh: string, en: string): LocalizedText => ({ ja, "zh-TW": zh, en });

const TABLE = {
  // ---- the admin's user maintenance (§8.4–§8.6, §8.9) ----
  USER_NOT_FOUND: t("指定された利用者が見つかりません。", "找不到指定的使用者。", "The user was not found."),
  USER_INPUT_INVALID: t(
    "利用者情報の入力に誤りがあります。ご確認のうえ、再度入力願います。",
    "使用者資料輸入有誤，請確認後重新輸入。",
    "Some of the user details are not valid. Please check them and enter them again.",
  ),
  PERMISSION_NOT_CONTRACTED: t(
    "ご契約のないサービスの権限は設定できません。お取引店にお問合せください。",
    "無法設定未約定服務的權限，請洽詢往來分行。",
    "Permissions can only be given for contracted services. Please contact your branch.",
  ),
  USER_NOT_SUSPENDED: t("この利用者は利用中止されていません。", "此使用者並未被停止使用。", "This user is not suspended."),
  USER_ALREADY_HAS_CERTIFICATE: t(
    "この利用者にはすでに有効な電子証明書があります。パソコンを変更する場合は、管理者の方に電子証明書の再発行を依頼してください。",
    "此使用者已有有效的電子憑證。如需更換電腦，請洽管理者重新發行電子憑證。",
    "This user already has a valid certificate. To use another PC, ask your administrator to reissue the certificate.",
  ),
  CERT_ACQUISITION_FACTOR_REQUIRED: t(
    "電子証明書の取得に必要な項目が入力されていません。",
    "尚未輸入取得電子憑證所需的項目。",
    "A value required for certificate acquisition is missing.",
  ),
  // ---- hardware tokens (§8.8) ----
  TOKEN_NOT_FOUND: t(
    "入力されたシリアル番号のトークンは登録されていません。",
    "輸入的序號未登錄任何權杖。",
    "No token with this serial number is registered.",
  ),
  TOKEN_NOT_AVAILABLE: t(
    "このトークンはすでに他の利用者に登録されているか、利用できません。",
    "此權杖已登錄給其他使用者或無法使用。",
    "This token is already registered to another user or cannot be used.",
  ),
  USER_HAS_TOKEN: t(
    "この利用者にはすでにトークンが登録されています。",
    "此使用者已登錄權杖。",
    "A token is already registered to this user.",
  ),
  USER_HAS_NO_TOKEN: t(
    "この利用者にはトークンが登録されていません。管理者の方にお問合せください。",
    "此使用者尚未登錄權杖，請洽詢管理者。",
    "No token is registered to this user. Please contact your administrator.",
  ),
  // ---- services, accounts, transfers (§8.7, §8.13) ----
  SERVICE_NOT_PERMITTED: t(
    "このサービスのご利用は許可されていません。管理者の方にお問合せください。",
    "您未獲准使用此服務，請洽詢管理者。",
    "You are not permitted to use this service. Please contact your administrator.",
  ),
  SERVICE_NOT_CONTRACTED: t(
    "このサービスはご契約されていません。お取引店にお問合せください。",
    "此服務未約定，請洽詢往來分行。",
    "This service is not part of your contract. Please contact your branch.",
  ),
  DEBIT_ACCOUNT_UNKNOWN: t(
    "指定された支払口座はご契約口座に登録されていません。",
    "指定的付款帳戶未登錄於約定帳戶。",
    "The debit account is not one of the contract's accounts.",
  ),
  EXECUTION_DATE_INVALID: t(
    "振込指定日は翌日から{days}日以内の日付を入力してください。",
    "預約轉帳日請輸入明天起{days}天內的日期。",
    "The execution date must be between tomorrow and {days} days ahead.",
  ),
  TRANSFER_NOT_FOUND: t("指定されたお取引が見つかりません。", "找不到指定的交易。", "The transfer was not found."),
  TRANSFER_ALREADY_PROCESSED: t(
    "このお取引はすでに処理済みです。",
    "此筆交易已處理完畢。",
    "This transfer has already been processed.",
  ),
  TRANSFER_EXPIRED: t(
    "確認画面の有効期限が切れました。最初から入力し直してください。",
    "確認畫面已逾時，請從頭重新輸入。",
    "The confirmation screen has expired. Please enter the transfer again.",
  ),
  TRANSFER_SIGNATURE_INVALID: t(
    "電子証明書による署名を確認できなかったため、お取引を中止しました。",
    "無法驗證電子憑證簽章，交易已中止。",
    "The certificate signature could not be verified, so the transfer was stopped.",
  ),
  TRANSFER_FACTOR_REQUIRED: t(
    "お取引の確認に必要な項目（{factors}）が入力されていません。",
    "尚未輸入確認交易所需的項目（{factors}）。",
    "A value required to confirm the transfer ({factors}) is missing.",
  ),
  TRANSFER_NOT_CANCELLABLE: t(
    "このお取引は取消できません。",
    "此筆交易無法取消。",
    "This transfer cannot be cancelled.",
  ),
  PAYEE_BANK_UNKNOWN: t(
    "入力された金融機関コードの金融機関は見つかりません。",
    "找不到輸入的金融機構代碼所屬的金融機構。",
    "No bank has the bank code entered.",
  ),
  PAYEE_BRANCH_UNKNOWN: t(
    "入力された支店コードの支店は見つかりません。",
    "找不到輸入的分行代碼所屬的分行。",
    "The bank has no branch with the branch code entered.",
  ),
  TRANSFER_AMOUNT_BELOW_FEE: t(
    "先方負担の場合、振込金額は振込手数料（{fee}円）より多く入力してください。",
    "由收款人負擔手續費時，匯款金額須大於手續費（{fee}日圓）。",
    "When the payee bears the fee, the amount must be more than the fee ({fee} yen).",
  ),
  ACCOUNT_INPUT_INVALID: t(
    "口座情報の入力に誤りがあります。ご確認のうえ、再度入力願います。",
    "帳戶資料輸入有誤，請確認後重新輸入。",
    "Some of the account details are not valid. Please check them and enter them again.",
  ),
  FILE_TRANSFER_INPUT_INVALID: t(
    "全銀パスワード・ファイルアクセスキーは半角英数字（{min}～{max}桁）で入力してください。",
    "全銀密碼及檔案存取金鑰請以半形英數字（{min}～{max}碼）輸入。",
    "The Zengin password and file access key must be {min} to {max} half-width letters or digits.",
  ),
  FEE_INPUT_INVALID: t(
    "手数料情報の入力に誤りがあります。ご確認のうえ、再度入力願います。",
    "手續費資料輸入有誤，請確認後重新輸入。",
    "Some of the fee details are not valid. Please check them and enter them again.",
  ),
  // ---- renewal (§8.15) ----
  RENEWAL_INSTALL_INVALID: t(
    "新しい電子証明書のインストールを確認できませんでした。もう一度お試しください。",
    "無法確認新電子憑證已安裝，請再試一次。",
    "The installation of the new certificate could not be confirmed. Please try again.",
  ),
  RENEWAL_CERTIFICATE_REQUIRED: t(
    "電子証明書でログオンしてから更新を行ってください。",
    "請先以電子憑證登入後再辦理更新。",
    "Please log on with your certificate before renewing it.",
  ),
} as const satisfies Record<string, LocalizedText>;

export type UserServiceCode = keyof typeof TABLE;

/** code → localized text; the lead registers it in src/http/messages.ts. */
export const corporateUserMessages: Readonly<Record<UserServiceCode, LocalizedText>> = TABLE;

export function userError(
  code: UserServiceCode,
  kind: ErrorKind,
  opts: { params?: Record<string, string | number>; fields?: string[]; detail?: string; cause?: unknown } = {},
): InkanError {
  return new InkanError(code, kind, opts);
}

/** Screen texts of the users' screens that are not seed messages (送信完了 is the seed's screen name). */
export const corporateUserTexts = {
  "TRANSFER-SENT": t("送信完了", "傳送完成", "Sent"),
  "TRANSFER-RESERVED": t("予約受付完了", "預約受理完成", "Scheduled transfer accepted"),
  "TRANSFER-CANCELLED": t("予約取消完了", "預約取消完成", "Scheduled transfer cancelled"),
  "RENEWAL-ISSUED": t(
    "新しい電子証明書を発行しました。インストール後、インストール完了の確認を行ってください。",
    "已發行新的電子憑證。安裝後請進行安裝完成確認。",
    "The new certificate has been issued. After installing it, confirm the installation.",
  ),
  "RENEWAL-DONE": t("電子証明書の更新が完了しました。", "電子憑證更新完成。", "The certificate has been renewed."),
} as const satisfies Record<string, LocalizedText>;

/** Localized screen texts by ID: the seed texts (MSG-J..) and the ones above. */
export function screenTexts(ids: readonly string[], locale: Locale): { id: string; text: string }[] {
  const out: { id: string; text: string }[] = [];
  for (const id of ids) {
    if (Object.hasOwn(corporateTexts, id)) out.push({ id, text: corporateTexts[id as keyof typeof corporateTexts][locale] });
    else if (Object.hasOwn(corporateUserTexts, id)) out.push({ id, text: corporateUserTexts[id as keyof typeof corporateUserTexts][locale] });
  }
  return out;
}
