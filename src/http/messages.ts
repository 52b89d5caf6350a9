/**
 * The one message registry the HTTP shell localizes from: every area's table merged with the
 * shell's own. The seeds have no wording for transport-level failures (the legacy system showed
 * IIS error pages), so the texts of HTTP_MESSAGES are Inkan's, in the seeds' polite register.
 */
import { corporateMessages } from "../domain/corporate/messages.js";
import type { LocalizedText } from "../domain/errors.js";
import { LOCALES } from "../domain/errors.js";
import { otpMessages } from "../domain/otp.js";
import { NOTIFY_MESSAGES } from "../notify/errors.js";
import { pkiMessages } from "../pki/messages.js";
import { PKCS12_MESSAGES } from "../pki/pkcs12-messages.js";
import { REVOCATION_MESSAGES } from "../pki/revocation.js";
import { certificateMessages } from "../services/certificates.js";
import { corporateServiceMessages } from "../services/corporate/messages.js";
import { approvalMessages } from "../services/corporate/approval-messages.js";
import { consoleDeskMessages } from "../services/bank/console-messages.js";
import { corporateUserMessages } from "../services/corporate/user-messages.js";
import { twMessages } from "../domain/tw/messages.js";
import { ediMessages } from "../domain/tw/edi-messages.js";
import { secMessages } from "../domain/securities/messages.js";
import { raMessages } from "../services/ra/messages.js";

export type MessageTable = Readonly<Record<string, LocalizedText>>;

/** Codes the HTTP shell itself answers with, and foundation codes thrown outside any area table. */
export const HTTP_MESSAGES = {
  VALIDATION_FAILED: {
    ja: "入力内容に誤りがあります。ご確認のうえ、再度入力してください。",
    "zh-TW": "輸入內容有誤，請確認後重新輸入。",
    en: "Some of the entered values are not valid. Please check them and try again.",
  },
  MALFORMED_JSON: {
    ja: "送信されたデータの形式が正しくありません。",
    "zh-TW": "送出的資料格式不正確。",
    en: "The request body is not valid JSON.",
  },
  BODY_TOO_LARGE: {
    ja: "送信されたデータが大きすぎます（上限 {limit} バイト）。",
    "zh-TW": "送出的資料過大（上限 {limit} 位元組）。",
    en: "The request body is too large (limit {limit} bytes).",
  },
  UNSUPPORTED_MEDIA_TYPE: {
    ja: "この形式のデータは受け付けられません。",
    "zh-TW": "不接受此格式的資料。",
    en: "This content type is not supported.",
  },
  BAD_REQUEST: {
    ja: "要求の形式が正しくありません。",
    "zh-TW": "請求格式不正確。",
    en: "The request is malformed.",
  },
  BAD_URL: {
    ja: "アドレス（URL）の形式が正しくありません。",
    "zh-TW": "網址（URL）格式不正確。",
    en: "The address (URL) is malformed.",
  },
  URL_TOO_LONG: {
    ja: "アドレス（URL）が長すぎます。",
    "zh-TW": "網址（URL）過長。",
    en: "The address (URL) is too long.",
  },
  HEADER_TOO_LARGE: {
    ja: "要求のアドレスまたはヘッダーが大きすぎます。",
    "zh-TW": "請求的網址或標頭過大。",
    en: "The request's address or headers are too large.",
  },
  REQUEST_TIMEOUT: {
    ja: "要求の受信が時間内に完了しませんでした。再度操作を行ってください。",
    "zh-TW": "請求未能在時限內接收完成，請再試一次。",
    en: "The request was not received in time. Please try again.",
  },
  INVALID_TEXT: {
    ja: "使用できない文字が含まれています。入力内容をご確認ください。",
    "zh-TW": "含有無法使用的字元，請確認輸入內容。",
    en: "The request contains characters that cannot be used. Please check what you entered.",
  },
  METRICS_TOKEN_REQUIRED: {
    ja: "メトリクスの参照には有効なトークンが必要です。",
    "zh-TW": "查看監控指標需要有效的權杖。",
    en: "A valid token is required to read the metrics.",
  },
  NOT_FOUND: {
    ja: "お探しのページは見つかりませんでした。",
    "zh-TW": "找不到您要的頁面。",
    en: "The requested resource was not found.",
  },
  INTERNAL_ERROR: {
    ja: "システムエラーが発生しました。しばらくお待ちいただいてから、再度操作を行ってください。",
    "zh-TW": "系統發生錯誤，請稍後再試。",
    en: "A system error occurred. Please wait a while and try again.",
  },
  RATE_LIMITED: {
    ja: "短時間に多くの操作が行われたため、処理を受け付けられません。{seconds}秒後に再度操作を行ってください。",
    "zh-TW": "短時間內操作次數過多，暫時無法受理，請於{seconds}秒後再試。",
    en: "Too many requests in a short time. Please try again in {seconds} seconds.",
  },
  CSRF_INVALID: {
    ja: "画面の有効期限が切れたか、不正な操作が行われました。画面を再表示してから、再度操作を行ってください。",
    "zh-TW": "頁面已逾時或操作無效，請重新整理頁面後再試。",
    en: "This page has expired or the request was not allowed. Please reload the page and try again.",
  },
  SERVICE_UNAVAILABLE: {
    ja: "ただいまサービスをご利用いただけません。しばらくお待ちいただいてから、再度操作を行ってください。",
    "zh-TW": "目前無法提供服務，請稍後再試。",
    en: "The service is temporarily unavailable. Please try again later.",
  },
  MIGRATIONS_PENDING: {
    ja: "データベースの更新が完了していないため、サービスを開始できません。管理者にお問い合わせください。",
    "zh-TW": "資料庫尚未完成更新，無法提供服務。請洽系統管理員。",
    en: "The database has not been upgraded yet, so the service cannot start. Please contact the administrator.",
  },
  ADMIN_INPUT_TOO_LARGE: {
    ja: "管理用の要求が大きすぎます。",
    "zh-TW": "管理請求過大。",
    en: "The administration request is too large.",
  },
  INSTITUTION_NOT_FOUND: {
    ja: "金融機関（{id}）が見つかりません。",
    "zh-TW": "找不到金融機構（{id}）。",
    en: "Institution {id} was not found.",
  },
  INSTITUTION_EXISTS: {
    ja: "金融機関（{id}）はすでに登録されています。",
    "zh-TW": "金融機構（{id}）已登錄。",
    en: "Institution {id} is already registered.",
  },
  INSTITUTION_POLICY_INVALID: {
    ja: "金融機関の設定に誤りがあるため、処理を続行できません。お問合せ窓口までご連絡ください。",
    "zh-TW": "金融機構設定有誤，無法繼續處理，請洽客服中心。",
    en: "The institution's settings are invalid, so processing cannot continue. Please contact the help desk.",
  },
  SEALED_DATA_UNREADABLE: {
    ja: "保管データを読み取れないため、処理を続行できません。お問合せ窓口までご連絡ください。",
    "zh-TW": "無法讀取保存的資料，無法繼續處理，請洽客服中心。",
    en: "Stored data could not be read, so processing cannot continue. Please contact the help desk.",
  },
} as const satisfies Record<string, LocalizedText>;

