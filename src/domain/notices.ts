/**
 * E-mail notices of the Shinkin corporate banking (SPEC.md §10): the 15 admin triggers of
 * R-MAIL-1 and the 6 user triggers of R-MAIL-2, with their seed names verbatim [003 L855–859,
 * L944–945], plus two renewal reminders that are not in the seeds (marked `extra`).
 *
 * A notice says what happened, when (institution time), to which contract (ID masked except
 * the last 4 digits) and whom to call if it was not you. It never carries a PIN: the render
 * input below has no field that could hold one, and rendering reads only the fields it names.
 */
import type { Locale, LocalizedText } from "./errors.js";
import { formatLocal, localDaysBetween, toLocal } from "./time.js";

export type NoticeRole = "ADMIN" | "USER";

interface NoticeDef {
  readonly role: NoticeRole;
  /** The operation's name; ja is the seed's trigger name verbatim. */
  readonly name: LocalizedText;
  /** Not one of the seeds' 21 triggers. */
  readonly extra?: true;
  /** An extra sentence in the body. */
  readonly note?: LocalizedText;
}

const LOCK_NOTE: LocalizedText = {
  ja: "暗証番号の誤入力が規定回数に達したため、サービスのご利用を停止しました。",
  "zh-TW": "由於密碼輸入錯誤次數已達規定次數，已停止使用本服務。",
  en: "The PIN was entered incorrectly the maximum number of times, so the service has been stopped.",
};
const EMAIL_CHANGE_NOTE: LocalizedText = {
  ja: "このメールは変更前と変更後の両方のＥメールアドレスにお送りしています。",
  "zh-TW": "本郵件已同時寄送至變更前與變更後的電子郵件地址。",
  en: "This message is sent to both the previous and the new e-mail address.",
};
const RENEWAL_NOTE: LocalizedText = {
  ja: "電子証明書の有効期限は{expiry}です（あと{days}日）。有効期限までに電子証明書の更新を行ってください。",
  "zh-TW": "電子憑證的有效期限為{expiry}（剩餘{days}天），請於到期前完成更新。",
  en: "Your electronic certificate expires at {expiry} ({days} days left). Please renew it before then.",
};

const n = (ja: string, zh: string, en: string): LocalizedText => ({ ja, "zh-TW": zh, en });

