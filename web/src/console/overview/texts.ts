/** Words of the console's overview in ja, zh-TW and en. */
import { say, x } from "../texts.js";

export const OX = {
  title: x("概況", "概況", "Overview"),
  lead: x("{at} 現在の件数です（{tz}）。", "截至 {at} 的件數（{tz}）。", "Figures as of {at} ({tz})."),
  contracts: x("契約先", "契約戶", "Contracts"),
  REGISTERED: x("登録済み（未開始）", "已登錄（未啟用）", "Registered (not yet active)"),
  ACTIVE: x("利用中", "使用中", "Active"),
  locked: x("ロック中", "鎖定中", "Locked"),
  incident: x("事故登録中", "事故登錄中", "Under an incident"),
  locksToday: x("本日のロック発生", "今日發生的鎖定", "Locks today"),
  locksTodayHint: x("契約先・利用者・お客さま・担当者のロック", "契約戶、使用者、客戶及人員的鎖定", "Of contracts, users, customers and staff"),
  certificates: x("電子証明書", "憑證", "Certificates"),
  VALID: x("有効", "有效", "Valid"),
  SUSPENDED: x("一時停止中", "暫禁中", "Suspended"),
  REVOKED: x("失効", "已廢止", "Revoked"),
  EXPIRED: x("期限切れ", "已過期", "Expired"),
  expiring: x("今後 12 週間に有効期限を迎える電子証明書", "未來 12 週內到期的憑證", "Certificates expiring in the next 12 weeks"),
  chartDesc: x("週ごとの件数の棒グラフ。合計 {n} 件、最多は {max} 件です。同じ内容を下の表でも確認できます。", "每週件數長條圖，共 {n} 件，最多一週 {max} 件。下表列出相同內容。", "Bar chart of the count per week: {n} in all, at most {max} in one week. The table below has the same figures."),
  week: x("週（開始日〜）", "週（起始日）", "Week starting"),
  count: x("件数", "件數", "Count"),
  barTitle: x("{from} からの週：{n} 件", "{from} 起一週：{n} 件", "Week from {from}: {n}"),
  asTable: x("表で見る", "以表格檢視", "Show as a table"),
  outbox: x("メール・SMS", "郵件與簡訊", "Mail and SMS"),
  failed: x("送信エラー", "傳送失敗", "Failed"),
  pending: x("送信待ち", "待傳送", "Pending"),
  toOutbox: x("送信エラーを確認する", "查看傳送失敗項目", "Review the failures"),
};

export const ox = (key: keyof typeof OX, params?: Readonly<Record<string, string | number>>): string => say(OX[key], params);
