/**
 * Messages of the securities software-certificate tool (軟體憑證工具, SPEC §13, §15). Entries
 * with a seed ID (MSG-S01…S07, S09, S10) carry the seed's zh-TW verbatim ("北城證券" becomes the
 * firm's own name through {firm}); MSG-S08 / S11 are the SPEC's PROPOSAL texts verbatim. MSG-S06
 * says "this browser" instead of the seed's "IE" (a listed deviation, README). ja and en are
 * translations; the rest are ours in the seed's register.
 */
import { InkanError, type ErrorKind, type Locale, type LocalizedText } from "../errors.js";

const t = (zh: string, ja: string, en: string): LocalizedText => ({ "zh-TW": zh, ja, en });

/** Screen texts (not errors), shown by the tool at the seed's moments. */
export const SEC_TEXTS = {
  "MSG-S01": t("登入帳號無有效憑證，請先申請憑證，才可以進行登入", "ログインアカウントに有効な電子証明書がありません。電子証明書を申請してからログインしてください。", "The login account has no valid certificate; please apply for one before logging in."),
  "MSG-S02": t("歡迎使用{firm}軟體憑證工具，請輸入您的身分證字號與密碼", "{firm}ソフトウェア証明書ツールへようこそ。身分証番号とパスワードを入力してください。", "Welcome to the {firm} software certificate tool; enter your national ID number and password."),
  "MSG-S03": t("身分驗證成功，請依照下方憑證狀態進行下一步動作", "本人確認ができました。下の証明書の状態に従って次の操作に進んでください。", "Identity verified; take the next step according to the certificate status below."),
  "MSG-S04": t("驗證碼發送成功", "認証コードを送信しました", "Verification code sent successfully"),
  "MSG-S05": t("憑證申請成功且匯入瀏覽器，您已可以使用電子下單。", "電子証明書の申請が完了し、ブラウザに取り込まれました。電子注文をご利用いただけます。", "The certificate was issued and imported into the browser; you can now place electronic orders."),
  "MSG-S06": t("憑證已成功匯入此瀏覽器", "電子証明書をこのブラウザに取り込みました", "The certificate was imported into this browser successfully."),
  "MSG-S07": t(
    "刪除後，該電腦將無法進行下單的動作，必須再重新執行憑證匯入。確定刪除請按「是」，否則請按「否」。",
    "削除すると、このコンピューターでは注文ができなくなり、電子証明書を再度取り込む必要があります。削除する場合は「はい」、しない場合は「いいえ」を押してください。",
    'After deletion this computer cannot place orders until the certificate is imported again. Press "Yes" to delete, otherwise "No".',
  ),
  "MSG-S08": t("憑證密碼錯誤，無法匯入", "証明書のパスワードが誤っているため、取り込めません", "Wrong certificate password; import failed."),
  "MSG-S09": t("憑證資料下載中，請稍候約 5~20 秒。", "証明書データをダウンロードしています。5～20 秒ほどお待ちください。", "Downloading certificate data; please wait about 5–20 seconds."),
  "MSG-S10": t("如您未於3分鐘收到驗證碼，請點選[發送驗證碼]按鈕。", "3分以内に認証コードが届かない場合は、［認証コード送信］ボタンを押してください。", "If you do not receive the code within 3 minutes, click [Send verification code]."),
  "MSG-S11": t("驗證碼已逾時，請重新發送", "認証コードの有効期限が切れました。再送信してください", "The verification code has expired; please resend."),
  /** Notes (1)–(5) under the code field [001 L82–86]; (4) is MSG-S10. */
  "SEC-NOTE-1": t("未綁定手機門號者，請洽客服或至臨櫃辦理綁定。", "携帯電話番号が未登録の方は、カスタマーサービスまたは窓口で登録してください。", "If your mobile number is not bound, bind it through customer service or at a counter."),
  "SEC-NOTE-2": t("手機門號可於客服專區變更。", "携帯電話番号はお客様専用ページで変更できます。", "You can change the mobile number in the customer area."),
  "SEC-NOTE-3": t("輸入資料正確才會發送驗證碼。", "入力内容が正しい場合にのみ認証コードを送信します。", "A code is sent only if the data entered is valid."),
  "SEC-NOTE-5": t("若手機設定拒收企業簡訊或安裝 whoscall 等攔截程式，可能無法收到驗證碼。", "携帯電話で企業からの SMS を拒否する設定や whoscall などのブロックアプリを使っていると、認証コードが届かないことがあります。", 'Settings that refuse corporate SMS, or blocking apps such as whoscall, may block the code.'),
  "SEC-HOST-TITLE": t("憑證註冊狀態(主機端)", "証明書登録状態（ホスト側）", "Certificate registration (host)"),
  "SEC-CLIENT-TITLE": t("此台電腦憑證狀態(客戶端)", "このコンピューターの証明書状態（クライアント側）", "Certificates in this browser (client)"),
  "SEC-CLIENT-NONE": t("此台電腦瀏覽器，查無您有效憑證", "このコンピューターのブラウザには、お客様の有効な電子証明書がありません", "No valid certificate of yours was found in this browser"),
  "SEC-ACTIONS": t("您可以進行：", "次の操作ができます：", "You can:"),
} as const satisfies Record<string, LocalizedText>;