export const NOTICE_CATALOGUE = {
  // R-MAIL-1: to the admin [003 L855–859]
  ADMIN_ACTIVATION: { role: "ADMIN", name: n("管理者開通確認", "管理者開通確認", "Administrator activation") },
  ADMIN_PIN_LOCK: { role: "ADMIN", name: n("管理者暗証番号ロック", "管理者密碼鎖定", "Administrator PIN lock"), note: LOCK_NOTE },
  ADMIN_PIN_CHANGE: { role: "ADMIN", name: n("管理者暗証番号変更", "管理者密碼變更", "Administrator PIN change") },
  ADMIN_CONFIRM_PIN_CHANGE: {
    role: "ADMIN",
    name: n("管理者確認暗証番号変更", "管理者確認密碼變更", "Administrator confirmation PIN change"),
  },
  ADMIN_EMAIL_CHANGE: {
    role: "ADMIN",
    name: n("管理者Eメールアドレス変更", "管理者電子郵件地址變更", "Administrator e-mail address change"),
    note: EMAIL_CHANGE_NOTE,
  },
  USER_REGISTERED: { role: "ADMIN", name: n("利用者情報登録", "使用者資料登錄", "User registration") },
  USER_CHANGED: { role: "ADMIN", name: n("利用者情報変更", "使用者資料變更", "User information change") },
  USER_DELETED: { role: "ADMIN", name: n("利用者情報登録抹消", "使用者資料註銷", "User deletion") },
  INCIDENT_REGISTERED: {
    role: "ADMIN",
    name: n("事故登録", "事故登錄", "Incident registration"),
    note: n(
      "事故登録により、サービスのご利用を停止しています。",
      "因事故登錄，目前已停止使用本服務。",
      "Because of the incident registration, the service is stopped.",
    ),
  },
  INCIDENT_RELEASED: { role: "ADMIN", name: n("事故登録解除", "事故登錄解除", "Incident release") },
  PIN_LOCK_RELEASED: { role: "ADMIN", name: n("暗証番号ロック解除", "密碼鎖定解除", "PIN lock release") },
  CONTRACT_ACCOUNT_CHANGED: {
    role: "ADMIN",
    name: n("契約口座情報変更", "約定帳戶資料變更", "Contract account information change"),
  },
  FILE_TRANSFER_CONTRACT_CHANGED: {
    role: "ADMIN",
    name: n("ファイル伝送契約情報変更", "檔案傳輸約定資料變更", "File transmission contract change"),
  },
  CONTRACT_LIMIT_CHANGED: { role: "ADMIN", name: n("契約法人限度額変更", "約定法人限額變更", "Contract limit change") },
  FEE_REGISTERED: { role: "ADMIN", name: n("手数料登録", "手續費登錄", "Fee registration") },
  // R-MAIL-2: to the user concerned [003 L944–945]
  USER_ACTIVATION: { role: "USER", name: n("利用者開通確認", "使用者開通確認", "User activation") },
  USER_PIN_LOCK: {
    role: "USER",
    name: n("利用者暗証番号ロック", "使用者密碼鎖定", "User PIN lock"),
    note: n(
      `${LOCK_NOTE.ja}管理者の方にお問合せください。`,
      `${LOCK_NOTE["zh-TW"]}請洽詢管理者。`,
      `${LOCK_NOTE.en} Please contact your administrator.`,
    ),
  },
  USER_PIN_CHANGE: { role: "USER", name: n("利用者暗証番号変更", "使用者密碼變更", "User PIN change") },
  USER_CONFIRM_PIN_CHANGE: {
    role: "USER",
    name: n("利用者確認暗証番号変更", "使用者確認密碼變更", "User confirmation PIN change"),
  },
  USER_EMAIL_CHANGE: {
    role: "USER",
    name: n("利用者Eメールアドレス変更", "使用者電子郵件地址變更", "User e-mail address change"),
    note: EMAIL_CHANGE_NOTE,
  },
  SCHEDULED_TRANSFER_CANCELLED: {
    role: "USER",
    name: n("資金移動先予約取消", "預約轉帳取消", "Scheduled transfer cancellation"),
  },
  // extra (not in the seeds): renewal reminders 30 and 10 days before expiry (R-CERT-2 PROPOSAL)
  ADMIN_CERT_RENEWAL_REMINDER: {
    role: "ADMIN",
    extra: true,
    name: n("電子証明書有効期限", "電子憑證到期", "Certificate expiry reminder"),
    note: RENEWAL_NOTE,
  },
  USER_CERT_RENEWAL_REMINDER: {
    role: "USER",
    extra: true,
    name: n("電子証明書有効期限", "電子憑證到期", "Certificate expiry reminder"),
    note: RENEWAL_NOTE,
  },
} as const satisfies Record<string, NoticeDef>;

export type NoticeKind = keyof typeof NOTICE_CATALOGUE;

export const NOTICE_KINDS = Object.keys(NOTICE_CATALOGUE) as NoticeKind[];

export function noticeRole(kind: NoticeKind): NoticeRole {
  return NOTICE_CATALOGUE[kind].role;
}

/**
 * What a notice may show. Deliberately no PIN, password, OTP or card field: a notice cannot
 * leak what it is never given.
 */
export interface NoticeContext {
  institutionName: string;
  /** The help desk, e.g. "総合企画部 Tel 03(3719)0116". */
  institutionContact: string;
  /** Shown masked except its last 4 digits. */
  contractId: string;
  /** "○×株式会社"; the greeting adds 様. */
  companyName?: string | null;
  /** The user the operation concerns (user notices, and admin notices about a user). */
  userId?: string | null;
  occurredAt: Date;
  /** policy.timeZone. */
  timeZone: string;
  /** Renewal reminders only. */
  certificateNotAfter?: Date | null;
}

/** "12345678901" → "*******8901"; 4 characters or fewer are masked entirely. */
export function maskContractId(id: string): string {
  return id.length <= 4 ? "*".repeat(id.length) : "*".repeat(id.length - 4) + id.slice(-4);
}

function zoneLabel(at: Date, timeZone: string): string {
  if (timeZone === "Asia/Tokyo") return "JST";
  const l = toLocal(at, timeZone);
  const offset = Math.round((Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second) - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** Local time with its zone, as a notice shows it: "2024-05-15 10:00:00 (JST)". */
export function noticeTime(at: Date, timeZone: string): string {
  return `${formatLocal(at, timeZone)} (${zoneLabel(at, timeZone)})`;
}

// Values go into a mail header (subject) and body: no line breaks or control characters.
// eslint-disable-next-line no-control-regex
const clean = (s: string): string => s.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]+/g, " ").trim();

const fill = (template: string, values: Record<string, string>): string =>
  template.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m);

