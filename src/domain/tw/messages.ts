/**
 * Messages of the Taiwanese certificate platform (憑證管理平台, SPEC §12, §15). Entries with a
 * seed message ID (MSG-T01…T03) carry the seed's zh-TW verbatim; MSG-T10…T12 are the SPEC's
 * PROPOSAL texts, verbatim; the rest are ours in the seed's register. ja and en are
 * translations. {name} placeholders are filled from InkanError.params by the HTTP layer.
 */
import { InkanError, type ErrorKind, type Locale, type LocalizedText } from "../errors.js";

const t = (zh: string, ja: string, en: string): LocalizedText => ({ "zh-TW": zh, ja, en });

/** Screen texts (not errors): shown by the platform's pages at the seed's moments. */
export const TW_TEXTS = {
  "MSG-T01": t("憑證下載成功!", "電子証明書のダウンロードに成功しました！", "Certificate downloaded successfully!"),
  "MSG-T02": t("憑證下載成功", "電子証明書のダウンロードが完了しました", "Certificate download succeeded"),
  "MSG-T03": t("查詢日期: {date} 查詢時間: {time}", "照会日: {date} 照会時刻: {time}", "Query date: {date} Query time: {time}"),
  "MSG-T10": t("請使用管理者代號／SUPER001 登入憑證管理平台", "管理者コード／SUPER001 で電子証明書管理プラットフォームにログインしてください。", "Please log in to the platform with the administrator code / SUPER001."),
  "MSG-T11": t("憑證載具密碼錯誤", "電子証明書媒体のパスワードが誤っています。", "Incorrect carrier PIN."),
  "MSG-T12": t("憑證尚未完成分行展期建檔，暫無法使用轉帳功能", "支店で更新後の電子証明書の登録が済んでいないため、現在振込はご利用いただけません。", "The branch has not yet registered the renewed certificate; transfers are unavailable."),
  /** F-TWB-EDI step 8: the newest certificate is pre-selected; do not change it. */
  "TW-PROOF-NOTE": t("已自動選取最新憑證資料，此部份請勿更改，請直接點選[確定]。", "最新の電子証明書が選択されています。変更せずに［確定］を押してください。", "The newest certificate is selected; do not change it, just press [OK]."),
  /** F-TWB-RENEW step 5: renewal takes about a minute. */
  "TW-RENEW-WAIT": t("正式進入憑證更新作業。更新過程中，請耐心等候一分鐘。", "電子証明書の更新を開始します。1分ほどお待ちください。", "Renewal is starting. Please wait about one minute."),
  /** After renewal, EDI customers go on with F-TWB-EDI (seed 000 L109–115). */
  "TW-EDI-NEXT": t(
    "請點選[憑證證明單列印]，將憑證資料傳真至申辦分行，並電話告知分行EDI經辦執行憑證展期建檔；若有申辦共用憑證，請另外告知分行關係戶之12位用戶代碼。",
    "［電子証明書証明書印刷］から証明書を印刷して取引支店へ FAX し、支店の EDI 担当者に電話で更新登録（展期建檔）を依頼してください。共用証明書の場合は関係先の12桁の利用者コードもお伝えください。",
    "Print the proof sheet, fax it to your branch and phone the branch EDI officer to register the renewed certificate; for a shared certificate also give the related parties' 12-digit user codes.",
  ),
} as const satisfies Record<string, LocalizedText>;

export type TwTextId = keyof typeof TW_TEXTS;

export function twText(id: TwTextId, locale: Locale, params: Record<string, string> = {}): string {
  return TW_TEXTS[id][locale].replace(/\{(\w+)\}/g, (m, k: string) => params[k] ?? m);
}

