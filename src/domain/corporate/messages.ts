/**
 * Messages of the Shinkin corporate banking rules (SPEC.md §15). Every code thrown or returned
 * by src/domain/corporate/* has an entry here. Texts marked with a seed message ID (MSG-J..)
 * are the seed's Japanese verbatim — including its full-width "ＩＤ" — with our zh-TW and en
 * translations; entries without a seed ID are PROPOSAL texts in the seeds' register.
 * {name} placeholders are filled from InkanError.params by the HTTP layer.
 */
import { InkanError } from "../errors.js";
import type { ErrorKind, LocalizedText } from "../errors.js";

interface Entry extends LocalizedText {
  /** SPEC.md §15 message ID, or the rule the PROPOSAL text belongs to. */
  readonly id: string;
}

const CATALOGUE = {
  // ---- credential formats (SPEC §6.1) ----
  REGISTRATION_PIN_FORMAT: {
    id: "PROPOSAL (①, R-PIN-1)",
    ja: "ご契約先登録用暗証番号は半角数字4桁で入力してください。",
    "zh-TW": "契約客戶登錄用密碼請輸入4位半形數字。",
    en: "The contract registration PIN must be 4 half-width digits.",
  },
  PIN_NOT_HALF_WIDTH: {
    id: "PROPOSAL (R-PIN-1)",
    ja: "暗証番号に全角文字が含まれています。半角英数字で入力してください。",
    "zh-TW": "密碼中含有全形字元，請以半形英數字輸入。",
    en: "The PIN contains full-width characters. Enter it in half-width letters and digits.",
  },
  PIN_CHARSET: {
    id: "PROPOSAL (R-PIN-1)",
    ja: "暗証番号は半角英数字のみで入力してください。",
    "zh-TW": "密碼僅能使用半形英數字。",
    en: "The PIN may contain only half-width letters and digits.",
  },
  PIN_LENGTH: {
    id: "PROPOSAL (R-PIN-2, R-PIN-4)",
    ja: "暗証番号は{min}桁～{max}桁で入力してください。",
    "zh-TW": "密碼請輸入{min}～{max}碼。",
    en: "The PIN must be {min} to {max} characters long.",
  },
  PIN_LETTER_AND_DIGIT_REQUIRED: {
    id: "PROPOSAL (R-PIN-2)",
    ja: "暗証番号は英字と数字を組み合わせて設定してください。",
    "zh-TW": "密碼須同時包含英文字母與數字。",
    en: "The PIN must combine letters and digits.",
  },
  PIN_CONFIRMATION_MISMATCH: {
    id: "PROPOSAL (§8.14)",
    ja: "新しい暗証番号と確認用に入力した暗証番号が一致しません。",
    "zh-TW": "新密碼與確認用輸入的密碼不一致。",
    en: "The new PIN and its confirmation do not match.",
  },
  PIN_SAME_AS_CURRENT: {
    id: "PROPOSAL (§8.14)",
    ja: "新しい暗証番号には現在の暗証番号と異なるものを設定してください。",
    "zh-TW": "新密碼不得與目前的密碼相同。",
    en: "The new PIN must differ from the current PIN.",
  },
  PIN_SAME_AS_TEMPORARY: {
    id: "PROPOSAL (R-PIN-5)",
    ja: "新しい暗証番号には、管理者が設定した仮の暗証番号と異なるものを設定してください。",
    "zh-TW": "新密碼不得與管理者設定的臨時密碼相同。",
    en: "The new PIN must differ from the temporary PINs set by the administrator.",
  },
  CONTRACT_ID_FORMAT: {
    id: "PROPOSAL (§4 contractIdLength)",
    ja: "ご契約先ＩＤは半角数字{length}桁で入力してください。",
    "zh-TW": "契約客戶ID請輸入{length}位半形數字。",
    en: "The contract ID must be {length} half-width digits.",
  },
  USER_ID_NOT_HALF_WIDTH: {
    id: "PROPOSAL (R-PIN-1, R-PIN-6)",
    ja: "利用者ＩＤに全角文字が含まれています。半角英数字で入力してください。",
    "zh-TW": "使用者ID中含有全形字元，請以半形英數字輸入。",
    en: "The user ID contains full-width characters. Enter it in half-width letters and digits.",
  },
  USER_ID_LENGTH: {
    id: "PROPOSAL (R-PIN-6)",
    ja: "利用者ＩＤは{min}桁～{max}桁の半角英数字で入力してください。",
    "zh-TW": "使用者ID請輸入{min}～{max}碼半形英數字。",
    en: "The user ID must be {min} to {max} half-width letters or digits.",
  },
  USER_ID_CHARSET: {
    id: "PROPOSAL (R-PIN-6)",
    ja: "利用者ＩＤは半角英数字のみで入力してください。",
    "zh-TW": "使用者ID僅能使用半形英數字。",
    en: "The user ID may contain only half-width letters and digits.",
  },
  USER_ID_IN_USE: {
    id: "MSG-J05",
    ja: "入力された利用者ＩＤはすでに使用されています。",
    "zh-TW": "輸入的使用者ID已被使用。",
    en: "The user ID entered is already in use.",
  },
  USER_LIMIT_REACHED: {
    id: "PROPOSAL (§4 maxUsersPerContract, AC-20)",
    ja: "登録できる利用者は{max}名までです。",
    "zh-TW": "可登錄的使用者最多為{max}名。",
    en: "At most {max} users can be registered.",
  },
  EMAIL_REQUIRED: {
    id: "PROPOSAL (R-ACT-2, AC-07, AC-29)",
    ja: "Ｅメールアドレスを入力してください。",
    "zh-TW": "請輸入電子郵件地址。",
    en: "Enter an e-mail address.",
  },
  EMAIL_FORMAT: {
    id: "PROPOSAL",
    ja: "Ｅメールアドレスの形式に誤りがあります。ご確認のうえ、再度入力願います。",
    "zh-TW": "電子郵件地址格式有誤，請確認後重新輸入。",
    en: "The e-mail address is not valid. Please check it and enter it again.",
  },
  NAME_KANA_REQUIRED: {
    id: "PROPOSAL (§8.4 b.)",
    ja: "利用者名カナを入力してください。",
    "zh-TW": "請輸入使用者名稱（片假名）。",
    en: "Enter the user name in katakana.",
  },
  NAME_KANA_FORMAT: {
    id: "PROPOSAL (§8.4 b.)",
    ja: "利用者名カナは{max}文字以内のカタカナで入力してください。",
    "zh-TW": "使用者名稱（片假名）請以{max}字以內的片假名輸入。",
    en: "The user name (kana) must be at most {max} katakana characters.",
  },
  NAME_KANJI_FORMAT: {
    id: "PROPOSAL (§8.4 c.)",
    ja: "利用者名漢字は{max}文字以内で入力してください（改行などは使用できません）。",
    "zh-TW": "使用者名稱（漢字）請輸入{max}字以內（不可使用換行等控制字元）。",
    en: "The user name (kanji) must be at most {max} characters, without line breaks or control characters.",
  },

  // ---- non-blocking advice (R-PIN-3, R-PIN-8, R-USR-CHG-1) ----
  PIN_EQUALS_OTHER_PIN_ADVICE: {
    id: "R-PIN-3 [003 L844]",
    ja: "同一の暗証番号でも登録できますが、セキュリティ上、別の暗証番号を設定することをお勧めいたします。",
    "zh-TW": "雖然可以設定相同的密碼，但為了安全起見，建議設定不同的密碼。",
    en: "Equal PINs are accepted, but for security we recommend setting different PINs.",
  },
  PIN_WEAK_SEQUENCE_ADVICE: {
    id: "R-PIN-8 [004 L77]",
    ja: "各種暗証番号は、生年月日・電話番号・連続番号など、他人に知られやすい番号を登録することを避けるとともに、定期的に変更手続きを行ってください。",
    "zh-TW": "各種密碼請避免使用生日、電話號碼、連續號碼等容易被他人得知的號碼，並請定期變更。",
    en: "Avoid PINs that others can guess, such as dates of birth, phone numbers or sequential numbers, and change your PINs regularly.",
  },
  PIN_CHANGE_RECOMMENDED_ADVICE: {
    id: "R-USR-CHG-1 [003 L1068-1070]",
    ja: "セキュリティ上、本人のみ知る暗証番号へ変更することをお勧めいたします。",
    "zh-TW": "為了安全起見，建議變更為只有本人知道的密碼。",
    en: "For security, we recommend changing to a PIN that only you know.",
  },

  // ---- customer card and token (SPEC §6.2, §6.3) ----
  CARD_OTP_FORMAT: {
    id: "PROPOSAL (P-CARD)",
    ja: "確認用パスワードは半角数字{length}桁で入力してください。",
    "zh-TW": "確認用密碼請輸入{length}位半形數字。",
    en: "The card password must be {length} half-width digits.",
  },
  CARD_OTP_MISMATCH: {
    id: "PROPOSAL (P-CARD)",
    ja: "確認用パスワードの入力に誤りがあります。お客様カードをご確認のうえ、再度入力願います。",
    "zh-TW": "確認用密碼輸入錯誤，請確認客戶卡後重新輸入。",
    en: "The card password is incorrect. Please check your customer card and enter it again.",
  },
  CARD_REVOKED: {
    id: "PROPOSAL (BO-2)",
    ja: "このお客様カードはご利用いただけません。お取引店にお問合せください。",
    "zh-TW": "此客戶卡無法使用，請洽詢往來分行。",
    en: "This customer card can no longer be used. Please contact your branch.",
  },
  TOKEN_OTP_FORMAT: {
    id: "PROPOSAL (R-TOK-1)",
    ja: "ワンタイムパスワードは半角数字{length}桁で入力してください。",
    "zh-TW": "一次性密碼請輸入{length}位半形數字。",
    en: "The one-time password must be {length} half-width digits.",
  },
  TOKEN_OTP_MISMATCH: {
    id: "PROPOSAL (R-TOK-1, AC-24, AC-36)",
    ja: "ワンタイムパスワードの入力に誤りがあります。トークンに表示されている数字をご確認のうえ、再度入力願います。",
    "zh-TW": "一次性密碼輸入錯誤，請確認權杖上顯示的數字後重新輸入。",
    en: "The one-time password is incorrect. Please check the number shown on your token and enter it again.",
  },

  // ---- authentication and lockout (SPEC §8.3, §8.12, §9) ----
  ADMIN_AUTH_FAILED: {
    id: "MSG-J06",
    ja: "ご契約先ＩＤ、ご契約先暗証番号の入力に誤りがあるため、ご契約先の認証ができません。ご確認のうえ、ブラウザの戻るボタンで入力画面に戻り、再度入力願います。",
    "zh-TW": "契約客戶ID或契約客戶密碼輸入錯誤，無法驗證契約客戶身分。請確認後，以瀏覽器的「上一頁」按鈕回到輸入畫面，再重新輸入。",
    en: "The contract ID or contract PIN is incorrect, so the contract cannot be authenticated. Please check, return to the input screen with the browser's Back button, and enter them again.",
  },
  ADMIN_CONFIRM_PIN_MISMATCH: {
    id: "PROPOSAL (R-USR-NEW-1, AC-22)",
    ja: "ご契約先確認暗証番号の入力に誤りがあります。ご確認のうえ、再度入力願います。",
    "zh-TW": "契約客戶確認密碼輸入錯誤，請確認後重新輸入。",
    en: "The contract confirmation PIN is incorrect. Please check it and enter it again.",
  },
  ADMIN_LOCKED: {
    id: "MSG-J07",
    ja: "誤ったご契約先暗証番号を繰り返し入力されたため、サービスをご利用できなくなりました。お問合せ窓口までご連絡ください。",
    "zh-TW": "由於重複輸入錯誤的契約客戶密碼，已無法使用本服務。請與客服窗口聯絡。",
    en: "Because an incorrect contract PIN was entered repeatedly, the service can no longer be used. Please contact the help desk.",
  },
  CONTRACT_LOCKED_BY_USER: {
    id: "PROPOSAL (R-LOCK-3 LINKED, admin's view; cf. [003 L1074-1079])",
    ja: "利用者の暗証番号が繰り返し誤って入力されたため、サービスをご利用できなくなりました。お問合せ窓口までご連絡ください。",
    "zh-TW": "由於使用者重複輸入錯誤的密碼，已無法使用本服務。請與客服窗口聯絡。",
    en: "Because a user's PIN was entered incorrectly repeatedly, the service can no longer be used. Please contact the help desk.",
  },
  USER_AUTH_FAILED: {
    id: "MSG-J08",
    ja: "ご契約先ＩＤ、利用者ＩＤまたは利用者暗証番号の入力に誤りがあるため、ご利用者の認証ができません。ご確認のうえ、ブラウザの戻るボタンで入力画面に戻り、再度入力願います。",
    "zh-TW": "契約客戶ID、使用者ID或使用者密碼輸入錯誤，無法驗證使用者身分。請確認後，以瀏覽器的「上一頁」按鈕回到輸入畫面，再重新輸入。",
    en: "The contract ID, user ID or user PIN is incorrect, so the user cannot be authenticated. Please check, go back with the browser's Back button, and enter them again.",
  },
  USER_CONFIRM_PIN_MISMATCH: {
    id: "PROPOSAL (§8.13)",
    ja: "利用者確認暗証番号の入力に誤りがあります。ご確認のうえ、再度入力願います。",
    "zh-TW": "使用者確認密碼輸入錯誤，請確認後重新輸入。",
    en: "The user confirmation PIN is incorrect. Please check it and enter it again.",
  },
  USER_LOCKED: {
    id: "MSG-J09",
    ja: "誤った利用者暗証番号を繰り返し入力されたため、サービスをご利用できなくなりました。管理者の方にお問合せください。",
    "zh-TW": "由於重複輸入錯誤的使用者密碼，已無法使用本服務。請洽詢管理者。",
    en: "Because an incorrect user PIN was entered repeatedly, the service can no longer be used. Please contact your administrator.",
  },
  USER_LOCKED_CONTRACT_STOPPED: {
    id: "MSG-J09 + PROPOSAL (R-LOCK-3 LINKED, told after the right PIN)",
    ja: "誤った利用者暗証番号を繰り返し入力されたため、サービスをご利用できなくなりました。管理者の方にお問合せください。ご契約先のすべてのサービス（管理者を含む）が停止されています。解除には、管理者の方からお取引店へのご連絡が必要です。",
    "zh-TW": "由於重複輸入錯誤的使用者密碼，已無法使用本服務。請洽詢管理者。貴公司（含管理者）的所有服務均已停止，須由管理者聯絡往來分行方可解除。",
    en: "Because an incorrect user PIN was entered repeatedly, the service can no longer be used. Please contact your administrator. All of your company's service, the administrator's included, is stopped; only the bank can lift this, when your administrator contacts it.",
  },
  CONTRACT_STOPPED_CONTACT_ADMIN: {
    id: "PROPOSAL (R-LOCK-2, R-LOCK-3 LINKED, for the other users)",
    ja: "ご契約先のすべてのサービスが停止されているため、現在ご利用できません。管理者の方にお問合せください。解除には、管理者の方からお取引店へのご連絡が必要です。",
    "zh-TW": "貴公司的所有服務均已停止，目前無法使用。請洽詢管理者。須由管理者聯絡往來分行方可解除。",
    en: "All of your company's service is stopped, so it cannot be used now. Please contact your administrator; only the bank can lift this, when your administrator contacts it.",
  },
  SERVICE_STOPPED_CONTACT_ADMIN: {
    id: "PROPOSAL (R-LOCK-4: after the bank's release, until the admin's activation)",
    ja: "現在、サービスをご利用できません。管理者の方にお問合せください。",
    "zh-TW": "目前無法使用本服務，請洽詢管理者。",
    en: "The service is currently unavailable. Please contact your administrator.",
  },
  CONTRACT_NOT_ACTIVATED: {
    id: "PROPOSAL (R-FLOW-2, R-LOCK-4, AC-10, AC-14)",
    ja: "開通確認が完了していません。管理者ログイン画面の「開通確認」から開通確認を行ってください。",
    "zh-TW": "尚未完成開通確認。請從管理者登入畫面的「開通確認」進行開通確認。",
    en: "Activation has not been completed. Please use 'Activation' on the administrator login screen.",
  },
  INCIDENT_REGISTERED: {
    id: "PROPOSAL (§10 事故登録, BO-5)",
    ja: "事故登録されているため、サービスをご利用できません。お取引店にお問合せください。",
    "zh-TW": "由於已辦理事故登錄，無法使用本服務。請洽詢往來分行。",
    en: "An incident is registered for this contract, so the service cannot be used. Please contact your branch.",
  },

  // ---- activation (SPEC §8.1, §8.11) ----
  ACTIVATION_INTERRUPTED: {
    id: "MSG-J03",
    ja: "開通確認処理が途中で中断されたため、開通確認ができません。しばらくお待ちいただいてから、再度開通確認を行ってください。",
    "zh-TW": "由於開通確認處理中途中斷，目前無法進行開通確認。請稍候一段時間後，再重新進行開通確認。",
    en: "Activation cannot be performed because the activation process was interrupted. Please wait a while and then try activation again.",
  },
  ACTIVATION_SESSION_EXPIRED: {
    id: "PROPOSAL (R-ACT-4)",
    ja: "一定時間操作がなかったため、開通確認を中断しました。最初から開通確認を行ってください。",
    "zh-TW": "由於一段時間未操作，開通確認已中斷。請從頭重新進行開通確認。",
    en: "Activation was stopped because there was no activity for a while. Please start activation again.",
  },
  ALREADY_ACTIVATED: {
    id: "PROPOSAL (R-FLOW-1)",
    ja: "開通確認はすでに完了しています。",
    "zh-TW": "開通確認已經完成。",
    en: "Activation has already been completed.",
  },
  USER_CERT_NOT_ISSUABLE: {
    id: "PROPOSAL (R-UCERT-1)",
    ja: "電子証明書の発行が許可されていません。管理者の方にお問合せください。",
    "zh-TW": "未獲准發行電子憑證，請洽詢管理者。",
    en: "You are not permitted to obtain an electronic certificate. Please contact your administrator.",
  },

  // ---- windows (R-CERT-2, R-CERT-3) ----
  CERT_ACQUISITION_PERIOD_EXPIRED: {
    id: "MSG-P01",
    ja: "電子証明書の取得期間（{days}日）を過ぎています。お取引店にお問合せください。",
    "zh-TW": "已超過電子憑證的取得期間（{days}天），請洽詢往來分行。",
    en: "The certificate acquisition period ({days} days) has passed; contact your branch.",
  },
  USER_CERT_ACQUISITION_PERIOD_EXPIRED: {
    id: "PROPOSAL (R-CERT-3 user window)",
    ja: "電子証明書の取得期間（{days}日）を過ぎています。管理者の方にお問合せください。",
    "zh-TW": "已超過電子憑證的取得期間（{days}天），請洽詢管理者。",
    en: "The certificate acquisition period ({days} days) has passed; contact your administrator.",
  },
  RENEWAL_NOT_OPEN: {
    id: "PROPOSAL (R-CERT-2)",
    ja: "電子証明書の更新は{opensAt}から行えます。",
    "zh-TW": "電子憑證自{opensAt}起方可辦理更新。",
    en: "The certificate can be renewed from {opensAt}.",
  },
  CERT_EXPIRED_RENEWAL_CLOSED: {
    id: "PROPOSAL (§8.15, [002 L57])",
    ja: "電子証明書の有効期限が過ぎているため更新できません。お取引店にお問合せください。",
    "zh-TW": "電子憑證已逾有效期限，無法辦理更新。請洽詢往來分行。",
    en: "The certificate has expired and can no longer be renewed. Please contact your branch.",
  },

  // ---- limits and transfers (§8.7, §8.13) ----
  AMOUNT_INVALID: {
    id: "PROPOSAL (§8.7)",
    ja: "金額は円単位の半角数字で入力してください。",
    "zh-TW": "金額請以日圓為單位，輸入半形數字。",
    en: "Enter the amount in whole yen, using half-width digits.",
  },
  TRANSFER_LIMIT_EXCEEDED: {
    id: "PROPOSAL (§8.7)",
    ja: "お取引金額が{date}の限度額の残額（{limit}円）を超えています。",
    "zh-TW": "交易金額超過{date}限額的剩餘額度（{limit}日圓）。",
    en: "The amount exceeds what is left of the limit for {date} ({limit} yen).",
  },
  TRANSFER_FIELD_INVALID: {
    id: "PROPOSAL (§8.13)",
    ja: "資金移動内容の入力に誤りがあります。ご確認のうえ、再度入力願います。",
    "zh-TW": "轉帳內容輸入有誤，請確認後重新輸入。",
    en: "The transfer details are not valid. Please check them and enter them again.",
  },
} as const satisfies Record<string, Entry>;

export type CorporateCode = keyof typeof CATALOGUE;

function strip(e: Entry): LocalizedText {
  return { ja: e.ja, "zh-TW": e["zh-TW"], en: e.en };
}

/** code → localized text, for the HTTP layer. */
export const corporateMessages: Readonly<Record<CorporateCode, LocalizedText>> = Object.fromEntries(
  Object.entries(CATALOGUE).map(([k, v]) => [k, strip(v)]),
) as Record<CorporateCode, LocalizedText>;

/** code → SPEC message ID (MSG-J..), or the rule of a PROPOSAL text. */
export const corporateMessageIds: Readonly<Record<CorporateCode, string>> = Object.fromEntries(
  Object.entries(CATALOGUE).map(([k, v]) => [k, v.id]),
) as Record<CorporateCode, string>;

/** Throwable error with a code from this catalogue (typed, so a typo cannot ship). */
export function corporateError(
  code: CorporateCode,
  kind: ErrorKind,
  opts: { params?: Record<string, string | number>; fields?: string[]; detail?: string } = {},
): InkanError {
  return new InkanError(code, kind, opts);
}