export type SecTextId = keyof typeof SEC_TEXTS;

export function secText(id: SecTextId, locale: Locale, params: Record<string, string> = {}): string {
  return SEC_TEXTS[id][locale].replace(/\{(\w+)\}/g, (m, k: string) => params[k] ?? m);
}

/** Host-side status labels (§13.2). */
export const SEC_STATUS_LABELS = {
  NOT_FOUND: t("找不到憑證", "証明書が見つかりません", "No certificate found"),
  VALID: t("有效憑證", "有効な証明書", "Valid certificate"),
  EXPIRING_SOON: t("憑證即將過期", "証明書の有効期限が近づいています", "Certificate expiring soon"),
} as const satisfies Record<string, LocalizedText>;

const TABLE = {
  SEC_AUTH_FAILED: t("身分證字號或登入密碼輸入錯誤，請確認後重新輸入。", "身分証番号またはパスワードに誤りがあります。ご確認のうえ再度入力してください。", "The national ID number or password is incorrect. Please check them and try again."),
  SEC_CUSTOMER_LOCKED: t("登入密碼連續錯誤已達上限，帳號已被鎖定，請洽客服人員辦理解鎖。", "パスワードの誤りが上限に達したため、ロックされました。カスタマーサービスにロック解除をお申し出ください。", "Too many wrong passwords: the account is locked. Please ask customer service to unlock it."),
  SEC_NO_VALID_CERTIFICATE: SEC_TEXTS["MSG-S01"],
  SEC_MOBILE_NOT_BOUND: t(
    "您尚未綁定手機門號，無法發送驗證碼。請致電客服人員或至臨櫃辦理手機門號綁定。",
    "携帯電話番号が登録されていないため、認証コードを送信できません。カスタマーサービスへお電話いただくか、窓口で登録してください。",
    "No mobile number is bound, so no code can be sent. Please bind your number by calling customer service or at a counter.",
  ),
  SEC_SMS_CODE_WRONG: t("驗證碼輸入錯誤，請重新輸入。", "認証コードが誤っています。再度入力してください。", "The verification code is wrong. Please enter it again."),
  SEC_SMS_CODE_EXPIRED: SEC_TEXTS["MSG-S11"],
  SEC_SMS_CODE_SPENT: t("驗證碼已失效，請重新發送。", "認証コードは無効になりました。再送信してください。", "The verification code is no longer valid. Please send a new one."),
  SEC_SMS_CODE_LOCKED: t("驗證碼錯誤次數過多，已失效，請重新發送。", "認証コードの誤りが多すぎるため無効になりました。再送信してください。", "Too many wrong codes: the code is no longer valid. Please send a new one."),
  SEC_SMS_RESEND_TOO_SOON: t("請於倒數結束後再重新發送驗證碼。", "カウントダウンが終わってから再送信してください。", "Please wait for the countdown to end before resending."),
  SEC_PASSWORD_RULE: t("登入密碼須為6～10碼半形英數字，且英文與數字皆須包含。", "パスワードは半角英数字6～10文字で、英字と数字の両方を含めてください。", "The password must be 6–10 half-width letters and digits, with both letters and digits."),
  SEC_PASSWORD_MISMATCH: t("兩次輸入的密碼不一致。", "パスワードが一致しません。", "The two passwords differ."),
  SEC_CUSTOMER_INPUT_INVALID: t("客戶資料（{field}）不正確。", "お客様情報（{field}）が正しくありません。", "The customer's {field} is not valid."),
  SEC_CUSTOMER_EXISTS: t("此身分證字號已登錄。", "この身分証番号は登録済みです。", "A customer with this national ID number is already registered."),
  SEC_CUSTOMER_NOT_FOUND: t("找不到此客戶。", "お客様が見つかりません。", "The customer was not found."),
  SEC_MOBILE_INVALID: t("手機門號格式不正確（例：0912345678）。", "携帯電話番号の形式が正しくありません（例：0912345678）。", "The mobile number is not valid (e.g. 0912345678)."),
  SEC_CONSENT_MISSING: t("尚未設定憑證申請同意書，請洽客服人員。", "証明書申請の同意書が設定されていません。カスタマーサービスにお問合せください。", "No consent text is set up yet. Please contact customer service."),
  SEC_CONSENT_NOT_ACCEPTED: t("請閱讀並同意憑證申請同意書。", "同意書をお読みのうえ同意してください。", "Please read and accept the consent."),
  SEC_CONSENT_VERSION_STALE: t("同意書內容已更新，請重新閱讀。", "同意書が改定されました。もう一度お読みください。", "The consent text has changed. Please read it again."),
  SEC_CONSENT_INVALID: t("同意書內容不正確。", "同意書の内容が正しくありません。", "The consent text is not valid."),
  SEC_APPLICATION_NOT_FOUND: t("找不到進行中的申請，請重新發送驗證碼。", "進行中の申請が見つかりません。認証コードからやり直してください。", "No application in progress. Please start again with a verification code."),
  SEC_APPLY_NOT_ALLOWED: t("您已有有效憑證，無需重新申請。", "有効な電子証明書をお持ちです。", "You already hold a valid certificate."),
  SEC_RENEWAL_NOT_OPEN: t("憑證到期前一個月內方可展期（可展期日：{opensAt}）。", "有効期限の1か月前から更新できます（更新可能日：{opensAt}）。", "Renewal opens one month before expiry ({opensAt})."),
  SEC_RENEWAL_NOT_ALLOWED: t("此憑證目前無法展期。", "この電子証明書は現在更新できません。", "This certificate cannot be renewed now."),
  SEC_CERT_NOT_FOUND: t("找不到此憑證。", "電子証明書が見つかりません。", "The certificate was not found."),
  SEC_IMPORT_NOT_REGISTERED: t("此憑證不是您在主機端註冊的有效憑證，無法匯入。", "この証明書はホストに登録されたお客様の有効な証明書ではないため、取り込めません。", "This certificate is not your valid host-registered certificate; it cannot be imported."),
  SEC_ORDER_INVALID: t("委託資料（{field}）不正確。", "注文内容（{field}）が正しくありません。", "The order's {field} is not valid."),
  SEC_ORDER_SIGNATURE_INVALID: t("委託簽章驗證失敗，委託未送出。", "注文の署名を検証できなかったため、注文は受け付けられませんでした。", "The order's signature did not verify; the order was not placed."),
  SEC_ORDER_CERT_NOT_OWNED: t("此憑證不屬於登入帳號，委託未送出。", "この証明書はログイン中のアカウントのものではないため、注文は受け付けられませんでした。", "This certificate does not belong to the logged-in account; the order was not placed."),
  SEC_PAIRING_NOT_FOUND: t("配對已失效或已使用，請於電腦重新執行憑證上傳手機。", "ペアリングは期限切れか使用済みです。パソコンで「証明書をスマートフォンへ」をやり直してください。", "The pairing has expired or was already used. Please start the upload to mobile again on the computer."),
  SEC_PAIRING_INVALID: t("上傳資料格式不正確。", "アップロードされたデータの形式が正しくありません。", "The uploaded data is not valid."),
} as const satisfies Record<string, LocalizedText>;

export type SecCode = keyof typeof TABLE;

/** code → localized text, merged into the HTTP message registry. */
export const secMessages: Readonly<Record<SecCode, LocalizedText>> = TABLE;

export function secError(code: SecCode, kind: ErrorKind, opts: { params?: Record<string, string | number>; fields?: string[]; detail?: string; cause?: unknown } = {}): InkanError {
  return new InkanError(code, kind, opts);
}
