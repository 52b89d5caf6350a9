/**
 * Words of the bank console (back office, issue 11) in ja, zh-TW and en. The staff's language is
 * the institution's default until they pick another (the same inkan_lang choice as the portal).
 * Sections keep their own words next to them (contracts/texts.ts …) built with `x`; this file
 * holds the shell, the sign-in and the words every section shares.
 */
import { currentLocale, type Locale } from "../app/i18n.js";

export type Text = Readonly<Record<Locale, string>>;
export const x = (ja: string, zh: string, en: string): Text => ({ ja, "zh-TW": zh, en });

/** A text in the current language, {name} placeholders filled. */
export function say(text: Text, params: Readonly<Record<string, string | number>> = {}): string {
  return text[currentLocale()].replace(/\{(\w+)\}/g, (m, n: string) => (n in params ? String(params[n]) : m));
}

export const CT = {
  console: x("電子証明書 管理コンソール", "憑證後台管理系統", "Certificate back-office console"),
  navLabel: x("業務メニュー", "作業選單", "Operations"),
  signedInAs: x("{name}（{role}）", "{name}（{role}）", "{name} ({role})"),
  signOut: x("サインアウト", "登出", "Sign out"),
  home: x("コンソール", "主控台", "Console"),
  // ---- roles ----
  HQ_OPERATOR: x("本部担当者", "總行作業人員", "HQ operator"),
  BRANCH_OFFICER: x("営業店担当者", "分行作業人員", "Branch officer"),
  AUDITOR: x("監査担当者", "稽核人員", "Auditor"),
  CUSTOMER_SERVICE: x("カスタマーサービス", "客服人員", "Customer service"),
  // ---- section titles (CON-2's sections use these too) ----
  navOverview: x("概況", "概況", "Overview"),
  navContracts: x("契約先", "契約戶", "Contracts"),
  navCertificates: x("電子証明書", "憑證", "Certificates"),
  navApprovals: x("承認待ち", "待覆核", "Approvals"),
  navTaiwan: x("台湾の顧客・EDI", "客戶與 EDI", "Customers and EDI"),
  navSecurities: x("証券の顧客", "證券客戶", "Securities customers"),
  navAudit: x("監査証跡", "稽核軌跡", "Audit trail"),
  navOutbox: x("メール・SMS 送信状況", "郵件與簡訊發送狀態", "Mail and SMS outbox"),
  navStaff: x("担当者アカウント", "人員帳號", "Staff accounts"),
  // ---- sign-in ----
  signInTitle: x("サインイン", "登入", "Sign in"),
  signInLead: x(
    "金融機関コード、ユーザー名、パスワードを入力してください。続いて認証アプリのワンタイムコードを入力します。",
    "請輸入金融機構代號、使用者名稱及密碼，接著輸入驗證器應用程式的一次性密碼。",
    "Enter your institution code, user name and password; then the one-time code of your authenticator app.",
  ),
  institution: x("金融機関", "金融機構", "Institution"),
  username: x("ユーザー名", "使用者名稱", "User name"),
  password: x("パスワード", "密碼", "Password"),
  next: x("次へ", "下一步", "Next"),
  totpTitle: x("ワンタイムコードの入力", "輸入一次性密碼", "One-time code"),
  totpLead: x("認証アプリに表示されている 6 桁のコードを入力してください。", "請輸入驗證器應用程式顯示的 6 位數密碼。", "Enter the 6-digit code your authenticator app shows."),
  totpCode: x("ワンタイムコード（6 桁）", "一次性密碼（6 位數）", "One-time code (6 digits)"),
  totpHint: x("30 秒ごとに変わります。同じコードは一度しか使えません。", "每 30 秒更新一次，同一組密碼僅能使用一次。", "It changes every 30 seconds; each code works once."),
  signIn: x("サインイン", "登入", "Sign in"),
  enrolTitle: x("認証アプリの登録", "註冊驗證器應用程式", "Set up your authenticator app"),
  enrolLead: x(
    "初回のサインインです。認証アプリ（Google Authenticator、Microsoft Authenticator など）で QR コードを読み取るか、下の文字列を入力してください。この画面を閉じると二度と表示されません。",
    "這是您第一次登入。請以驗證器應用程式（Google Authenticator、Microsoft Authenticator 等）掃描 QR Code，或輸入下方的字串。關閉此畫面後將不再顯示。",
    "This is your first sign-in. Scan the QR code with an authenticator app (Google Authenticator, Microsoft Authenticator …) or type the text below into it. It is shown only now.",
  ),
  enrolQr: x("認証アプリ登録用 QR コード", "驗證器註冊 QR Code", "QR code for the authenticator app"),
  enrolSecret: x("手入力用の文字列（Base32）", "手動輸入字串（Base32）", "Text to type in (base32)"),
  enrolCode: x("アプリに表示された最初のコード（6 桁）", "應用程式顯示的第一組密碼（6 位數）", "The first code the app shows (6 digits)"),
  enrolConfirm: x("登録してサインイン", "完成註冊並登入", "Confirm and sign in"),
  enrolling: x("登録用の情報を作成しています…", "正在產生註冊資料…", "Preparing the set-up…"),
  expired: x(
    "一定時間操作がなかったか、サインインの有効時間を過ぎたため、サインアウトしました。もう一度サインインしてください。",
    "因閒置過久或已超過登入有效時間，系統已將您登出，請重新登入。",
    "You were signed out because the session was idle too long or reached its time limit. Please sign in again.",
  ),
  signedOut: x("サインアウトしました。", "您已登出。", "You have signed out."),
  restart: x("最初からやり直す", "重新開始", "Start again"),
  // ---- shared ----
  search: x("検索", "查詢", "Search"),
  results: x("検索結果（{n} 件）", "查詢結果（{n} 筆）", "Results ({n})"),
  noResults: x("該当するものはありません。", "查無資料。", "Nothing matches."),
  details: x("詳細", "明細", "Details"),
  note: x("メモ（監査証跡に残ります。暗証番号は書かないでください）", "備註（記錄於稽核軌跡，請勿填寫密碼）", "Note (kept in the audit trail; never a PIN)"),
  reason: x("理由", "理由", "Reason"),
  execute: x("実行する", "執行", "Carry out"),
  done: x("完了しました。", "已完成。", "Done."),
  pendingTitle: x("承認を依頼しました", "已送出覆核申請", "Sent for approval"),
  pendingBody: x(
    "この操作は二名による承認が必要です。別の担当者が「承認待ち」で承認するまで、何も変更されません。",
    "此操作須經二人覆核。在其他人員於「待覆核」核准之前，不會進行任何變更。",
    "This operation needs a second person. Nothing changes until another staff member approves it under Approvals.",
  ),
  pendingUntil: x("承認期限：{at}", "覆核期限：{at}", "To be decided by {at}"),
  approvalReason: x("承認依頼の理由", "覆核申請理由", "Reason for the request"),
  approvalReasonHint: x(
    "二名による承認が有効です。別の担当者が {hours} 時間以内に承認するまで実行されません。",
    "已啟用二人覆核，須由其他人員於 {hours} 小時內核准後才會執行。",
    "Dual control is on: nothing happens until another staff member approves within {hours} hours.",
  ),
  toApprovals: x("承認待ち一覧へ", "前往待覆核清單", "Go to Approvals"),
  notAllowed: x("この画面を使う権限がありません。", "您沒有使用此畫面的權限。", "Your role does not allow this screen."),
  notFound: x("このページはありません。", "找不到此頁面。", "There is no such page."),
  sectionFailed: x("画面を読み込めませんでした。再読み込みしてください。", "無法載入畫面，請重新整理。", "The screen could not be loaded. Please reload the page."),
  print: x("印刷する", "列印", "Print"),
  downloadPdf: x("PDF をダウンロード", "下載 PDF", "Download PDF"),
  yes: x("はい", "是", "Yes"),
  no: x("いいえ", "否", "No"),
  sessionNext: x("もう一度サインインしてください。", "請重新登入。", "Please sign in again."),
  previous: x("前へ", "上一頁", "Previous"),
  nextPage: x("次へ", "下一頁", "Next"),
} as const;

export type ConsoleKey = keyof typeof CT;

export const ct = (key: ConsoleKey, params?: Readonly<Record<string, string | number>>): string => say(CT[key], params);