const LABELS = {
  ja: {
    subject: "【{institution}】{operation}のお知らせ",
    greeting: "{company} 様",
    intro: "いつも{institution}のインターネットバンキングをご利用いただき、ありがとうございます。\n以下のお手続きが行われましたので、お知らせいたします。",
    operation: "■お手続き：",
    time: "■日時：",
    contract: "■ご契約先ID：",
    user: "■利用者ID：",
    warning: "お心当たりのない場合は、至急下記までご連絡ください。",
    footer: "※本メールは送信専用です。ご返信いただいてもお答えできません。\n※本メールに暗証番号・パスワードを記載することはありません。",
  },
  "zh-TW": {
    subject: "【{institution}】{operation}通知",
    greeting: "{company} 您好：",
    intro: "感謝您使用{institution}網路銀行。\n以下作業已完成，特此通知。",
    operation: "■作業項目：",
    time: "■時間：",
    contract: "■契約客戶ID：",
    user: "■使用者ID：",
    warning: "若非您本人操作，請立即與下列單位聯絡。",
    footer: "※本郵件由系統自動發送，請勿直接回覆。\n※本郵件絕不會記載任何密碼。",
  },
  en: {
    subject: "[{institution}] {operation}",
    greeting: "Dear {company},",
    intro: "Thank you for using {institution} internet banking.\nThe following operation was carried out on your contract.",
    operation: "- Operation: ",
    time: "- Date and time: ",
    contract: "- Contract ID: ",
    user: "- User ID: ",
    warning: "If you did not do this, please contact us immediately:",
    footer: "This message was sent automatically; replies are not read.\nWe never include PINs or passwords in e-mail.",
  },
} as const satisfies Record<Locale, Record<string, string>>;

/** Renders one notice in one language. Only the NoticeContext fields named above are read. */
export function renderNotice(kind: NoticeKind, locale: Locale, ctx: NoticeContext): { subject: string; text: string } {
  const def: NoticeDef = NOTICE_CATALOGUE[kind];
  const L = LABELS[locale];
  const institution = clean(ctx.institutionName);
  const operation = def.name[locale];
  const lines: string[] = [];
  if (ctx.companyName) lines.push(fill(L.greeting, { company: clean(ctx.companyName) }), "");
  lines.push(fill(L.intro, { institution }), "");
  lines.push(L.operation + operation);
  lines.push(L.time + noticeTime(ctx.occurredAt, ctx.timeZone));
  lines.push(L.contract + maskContractId(clean(ctx.contractId)));
  if (ctx.userId) lines.push(L.user + clean(ctx.userId));
  if (def.note) {
    let note = def.note[locale];
    if (def.extra) {
      if (!ctx.certificateNotAfter) throw new RangeError(`${kind} needs certificateNotAfter`);
      // Calendar days in the institution's zone, so the "10 days before" mail says 10.
      const days = Math.max(0, localDaysBetween(ctx.occurredAt, ctx.certificateNotAfter, ctx.timeZone));
      note = fill(note, { expiry: noticeTime(ctx.certificateNotAfter, ctx.timeZone), days: String(days) });
    }
    lines.push("", note);
  }
  lines.push("", L.warning, `${institution}  ${clean(ctx.institutionContact)}`, "", L.footer);
  return { subject: fill(L.subject, { institution, operation }), text: lines.join("\n") + "\n" };
}

/** Both addresses of an e-mail change, deduplicated; missing ones are dropped. */
export function emailChangeRecipients(oldAddress: string | null | undefined, newAddress: string | null | undefined): string[] {
  const out: string[] = [];
  for (const a of [oldAddress, newAddress]) {
    if (a && !out.some((x) => x.toLowerCase() === a.toLowerCase())) out.push(a);
  }
  return out;
}

/**
 * Who receives a notice: the admin's address for ADMIN notices, the user's for USER notices;
 * on an e-mail change also the previous address (§10 PROPOSAL). No address → no recipients,
 * which is not an error (a user's e-mail is optional, AC-37).
 */
export function noticeRecipients(
  kind: NoticeKind,
  addresses: { adminEmail?: string | null; userEmail?: string | null; previousEmail?: string | null },
): string[] {
  const current = noticeRole(kind) === "ADMIN" ? addresses.adminEmail : addresses.userEmail;
  if (kind === "ADMIN_EMAIL_CHANGE" || kind === "USER_EMAIL_CHANGE") return emailChangeRecipients(addresses.previousEmail, current);
  return current ? [current] : [];
}
