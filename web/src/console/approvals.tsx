/**
 * Dual control (maker–checker): the requests of the institution waiting for a second person,
 * each with what it would do, who asked, why and until when; approving runs the operation (the
 * answer says what it did), rejecting closes the request; the requester may withdraw a request
 * still pending. The server refuses a decision on one's own request (also from another session)
 * and on expired ones; its message is shown.
 *   /console/approvals          the pending requests
 *   /console/approvals/:id      one request: approve or reject (or withdraw, for its requester)
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { formatDateTime } from "../app/i18n.js";
import { ErrorPage } from "../ui/error-page.js";
import { Field } from "../ui/fields.js";
import { ActionForm, useAction, useFields } from "../ui/form.js";
import { Actions, Facts, LinkButton, Loading, Notice, Screen } from "../ui/screen.js";
import { useLoaded } from "../ui/status.js";
import { bankGet, bankPost } from "./api.js";
import type { SectionProps } from "./app.js";
import { ct, say, x } from "./texts.js";
import { ResultTable } from "./ui.js";

const AX = {
  title: x("承認待ちの依頼", "待覆核申請", "Requests waiting for approval"),
  lead: x(
    "二名による承認が必要な操作です。依頼者本人は承認・否認できません。内容を確認し、承認するか否認してください。",
    "以下為須經二人覆核的作業，申請人本人無法覆核。請確認內容後核准或駁回。",
    "These operations need a second person; the requester cannot decide on their own request. Check each one, then approve or reject it.",
  ),
  none: x("承認待ちの依頼はありません。", "目前沒有待覆核的申請。", "No request is waiting."),
  operation: x("操作", "作業", "Operation"),
  subject: x("対象", "對象", "Subject"),
  requestedBy: x("依頼者", "申請人", "Requested by"),
  requestedAt: x("依頼日時", "申請時間", "Requested at"),
  expiresAt: x("承認期限", "覆核期限", "Decide by"),
  reason: x("依頼の理由", "申請理由", "Reason given"),
  state: x("状態", "狀態", "State"),
  open: x("確認する", "檢視", "Review"),
  requestTitle: x("承認依頼の確認", "覆核申請確認", "Review the request"),
  approve: x("承認して実行する", "核准並執行", "Approve and carry out"),
  reject: x("否認する", "駁回", "Reject"),
  approved: x("承認しました。操作を実行しました。", "已核准，作業已執行。", "Approved: the operation has been carried out."),
  rejected: x("否認しました。操作は実行されません。", "已駁回，作業不會執行。", "Rejected: the operation will not be carried out."),
  recent: x("最近処理された依頼", "最近處理的申請", "Recently decided"),
  decidedBy: x("処理者", "處理人員", "Decided by"),
  decisionReason: x("否認の理由", "駁回理由", "Reason for rejecting"),
  toList: x("承認待ち一覧へ", "回待覆核清單", "Back to the list"),
  rejectReason: x("否認の理由（1～200文字）", "駁回理由（1～200 字）", "Reason for rejecting (1–200 characters)"),
  withdraw: x("依頼を取り下げる", "撤回申請", "Withdraw the request"),
  withdrawReason: x("取下げの理由（任意、200文字以内）", "撤回理由（選填，200 字以內）", "Reason for withdrawing (optional, up to 200 characters)"),
  withdrawLead: x(
    "ご自身の依頼です。承認はほかの担当者が行います。不要になった場合は取り下げてください（操作は実行されません）。",
    "此為您本人提出的申請，須由其他人員覆核。如已不需要，請撤回（作業不會執行）。",
    "This is your own request; another staff member must decide on it. If it is no longer needed, withdraw it (nothing will be carried out).",
  ),
  withdrawn: x("依頼を取り下げました。操作は実行されません。", "已撤回申請，作業不會執行。", "Withdrawn: the operation will not be carried out."),
  cannotDecide: x("この依頼はご自身のものか、ご自身の権限では承認できません。", "此申請為您本人提出，或您的權限無法覆核。", "This is your own request, or your role cannot decide on it."),
  params: x("操作の内容", "作業內容", "What it does"),
  CONTRACT_UNLOCK: x("暗証番号ロックの解除", "解除密碼鎖定", "Release a PIN lock"),
  CONTRACT_RESET_ACTIVATION: x("開通前の状態に戻す", "重設為未開通", "Reset to pre-activation"),
  REGISTRATION_PIN_CHANGE: x("登録用暗証番号の変更", "變更登錄密碼", "Change the registration PIN"),
  ADMIN_CERTIFICATE_REISSUE: x("管理者電子証明書の再発行", "重新發行管理者憑證", "Reissue the administrator certificate"),
  CERTIFICATE_REVOKE: x("電子証明書の失効", "廢止憑證", "Revoke a certificate"),
  TW_CERTIFICATE_REVOKE: x("電子証明書の失効（台湾）", "廢止憑證", "Revoke a certificate (TW)"),
  STAFF_PASSWORD_RESET: x("担当者パスワードの再設定", "重設人員密碼", "Reset a staff password"),
  DUAL_CONTROL_SETTINGS: x("二名承認の設定変更", "變更二人覆核設定", "Change the dual-control setting"),
  PENDING: x("承認待ち", "待覆核", "Waiting"),
  APPROVED: x("承認済", "已核准", "Approved"),
  REJECTED: x("否認", "已駁回", "Rejected"),
  EXPIRED: x("期限切れ", "已逾期", "Expired"),
  WITHDRAWN: x("取下げ", "已撤回", "Withdrawn"),
};
const ax = (k: keyof typeof AX, p?: Record<string, string | number>): string => say(AX[k], p);

/** One request as GET /api/bank/approvals answers it (src/http/routes/bank-approvals.ts). */
export interface ApprovalRequest {
  approvalId: string;
  kind: string;
  subject: string;
  params: Record<string, unknown>;
  reason: string;
  status: string;
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
  canDecide: boolean;
  canWithdraw: boolean;
}