const TABLE = {
  // ---- login (R-TWB-2) ----
  TW_AUTH_FAILED: t(
    "身分證字號／統一編號、使用者代號或密碼輸入錯誤，請確認後重新輸入。",
    "身分証番号／統一番号、利用者コードまたはパスワードに誤りがあります。ご確認のうえ再度入力してください。",
    "The ID number, user code or password is incorrect. Please check them and try again.",
  ),
  TW_USER_LOCKED: t(
    "密碼連續錯誤已達上限，使用者代號已被鎖定，請洽往來分行辦理解鎖。",
    "パスワードの誤りが上限に達したため、利用者コードはロックされました。お取引店でロック解除をお申し出ください。",
    "Too many wrong passwords: the user code is locked. Please ask your branch to unlock it.",
  ),
  TW_PRINCIPAL_REFUSED: TW_TEXTS["MSG-T10"],
  TW_PASSWORD_CHANGE_REQUIRED: t("請先變更密碼。", "先にパスワードを変更してください。", "Please change your password first."),
  TW_PASSWORD_RULE: t(
    "新密碼須為8～20碼半形英數字，且英文與數字皆須包含，並不得與原密碼相同。",
    "新しいパスワードは半角英数字8～20文字で、英字と数字の両方を含み、現在のパスワードと異なるものにしてください。",
    "The new password must be 8–20 half-width letters and digits, with both letters and digits, and differ from the current one.",
  ),
  TW_PASSWORD_MISMATCH: t("兩次輸入的新密碼不一致。", "新しいパスワードが一致しません。", "The two new passwords differ."),
  // ---- hand-off from the bank's internet banking ----
  TW_HANDOFF_INVALID: t("登入憑據無效，請由網路銀行重新進入憑證管理平台。", "引継ぎ情報が無効です。インターネットバンキングから入り直してください。", "The hand-off is not valid. Please open the platform again from internet banking."),
  TW_HANDOFF_EXPIRED: t("登入憑據已逾時，請由網路銀行重新進入憑證管理平台。", "引継ぎ情報の有効期限が切れています。インターネットバンキングから入り直してください。", "The hand-off has expired. Please open the platform again from internet banking."),
  TW_HANDOFF_AUDIENCE: t("登入憑據不是發給本平台，請由網路銀行重新進入憑證管理平台。", "この引継ぎ情報は本プラットフォーム宛てではありません。インターネットバンキングから入り直してください。", "The hand-off was not issued for this platform. Please open it again from internet banking."),
  TW_HANDOFF_REPLAYED: t("登入憑據已使用過，請由網路銀行重新進入憑證管理平台。", "この引継ぎ情報は使用済みです。インターネットバンキングから入り直してください。", "The hand-off has already been used. Please open the platform again from internet banking."),
  TW_HANDOFF_KEY_INVALID: t("驗證金鑰須為 P-256 的公開金鑰（JWK），且不得含私密金鑰。", "検証鍵は P-256 の公開鍵（JWK）で、秘密鍵を含まないものにしてください。", "The verification key must be a P-256 public JWK without private members."),
  TW_HANDOFF_KEY_EXISTS: t("此金鑰代號已登錄。", "この鍵 ID は登録済みです。", "A key with this key ID is already registered."),
  TW_HANDOFF_KEY_NOT_FOUND: t("找不到此金鑰代號。", "この鍵 ID は見つかりません。", "No key with this key ID."),
  // ---- customers (bank API) ----
  TW_CUSTOMER_INPUT_INVALID: t("客戶資料（{field}）不正確。", "お客様情報（{field}）が正しくありません。", "The customer's {field} is not valid."),
  TW_CUSTOMER_EXISTS: t("此身分證字號／統一編號已登錄。", "この身分証番号／統一番号は登録済みです。", "A customer with this ID number is already registered."),
  TW_CUSTOMER_NOT_FOUND: t("找不到此客戶。", "お客様が見つかりません。", "The customer was not found."),
  TW_USER_EXISTS: t("此使用者代號已存在。", "この利用者コードは登録済みです。", "This user code already exists."),
  TW_USER_NOT_FOUND: t("找不到此使用者代號。", "利用者コードが見つかりません。", "The user code was not found."),
  TW_EDI_CODE_INVALID: t("用戶代碼須為12位數字。", "利用者コードは12桁の数字で入力してください。", "The user code must be exactly 12 digits."),
  TW_EDI_CODE_EXISTS: t("此12位用戶代碼已登錄。", "この12桁の利用者コードは登録済みです。", "This 12-digit user code is already registered."),
  TW_RELATED_PARTY_UNKNOWN: t("關係戶用戶代碼須為已登錄之全球金融網客戶。", "関係先の利用者コードは登録済みの EDI のお客様のものにしてください。", "A related party must be a registered EDI customer."),
  TW_NOT_EDI_CUSTOMER: t("此客戶不是全球金融網客戶。", "このお客様は EDI のお客様ではありません。", "This customer is not an EDI customer."),
  TW_TERMS_INVALID: t("約定條款內容不正確。", "約定条項の内容が正しくありません。", "The terms are not valid."),
  // ---- applications, download, renewal ----
  TW_TERMS_MISSING: t("尚未設定用戶約定條款，請洽往來分行。", "約定条項が設定されていません。お取引店にお問合せください。", "No subscriber terms are set up yet. Please contact your branch."),
  TW_TERMS_NOT_ACCEPTED: t("請審閱並同意憑證晶片卡用戶約定條款。", "約定条項をお読みのうえ同意してください。", "Please read and accept the subscriber terms."),
  TW_TERMS_VERSION_STALE: t("約定條款已更新，請重新審閱。", "約定条項が改定されました。もう一度お読みください。", "The terms have changed. Please read them again."),
  TW_APPLY_NOT_ALLOWED: t("您已有有效憑證，請使用憑證更新。", "有効な電子証明書をお持ちです。電子証明書の更新をご利用ください。", "You already have a valid certificate; please use renewal."),
  TW_PROFILE_NOT_OFFERED: t("此憑證種類不適用於您的帳戶。", "この種類の電子証明書はお客様の口座では申請できません。", "This certificate type is not offered for your account."),
  TW_APPLICATION_NOT_FOUND: t("找不到待下載的憑證申請，請重新申請。", "ダウンロード待ちの申請が見つかりません。もう一度申請してください。", "No application waiting for download. Please apply again."),
  TW_APPLICATION_PENDING: t("已有待下載的申請，請先至憑證下載。", "ダウンロード待ちの申請があります。先に電子証明書ダウンロードを行ってください。", "An application is waiting for download. Please download it first."),
  TW_RENEWAL_NOT_OPEN: t("憑證將到期一個月內方可更新（可更新日：{opensAt}）。", "有効期限の1か月前から更新できます（更新可能日：{opensAt}）。", "Renewal opens one month before expiry ({opensAt})."),
  TW_RENEWAL_NOT_ALLOWED: t("此憑證目前的狀態無法更新。", "この電子証明書は現在の状態では更新できません。", "This certificate cannot be renewed in its current state."),
  TW_RENEWAL_DONE: t("此憑證已完成更新，請使用新憑證。", "この電子証明書は更新済みです。新しい電子証明書をご利用ください。", "This certificate has already been renewed. Please use the new certificate."),
  TW_CERT_NOT_FOUND: t("找不到此憑證。", "電子証明書が見つかりません。", "The certificate was not found."),
  TW_CN_SEQUENCE_EXHAUSTED: t("本日憑證簽發數已達上限，請明日再試。", "本日の発行数の上限に達しました。明日もう一度お試しください。", "Today's certificate numbers are used up. Please try again tomorrow."),
  TW_CERT_SUSPENDED: t("憑證已暫禁，無法使用，請洽往來分行。", "電子証明書は一時停止中のため使用できません。お取引店にお問合せください。", "The certificate is suspended and cannot be used. Please contact your branch."),
  TW_CERT_NOT_USABLE: t("憑證已廢止或過期，無法使用。", "電子証明書は失効または期限切れのため使用できません。", "The certificate is revoked or expired and cannot be used."),
  /** R-TWB-EDI-1 (MSG-T12): thrown by the EDI transfer API. */
  TW_EDI_CERT_NOT_REGISTERED: TW_TEXTS["MSG-T12"],
} as const satisfies Record<string, LocalizedText>;

export type TwCode = keyof typeof TABLE;

/** code → localized text, merged into the HTTP message registry. */
export const twMessages: Readonly<Record<TwCode, LocalizedText>> = TABLE;

export function twError(code: TwCode, kind: ErrorKind, opts: { params?: Record<string, string | number>; fields?: string[]; detail?: string; cause?: unknown } = {}): InkanError {
  return new InkanError(code, kind, opts);
}
