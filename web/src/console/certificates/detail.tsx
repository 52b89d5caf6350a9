/** A certificate's detail (any role) and its status changes: suspend / resume (HQ, branch), revoke with a reason (HQ). */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { formatDateTime } from "../../app/i18n.js";
import { ErrorPage } from "../../ui/error-page.js";
import { Field, Select } from "../../ui/fields.js";
import { ActionForm, useAction, useFields } from "../../ui/form.js";
import { Actions, Facts, LinkButton, Loading, Screen } from "../../ui/screen.js";
import { useLoaded } from "../../ui/status.js";
import { bankDownload, bankGet, bankPost, isPending, type BankRole } from "../api.js";
import type { SectionProps } from "../app.js";
import { ct } from "../texts.js";
import { ApprovalReasonField, Outcome, ResultTable, useDualControl } from "../ui.js";
import { kx, REASON_NAMES, REVOKE_REASONS } from "./texts.js";

export interface CertificateSummary {
  serialHex: string;
  cn: string;
  subjectDn: string;
  ownerKind: string;
  issuerId: string;
  notBefore: string;
  notAfter: string;
  status: "VALID" | "SUSPENDED" | "REVOKED" | "EXPIRED";
  revocationReason: number | null;
}
export interface CertificateDetail extends CertificateSummary {
  pem: string;
  ocsp: { status: "good" | "revoked" | "unknown"; reason: number | null };
  history: { at: string; action: string; actor: string; detail: Record<string, unknown> }[];
}

type Op = "suspend" | "resume" | "revoke";
const OPS: Record<Op, { roles: readonly BankRole[]; when: (c: CertificateSummary) => boolean }> = {
  suspend: { roles: ["HQ_OPERATOR", "BRANCH_OFFICER"], when: (c) => c.status === "VALID" },
  resume: { roles: ["HQ_OPERATOR", "BRANCH_OFFICER"], when: (c) => c.status === "SUSPENDED" },
  // A branch officer may ask for a revocation when dual control is on (HQ approves).
  revoke: { roles: ["HQ_OPERATOR", "BRANCH_OFFICER"], when: (c) => c.status === "VALID" || c.status === "SUSPENDED" },
};
const isOp = (s: string): s is Op => s in OPS;

export function ocspLine(o: CertificateDetail["ocsp"]): string {
  if (o.status === "revoked") return kx("ocsp_revoked", { reason: o.reason === null ? "—" : (REASON_NAMES[o.reason] ?? String(o.reason)) });
  return kx(o.status === "good" ? "ocsp_good" : "ocsp_unknown");
}

function detailText(d: Record<string, unknown>): string {
  return Object.entries(d)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== "object")
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(", ");
}