const label = (a: ApprovalRequest): string => (a.kind in AX ? ax(a.kind as keyof typeof AX) : a.kind);
const paramsText = (p: Record<string, unknown>): string =>
  Object.entries(p)
    .filter(([, v]) => v !== null && v !== undefined && v !== "" && typeof v !== "object")
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(", ");
const stateOf = (a: ApprovalRequest): string => (a.status && a.status in AX ? ax(a.status as keyof typeof AX) : (a.status ?? ""));

/** The latest decided (or expired) requests under the pending ones: what happened to a request, for the requester and the auditor. */
function Recent(props: SectionProps): JSX.Element | null {
  const { data } = useLoaded(() => bankGet<{ total: number; items: ApprovalRequest[] }>("/approvals?limit=20"), []);
  const tz = props.inst.timeZone;
  const done = (data?.items ?? []).filter((a) => a.status !== "PENDING");
  if (done.length === 0) return null;
  return (
    <>
      <h2 id="recent-title">{ax("recent")}</h2>
      <ResultTable caption={ax("recent")} hideCaption head={[ax("operation"), ax("subject"), ax("requestedBy"), ax("state"), ax("decidedBy"), ax("decisionReason")]}>
        {done.map((a) => (
          <tr key={a.approvalId}>
            <td>{label(a)}</td>
            <td class="mono">{a.subject}</td>
            <td>{a.requestedBy}</td>
            <td>{stateOf(a)}</td>
            <td>{a.decidedBy ? `${a.decidedBy}${a.decidedAt ? ` (${formatDateTime(a.decidedAt, tz)})` : ""}` : "—"}</td>
            <td>{a.decisionReason ?? ""}</td>
          </tr>
        ))}
      </ResultTable>
    </>
  );
}