/** Shown when a code has no entry: still localized, never the code's internals. */
export const FALLBACK_MESSAGE: LocalizedText = {
  ja: "処理を完了できませんでした。しばらくお待ちいただいてから、再度操作を行ってください。",
  "zh-TW": "無法完成處理，請稍後再試。",
  en: "The request could not be completed. Please try again later.",
};

export class MessageConflictError extends Error {
  constructor(readonly code: string, readonly tables: readonly [string, string]) {
    super(`message code ${code} has different texts in ${tables[0]} and ${tables[1]}`);
    this.name = "MessageConflictError";
  }
}

/**
 * Merges named tables into one. The same code with the same texts in two tables is fine (an area
 * may re-export another's); the same code with different texts is a bug that would make the
 * message depend on import order, so it throws.
 */
export function mergeMessageTables(tables: Readonly<Record<string, MessageTable>>): Map<string, LocalizedText> {
  const merged = new Map<string, LocalizedText>();
  const origin = new Map<string, string>();
  for (const [tableName, table] of Object.entries(tables)) {
    for (const [code, text] of Object.entries(table)) {
      const seen = merged.get(code);
      if (seen) {
        if (LOCALES.some((l) => seen[l] !== text[l])) throw new MessageConflictError(code, [origin.get(code) ?? "?", tableName]);
        continue;
      }
      merged.set(code, text);
      origin.set(code, tableName);
    }
  }
  return merged;
}

/** Every code the platform can answer with. Built at load, so a conflict fails at start (and in tests). */
export const MESSAGES: ReadonlyMap<string, LocalizedText> = mergeMessageTables({
  http: HTTP_MESSAGES,
  corporate: corporateMessages,
  otp: otpMessages,
  pki: pkiMessages,
  pkcs12: PKCS12_MESSAGES,
  revocation: REVOCATION_MESSAGES,
  corporateServices: corporateServiceMessages,
  corporateUsers: corporateUserMessages,
  certificates: certificateMessages,
  notify: NOTIFY_MESSAGES,
  tw: twMessages,
  edi: ediMessages,
  securities: secMessages,
  approvals: approvalMessages,
  consoleDesks: consoleDeskMessages,
  ra: raMessages,
});
