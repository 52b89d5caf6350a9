/**
 * Codes of the back-office console's audit, outbox and overview desks (issue 11). The seeds have
 * no wording for these; the texts are Inkan's, in the seeds' register.
 */
import { InkanError, type ErrorKind, type LocalizedText } from "../../domain/errors.js";

const t = (ja: string, zh: string, en: string): LocalizedText => ({ ja, "zh-TW": zh, en });

const TABLE = {
  BANK_AUDIT_QUERY_INVALID: t(
    "検索条件に誤りがあります。期間は開始日時が終了日時より前になるように指定してください。",
    "查詢條件有誤，期間的開始時間須早於結束時間。",
    "The filter is not valid. Please check the period: its start must come before its end.",
  ),
  BANK_OUTBOX_NOT_FOUND: t("該当する通知はありません。", "查無此通知。", "There is no such message."),
  BANK_OUTBOX_NOT_FAILED: t(
    "この通知は送信エラーではないため、再送できません。",
    "此通知並非傳送失敗，無法重送。",
    "Only a message whose delivery failed can be sent again.",
  ),
  BANK_OUTBOX_CODE_NOT_RESENT: t(
    "ワンタイムパスワードのSMSは再送しません。お客さまに新しいコードの送信を操作していただいてください。",
    "一次性密碼簡訊不予重送，請客戶重新申請發送新的驗證碼。",
    "A one-time code SMS is not sent again (its code has expired). Ask the customer to request a new code.",
  ),
} as const satisfies Record<string, LocalizedText>;

export type ConsoleCode = keyof typeof TABLE;
export const consoleDeskMessages: Readonly<Record<ConsoleCode, LocalizedText>> = TABLE;

export function consoleError(code: ConsoleCode, kind: ErrorKind, opts: { fields?: string[]; params?: Record<string, string | number> } = {}): InkanError {
  return new InkanError(code, kind, opts);
}
