/** Words of the console's audit trail in ja, zh-TW and en. */
import { say, x } from "../texts.js";

export const AX = {
  title: x("監査証跡", "稽核軌跡", "Audit trail"),
  lead: x("当金庫の操作記録です。新しい順に表示します。", "本機構的作業紀錄，依時間由新至舊排列。", "Your institution's record of actions, newest first."),
  from: x("期間（開始日）", "期間（起日）", "From (date)"),
  to: x("期間（終了日）", "期間（迄日）", "To (date, inclusive)"),
  dateHint: x("{tz} の日付", "{tz} 的日期", "Dates in {tz}"),
  actor: x("操作者", "操作者", "Actor"),
  actorHint: x("担当者のユーザー名、契約者ID など", "人員使用者名稱、契約者ID 等", "A staff user name, a contract ID …"),
  action: x("操作（前方一致）", "作業（開頭相符）", "Action (starts with)"),
  actionHint: x("例：contract. / certificate.suspended", "例：contract. / certificate.suspended", "e.g. contract. or certificate.suspended"),
  subject: x("契約者ID・顧客番号", "契約者ID／客戶代號", "Contract ID or customer identifier"),
  colAction: x("操作", "作業", "Action"),
  colSubject: x("対象", "對象", "Subject"),
  seq: x("番号", "序號", "No."),
  at: x("日時", "時間", "Time"),
  detail: x("内容", "內容", "Detail"),
  total: x("該当 {n} 件", "共 {n} 筆", "{n} matching rows"),
  newer: x("新しい記録", "較新的紀錄", "Newer rows"),
  older: x("古い記録", "較舊的紀錄", "Older rows"),
  csv: x("CSV をダウンロード（絞り込み条件どおり）", "下載 CSV（依篩選條件）", "Download CSV (as filtered)"),
  csvHint: x("Excel で開けます（UTF-8）。ダウンロードも監査証跡に記録されます。", "可用 Excel 開啟（UTF-8）。下載動作亦會記錄於稽核軌跡。", "Opens in Excel (UTF-8). The download is recorded in the audit trail too."),
  chain: x("改ざん検知（ハッシュチェーン）", "竄改偵測（雜湊鏈）", "Tamper check (hash chain)"),
  verified: x("検証済み：第 {seq} 件（{at}）まで改ざんはありません", "已驗證：至第 {seq} 筆（{at}）均未遭竄改", "Verified: no change up to row {seq} ({at})"),
  broken: x("異常あり：第 {seq} 件で検証に失敗しました（{reason}）", "異常：第 {seq} 筆驗證失敗（{reason}）", "Broken: verification fails at row {seq} ({reason})"),
  brokenNext: x("システム管理者に連絡し、inkan audit verify で確認してください。", "請聯絡系統管理員，以 inkan audit verify 確認。", "Tell your system administrator; they check it with inkan audit verify."),
  checkedAt: x("{at} に検証", "於 {at} 驗證", "Checked at {at}"),
  unchained: x("（ほかに連結待ち {n} 件）", "（另有 {n} 筆待串接）", "({n} more waiting to be chained)"),
  checking: x("検証しています…", "驗證中…", "Checking…"),
  recheck: x("再検証する", "重新驗證", "Check again"),
};

export const ax = (key: keyof typeof AX, params?: Readonly<Record<string, string | number>>): string => say(AX[key], params);