function List(props: SectionProps): JSX.Element {
  const { data, error } = useLoaded(() => bankGet<{ total: number; items: ApprovalRequest[] }>("/approvals?status=PENDING"), []);
  const tz = props.inst.timeZone;
  if (error) return <ErrorPage error={error} next={ct("sessionNext")} homeHref="/console" />;
  if (!data) return <Loading />;
  const items = data.items;
  return (
    <Screen title={ax("title")} lead={ax("lead")} wide>
      {items.length === 0 ? (
        <p role="status">{ax("none")}</p>
      ) : (
        <ResultTable caption={ct("results", { n: items.length })} head={[ax("operation"), ax("subject"), ax("requestedBy"), ax("requestedAt"), ax("expiresAt"), ax("reason"), ""]}>
          {items.map((a) => (
            <tr key={a.approvalId}>
              <td>{label(a)}</td>
              <td class="mono">{a.subject}</td>
              <td>{a.requestedBy}</td>
              <td>{formatDateTime(a.requestedAt, tz)}</td>
              <td>{formatDateTime(a.expiresAt, tz)}</td>
              <td>{a.reason}</td>
              <td>
                <a href={`${props.base}/${encodeURIComponent(a.approvalId)}`} aria-label={`${ax("open")}: ${label(a)} ${a.subject}`}>
                  {ax("open")}
                </a>
              </td>
            </tr>
          ))}
        </ResultTable>
      )}
      <Recent {...props} />
    </Screen>
  );
}

function Decide(props: SectionProps & { id: string }): JSX.Element {
  const { data: a, error } = useLoaded(() => bankGet<ApprovalRequest>(`/approvals/${encodeURIComponent(props.id)}`), [props.id]);
  const action = useAction();
  const f = useFields({ reason: "" });
  const [decided, setDecided] = useState<"approved" | "rejected" | "withdrawn" | undefined>(undefined);
  const tz = props.inst.timeZone;
  if (error) return <ErrorPage error={error} next="" homeHref={props.base} />;
  if (!a) return <Loading />;
  const decide = (verdict: "approve" | "reject" | "withdraw"): void =>
    void action.run(async () => {
      await bankPost(`/approvals/${encodeURIComponent(props.id)}/${verdict}`, verdict === "approve" ? {} : { reason: f.values.reason.trim() });
      setDecided(verdict === "approve" ? "approved" : verdict === "reject" ? "rejected" : "withdrawn");
    });
  return (
    <Screen title={ax("requestTitle")}>
      <Facts
        rows={[
          [ax("operation"), label(a)],
          [ax("subject"), <span class="mono">{a.subject}</span>],
          [ax("params"), paramsText(a.params) || "—"],
          [ax("requestedBy"), a.requestedBy],
          [ax("requestedAt"), formatDateTime(a.requestedAt, tz)],
          [ax("expiresAt"), formatDateTime(a.expiresAt, tz)],
          [ax("reason"), a.reason],
          [ax("state"), stateOf(a)],
        ]}
      />
      {decided ? (
        <>
          <Notice kind="success" live>
            <p>{ax(decided)}</p>
          </Notice>
          <Actions>
            <LinkButton href={props.base} primary>
              {ax("toList")}
            </LinkButton>
          </Actions>
        </>
      ) : a.canWithdraw ? (
        <ActionForm action={action} onSubmit={async () => decide("withdraw")}>
          <p>{ax("withdrawLead")}</p>
          <Field {...f.bind("reason")} label={ax("withdrawReason")} maxLength={200} size="long" error={action.error} />
          <Actions>
            <button type="submit" class="btn btn-danger" aria-disabled={action.busy ? "true" : undefined}>
              {ax("withdraw")}
            </button>
            <LinkButton href={props.base}>{ax("toList")}</LinkButton>
          </Actions>
        </ActionForm>
      ) : !a.canDecide ? (
        <>
          <Notice kind="info">
            <p>{a.status === "PENDING" ? ax("cannotDecide") : stateOf(a)}</p>
          </Notice>
          <Actions>
            <LinkButton href={props.base}>{ax("toList")}</LinkButton>
          </Actions>
        </>
      ) : (
        <ActionForm action={action} onSubmit={async () => decide("approve")}>
          <Field {...f.bind("reason")} label={ax("rejectReason")} maxLength={200} size="long" error={action.error} />
          <Actions>
            <button type="submit" class="btn btn-primary" aria-disabled={action.busy ? "true" : undefined}>
              {ax("approve")}
            </button>
            <button type="button" class="btn btn-danger" onClick={() => decide("reject")}>
              {ax("reject")}
            </button>
            <LinkButton href={props.base}>{ax("toList")}</LinkButton>
          </Actions>
        </ActionForm>
      )}
    </Screen>
  );
}

export default function ApprovalsSection(props: SectionProps): JSX.Element {
  const [id] = props.rest;
  return id ? <Decide {...props} id={id} /> : <List {...props} />;
}
