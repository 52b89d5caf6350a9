/**
 * Staff accounts (/console/staff, HQ only): the institution's accounts with role, state, TOTP
 * enrolment and last sign-in; create; per account: role change, disable / enable, a new password
 * (dual-controlled where the policy says so), TOTP reset. Routes: src/http/routes/bank-staff-
 * accounts.ts and bank.ts (POST /staff, /staff/:username/reset).
 *   /console/staff             list and create
 *   /console/staff/:username   one account
 */
import "../desks.css";
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { formatDateTime } from "../../app/i18n.js";
import { ConfirmForm } from "../../ui/confirm.js";
import { Field, Select } from "../../ui/fields.js";
import { ActionForm, useAction, useFields } from "../../ui/form.js";
import { Actions, Facts, LinkButton, Loading, Notice, Screen } from "../../ui/screen.js";
import { useLoaded } from "../../ui/status.js";
import { bankCall, bankGet, bankPost, type BankRole } from "../api.js";
import type { SectionProps } from "../app.js";
import { ct } from "../texts.js";
import { ActionCard, Loaded, Outcome, ResultTable } from "../ui.js";
import { fx } from "./texts.js";

interface Staff {
  username: string;
  role: BankRole;
  disabled: boolean;
  locked: boolean;
  totpEnrolled: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

function rolesFor(kind: SectionProps["inst"]["kind"]): BankRole[] {
  return kind === "TW_SECURITIES" ? ["HQ_OPERATOR", "BRANCH_OFFICER", "AUDITOR", "CUSTOMER_SERVICE"] : ["HQ_OPERATOR", "BRANCH_OFFICER", "AUDITOR"];
}

const stateOf = (s: Staff): string => [s.disabled ? fx("disabled") : fx("enabled"), s.locked ? fx("locked") : ""].filter(Boolean).join(" · ");

function List(props: SectionProps): JSX.Element {
  const tz = props.inst.timeZone;
  const { data, error, reload } = useLoaded(() => bankGet<{ staff: Staff[] }>("/staff"), []);
  const roles = rolesFor(props.inst.kind);
  const f = useFields({ username: "", password: "", role: roles[1] ?? "BRANCH_OFFICER" });
  const action = useAction();
  const [done, setDone] = useState<string | null>(null);
  return (
    <Screen title={fx("title")} lead={fx("lead")} wide>
      <Loaded data={data} error={error}>
        {(data) => (
            <ResultTable caption={fx("title")} head={[fx("username"), fx("role"), fx("state"), fx("totp"), fx("lastLogin")]}>
              {data.staff.map((s) => (
                <tr key={s.username}>
                  <td class="mono">{s.username === props.session.username ? s.username : <a href={`${props.base}/${encodeURIComponent(s.username)}`}>{s.username}</a>}</td>
                  <td>{ct(s.role)}</td>
                  <td>{stateOf(s)}</td>
                  <td>{s.totpEnrolled ? fx("totpOn") : fx("totpOff")}</td>
                  <td>{s.lastLoginAt ? formatDateTime(s.lastLoginAt, tz) : "—"}</td>
                </tr>
              ))}
            </ResultTable>
        )}
      </Loaded>
      <ActionCard id="create-title" title={fx("createTitle")}>
        {done ? (
          <Notice kind="success" live>
            <p>{done}</p>
          </Notice>
        ) : null}
        <ActionForm
          action={action}
          label={fx("createTitle")}
          submit={fx("create")}
          onSubmit={async () => {
            const r = await bankPost<{ username: string }>("/staff", { username: f.values.username.trim(), password: f.values.password, role: f.values.role });
            setDone(fx("created", { name: r.username }));
            f.reset();
            reload();
          }}
        >
          <Field {...f.bind("username")} label={fx("username")} hint={fx("usernameHint")} maxLength={64} required error={action.error} />
          <Field {...f.bind("password")} type="password" autoComplete="new-password" label={fx("password")} hint={fx("passwordHint")} maxLength={256} required error={action.error} />
          <Select {...f.bind("role")} label={fx("role")} options={roles.map((r) => [r, ct(r)] as const)} error={action.error} />
        </ActionForm>
      </ActionCard>
    </Screen>
  );
}

function Account(props: SectionProps & { username: string }): JSX.Element {
  const tz = props.inst.timeZone;
  const path = `/staff/${encodeURIComponent(props.username)}`;
  const list = useLoaded(() => bankGet<{ staff: Staff[] }>("/staff"), []);
  const [result, setResult] = useState<{ raw: unknown; done: string } | null>(null);
  const role = useAction();
  const state = useAction();
  const reset = useAction();
  const totp = useAction();
  const s = list.data?.staff.find((x) => x.username === props.username);
  const rf = useFields({ role: "" });
  const pf = useFields({ password: "", approvalReason: "" });
  const after = (raw: unknown, done: string): void => {
    setResult({ raw, done });
    list.reload();
  };
  if (list.error)
    return (
      <Screen title={fx("title")}>
        <div class="alert alert-error" role="alert">
          <p data-code={list.error.code}>{list.error.message}</p>
        </div>
      </Screen>
    );
  if (!list.data) return <Loading />;
  if (!s)
    return (
      <Screen title={fx("title")}>
        <p role="alert">{ct("noResults")}</p>
        <Actions>
          <LinkButton href={props.base}>{fx("back")}</LinkButton>
        </Actions>
      </Screen>
    );
  return (
    <Screen title={fx("manage", { name: s.username })} wide>
      {result ? <Outcome result={result.raw} done={result.done} timeZone={tz} /> : null}
      <Facts
        rows={[
          [fx("username"), <span class="mono">{s.username}</span>],
          [fx("role"), ct(s.role)],
          [fx("state"), stateOf(s)],
          [fx("totp"), s.totpEnrolled ? fx("totpOn") : fx("totpOff")],
          [fx("lastLogin"), s.lastLoginAt ? formatDateTime(s.lastLoginAt, tz) : "—"],
        ]}
      />
      <div class="console-actions">
        <ActionCard id="role-title" title={fx("roleTitle")}>
          <ActionForm action={role} label={fx("roleTitle")} submit={fx("roleSave")} onSubmit={async () => after(await bankCall("PUT", `${path}/role`, { role: rf.values.role || s.role }), fx("roleDone"))}>
            <Select name="role" value={rf.values.role || s.role} onInput={(e) => rf.set("role", e.currentTarget.value)} label={fx("role")} options={rolesFor(props.inst.kind).map((r) => [r, ct(r)] as const)} error={role.error} />
          </ActionForm>
        </ActionCard>
        <ActionCard id="state-title" title={s.disabled ? fx("enable") : fx("disable")} text={s.disabled ? undefined : fx("disableText")}>
          {s.disabled ? (
            <ActionForm action={state} label={fx("enable")} submit={fx("enable")} onSubmit={async () => after(await bankPost(`${path}/enable`), fx("stateDone"))}>
              <span />
            </ActionForm>
          ) : (
            <ConfirmForm action={state} label={fx("disable")} submit={fx("disable")} danger question={fx("disableAsk", { name: s.username })} onConfirm={async () => after(await bankPost(`${path}/disable`), fx("stateDone"))} />
          )}
        </ActionCard>
        <ActionCard id="reset-title" title={fx("resetTitle")} text={fx("resetText")}>
          <ActionForm
            action={reset}
            label={fx("resetTitle")}
            submit={fx("resetSave")}
            onSubmit={async () => {
              const r = await bankPost(`${path}/reset`, { password: pf.values.password, ...(pf.values.approvalReason.trim() ? { approvalReason: pf.values.approvalReason.trim() } : {}) });
              pf.reset();
              after(r, fx("resetDone"));
            }}
          >
            <Field {...pf.bind("password")} type="password" autoComplete="new-password" label={fx("newPassword")} maxLength={256} required error={reset.error} />
            <Field {...pf.bind("approvalReason")} label={fx("approvalReason")} maxLength={200} error={reset.error} />
          </ActionForm>
        </ActionCard>
        <ActionCard id="totp-title" title={fx("totpTitle")} text={fx("totpText")}>
          <ConfirmForm action={totp} label={fx("totpTitle")} submit={fx("totpReset")} question={fx("totpAsk", { name: s.username })} onConfirm={async () => after(await bankPost(`${path}/totp/reset`), fx("totpDone"))} />
        </ActionCard>
      </div>
      <Actions>
        <LinkButton href={props.base}>{fx("back")}</LinkButton>
      </Actions>
    </Screen>
  );
}

export default function StaffSection(props: SectionProps): JSX.Element {
  const [username] = props.rest;
  if (!username) return <List {...props} />;
  return <Account {...props} username={decodeURIComponent(username)} />;
}
