/**
 * Codes of dual control (maker–checker) and of staff account management (issue 11). The seeds
 * have no wording for these; the texts are Inkan's, in the seeds' register.
 */
import { InkanError, type ErrorKind, type LocalizedText } from "../../domain/errors.js";

const t = (ja: string, zh: string, en: string): LocalizedText => ({ ja, "zh-TW": zh, en });

const TABLE = {
  APPROVAL_REASON_REQUIRED: t(
    "この操作は二名による承認が必要です。依頼の理由を入力してください（200文字以内）。",
    "此操作須經二人覆核，請輸入申請理由（200字以內）。",
    "This operation needs a second person's approval. Please enter the reason for the request (up to 200 characters).",
  ),
  APPROVAL_INPUT_INVALID: t(
    "承認依頼の入力内容に誤りがあります。ご確認のうえ、再度入力してください。",
    "覆核申請的輸入內容有誤，請確認後重新輸入。",
    "The approval details are not valid. Please check them and try again.",
  ),
  APPROVAL_NOT_FOUND: t(
    "該当する承認依頼はありません。",
    "查無此覆核申請。",
    "There is no such approval request.",
  ),
  APPROVAL_SELF_FORBIDDEN: t(
    "ご自身が依頼した操作は承認・否認できません。別の担当者に承認を依頼してください。",
    "您無法覆核自己提出的申請，請由其他人員覆核。",
    "You cannot decide on a request you made yourself. Please ask another staff member to approve it.",
  ),
  APPROVAL_NOT_REQUESTER: t(
    "承認依頼を取り下げられるのは、依頼したご本人だけです。",
    "僅申請人本人可以撤回此覆核申請。",
    "Only the staff member who made this request can withdraw it.",
  ),
  APPROVAL_EXPIRED: t(
    "この承認依頼は有効期限が切れています。必要であれば改めて依頼してください。",
    "此覆核申請已逾期，如有需要請重新提出申請。",
    "This approval request has expired. Please make a new request if the operation is still needed.",
  ),
  APPROVAL_ALREADY_DECIDED: t(
    "この承認依頼はすでに処理済みです。",
    "此覆核申請已處理完畢。",
    "This approval request has already been decided.",
  ),
  BANK_STAFF_SELF_CHANGE: t(
    "ご自身のアカウントの権限変更・利用停止・二要素認証の初期化はできません。別の本部担当者に依頼してください。",
    "無法變更自己的權限、停用自己的帳號或重設自己的雙因素驗證，請洽其他總行人員。",
    "You cannot change the role of, disable or reset the second factor of your own account. Please ask another HQ operator.",
  ),
  BANK_STAFF_DISABLED: t(
    "このアカウントは利用停止されています。本部担当者にお問合せください。",
    "此帳號已停用，請洽總行人員。",
    "This account is disabled. Please contact an HQ operator.",
  ),
  BANK_ROLE_INSTITUTION_MISMATCH: t(
    "カスタマーサービス権限は証券会社のアカウントにのみ設定できます。",
    "客服權限僅適用於證券商的帳號。",
    "The customer-service role is only available at securities firms.",
  ),
} as const satisfies Record<string, LocalizedText>;

export type ApprovalCode = keyof typeof TABLE;

/** code → localized text, merged into the HTTP message registry. */
export const approvalMessages: Readonly<Record<ApprovalCode, LocalizedText>> = TABLE;

export function approvalError(code: ApprovalCode, kind: ErrorKind, opts: { params?: Record<string, string | number>; fields?: string[]; detail?: string } = {}): InkanError {
  return new InkanError(code, kind, opts);
}