export function CertificateDetailScreen(props: SectionProps & { serial: string }): JSX.Element {
  const { data, error } = useLoaded(() => bankGet<CertificateDetail>(`/certificates/${encodeURIComponent(props.serial)}`), [props.serial]);
  const dl = useAction();
  const dual = useDualControl();
  const tz = props.inst.timeZone;
  if (error) return <ErrorPage error={error} next={ct("sessionNext")} homeHref={props.base} />;
  if (!data) return <Loading />;
  const ops = (Object.keys(OPS) as Op[]).filter(
    (op) => OPS[op].roles.includes(props.session.role) && OPS[op].when(data) && (op !== "revoke" || props.session.role === "HQ_OPERATOR" || dual?.on === true),
  );
  const here = `${props.base}/${data.serialHex}`;
  return (
    <Screen title={kx("detailTitle", { serial: data.serialHex })} wide>
      <Facts
        rows={[
          ["CN", data.cn],
          [kx("subject"), <span class="mono">{data.subjectDn}</span>],
          [kx("status"), kx(data.status)],
          [kx("ocsp"), <span data-ocsp={data.ocsp.status}>{ocspLine(data.ocsp)}</span>],
          [kx("notBefore"), formatDateTime(data.notBefore, tz)],
          [kx("notAfter"), formatDateTime(data.notAfter, tz)],
          [kx("owner2"), data.ownerKind],
          [kx("issuer"), <span class="mono">{data.issuerId}</span>],
        ]}
      />
      {ops.length > 0 ? (
        <>
          <h2>{kx("operations")}</h2>
          <ul class="console-op-list">
            {ops.map((op) => (
              <li key={op}>
                <LinkButton href={`${here}/${op}`}>{kx(op)}</LinkButton>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>{kx("downloads")}</h2>
      {dl.error ? (
        <div class="alert alert-error" role="alert">
          <p>{dl.error.message}</p>
        </div>
      ) : null}
      <Actions>
        <button type="button" class="btn" onClick={() => void dl.run(() => bankDownload("GET", `/certificates/${data.serialHex}/certificate.pem`, `${data.serialHex}.pem`))}>
          {kx("pem")}
        </button>
        <button type="button" class="btn" onClick={() => void dl.run(() => bankDownload("GET", `/certificates/${data.serialHex}/certificate.der`, `${data.serialHex}.cer`))}>
          {kx("der")}
        </button>
      </Actions>
      <pre class="console-pem" tabIndex={0} aria-label="PEM">
        {data.pem}
      </pre>
      <h2>{kx("history")}</h2>
      {data.history.length === 0 ? (
        <p>{kx("noHistory")}</p>
      ) : (
        <ResultTable caption={kx("history")} hideCaption head={[kx("at"), kx("action"), kx("actor"), kx("detail")]}>
          {data.history.map((h, i) => (
            <tr key={`${h.at}-${i}`}>
              <td>{formatDateTime(h.at, tz)}</td>
              <td>{h.action}</td>
              <td>{h.actor}</td>
              <td>{detailText(h.detail)}</td>
            </tr>
          ))}
        </ResultTable>
      )}
      <p>
        <LinkButton href={props.base}>{kx("toSearch")}</LinkButton>
      </p>
    </Screen>
  );
}

export function CertificateOperation(props: SectionProps & { serial: string; op: string }): JSX.Element {
  const action = useAction();
  const f = useFields({ note: "", reason: "unspecified", approvalReason: "" });
  const dual = useDualControl();
  const asks = props.op === "revoke" && dual?.on === true;
  const [result, setResult] = useState<unknown>(undefined);
  const back = `${props.base}/${props.serial}`;
  if (!isOp(props.op)) return <ErrorPage error={{ code: "NOT_FOUND", message: ct("notFound"), fields: [], terminal: true }} next="" homeHref={props.base} />;
  const op = props.op;
  const title = kx(op);
  if (result !== undefined) {
    const done = isPending(result) ? "" : kx(op === "suspend" ? "suspended" : op === "resume" ? "resumed" : "revoked");
    const d = result as Partial<CertificateDetail>;
    return (
      <Screen title={title} lead={kx("detailTitle", { serial: props.serial })}>
        <Outcome result={result} done={done} timeZone={props.inst.timeZone} />
        {d.ocsp ? (
          <Facts rows={[[kx("status"), d.status ? kx(d.status) : ""], [kx("ocsp"), <span data-ocsp={d.ocsp.status}>{ocspLine(d.ocsp)}</span>]]} />
        ) : null}
        <Actions>
          <LinkButton href={back} primary>
            {kx("toDetail")}
          </LinkButton>
        </Actions>
      </Screen>
    );
  }
  return (
    <Screen title={title} lead={kx("detailTitle", { serial: props.serial })}>
      <p>{kx(op === "suspend" ? "suspendText" : op === "resume" ? "resumeText" : "revokeText")}</p>
      <ActionForm
        action={action}
        submit={ct("execute")}
        back={back}
        danger={op !== "resume"}
        onSubmit={async () => {
          const note = f.values.note.trim() || undefined;
          const r = await bankPost<unknown>(`/certificates/${encodeURIComponent(props.serial)}/${op}`, op === "revoke" ? { reason: f.values.reason, note, approvalReason: asks ? f.values.approvalReason.trim() : undefined } : { note });
          setResult(r ?? {});
        }}
      >
        {op === "revoke" ? <Select {...f.bind("reason")} label={kx("revokeReason")} options={REVOKE_REASONS.map((r) => [r, r] as const)} error={action.error} /> : null}
        <Field {...f.bind("note")} label={ct("note")} maxLength={200} size="long" error={action.error} />
        {asks ? <ApprovalReasonField value={f.values.approvalReason} onInput={(v) => f.set("approvalReason", v)} error={action.error} hours={dual.hours} /> : null}
      </ActionForm>
    </Screen>
  );
}
