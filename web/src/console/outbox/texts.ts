/** Words of the console's mail and SMS outbox in ja, zh-TW and en. */
import { say, x } from "../texts.js";

export const MX = {
  title: x("メール・SMS 送信状況", "郵件與簡訊發送狀態", "Mail and SMS outbox"),
  lead: x(
    "お客さまへのお知らせメールと SMS の送信状況です。本文は表示しません（ワンタイムパスワードを含むため）。",
    "發送給客戶的通知郵件與簡訊狀態。不顯示內文（可能含一次性密碼）。",
    "The notices sent to customers by mail and SMS. Message texts are never shown (they may carry one-time codes).",
  ),
  tabs: x("送信状態", "發送狀態", "Delivery state"),
  all: x("すべて（{n}）", "全部（{n}）", "All ({n})"),
  pending: x("送信待ち（{n}）", "待傳送（{n}）", "Pending ({n})"),
  failed: x("送信エラー（{n}）", "傳送失敗（{n}）", "Failed ({n})"),
  sent: x("送信済み（{n}）", "已傳送（{n}）", "Delivered ({n})"),
  st_pending: x("送信待ち", "待傳送", "Pending"),
  st_failed: x("送信エラー", "傳送失敗", "Failed"),
  st_sent: x("送信済み", "已傳送", "Delivered"),
  created: x("受付日時", "建立時間", "Queued"),
  channel: x("種別", "管道", "Channel"),
  email: x("メール", "郵件", "Mail"),
  sms: x("SMS", "簡訊", "SMS"),
  kind: x("お知らせ", "通知類型", "Notice"),
  recipient: x("宛先（一部伏せ字）", "收件者（部分遮蔽）", "Recipient (masked)"),
  state: x("状態", "狀態", "State"),
  attempts: x("試行回数", "嘗試次數", "Attempts"),
  lastError: x("最後のエラー", "最後錯誤", "Last error"),
  nextAttempt: x("次回送信", "下次傳送", "Next attempt"),
  sentAt: x("送信日時", "傳送時間", "Delivered at"),
  retry: x("再送する", "重新傳送", "Send again"),
  retryLabel: x("#{id} を再送する", "重新傳送 #{id}", "Send #{id} again"),
  retried: x("#{id} を送信待ちに戻しました。まもなく送信されます。", "已將 #{id} 改回待傳送，稍後將自動傳送。", "#{id} is queued again and will be sent shortly."),
  notRetryable: x("ワンタイムパスワードは再送しません", "一次性密碼不重送", "One-time codes are not resent"),
  more: x("さらに表示", "顯示更多", "Show more"),
};

export const mx = (key: keyof typeof MX, params?: Readonly<Record<string, string | number>>): string => say(MX[key], params);
