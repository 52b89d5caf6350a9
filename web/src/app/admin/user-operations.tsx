/**
 * The operations on one user (SPEC §8.5–§8.9): 変更, 暗証番号再設定, 電子証明書再発行,
 * 利用中止解除, トークン登録/解除 and 削除 — each authorised with the admin confirmation PIN
 * (j.), as the seeds' screens are, and each followed by MSG-J19.
 */
import type { ComponentChildren, JSX } from "preact";
import { useState } from "preact/hooks";
import { ADMIN_API, get, post } from "../api.js";
import type { ShownError } from "../errors.js";
import { punct, t } from "../i18n.js";
import type { AdminStatus, Institution } from "../model.js";
import { ActionForm, DoneScreen, ErrorView, Field, Loading, Notice, PinField, Screen, useAction, useFields } from "../ui.js";
import { useLoaded } from "./status.js";
import { useProfile } from "./user-profile.js";
import { AfterAdminOperation, userPage, usersBase, userUrl, type UserView } from "./user-shared.js";

/** One operation on a user, authorised with the admin confirmation PIN. */
function Confirmed(props: {
  inst: Institution;
  userId: string;
  title: string;
  lead?: string;
  warn?: string;
  path: string;
  body?: () => Record<string, unknown>;
  fields?: (error: ShownError | null) => ComponentChildren;
  submit: string;
  done: string;
  danger?: boolean;
}): JSX.Element {
  const { inst } = props;
  const action = useAction();
  const pin = useFields({ confirmPin: "" });
  const [done, setDone] = useState(false);
  const detail = userPage(inst, props.userId);
  if (action.error?.terminal) return <ErrorView error={action.error} inst={inst} />;
  if (done)
    return (
      <DoneScreen title={props.title} notice={<p>{props.done}</p>} links={[props.path === "delete" ? [usersBase(inst), t("menuUsers")] : [detail, t("backToUser")]]}>
        <AfterAdminOperation inst={inst} />
      </DoneScreen>
    );
  return (
    <Screen title={props.title} lead={props.lead}>
      {props.warn ? (
        <Notice kind="warn">
          <p>{props.warn}</p>
        </Notice>
      ) : null}
      <ActionForm
        action={action}
        submit={props.submit}
        danger={props.danger}
        back={detail}
        onSubmit={async () => {
          try {
            await post(`${userUrl(props.userId)}/${props.path}`, { ...(props.body?.() ?? {}), confirmPin: pin.values.confirmPin });
          } finally {
            pin.reset();
          }
          setDone(true);
        }}
      >
        {props.fields?.(action.error)}
        <PinField {...pin.bind("confirmPin")} label={t("adminConfirmPin")} maxLength={12} error={action.error} />
      </ActionForm>
    </Screen>
  );
}

export function AdminUserChange(props: { inst: Institution; userId: string }): JSX.Element {
  const { inst, userId } = props;
  const user = useLoaded(() => get<UserView>(userUrl(userId)), [userId]);
  const status = useLoaded(() => get<AdminStatus>(`${ADMIN_API}/status`));
  const err = user.error ?? status.error;
  if (err) return <ErrorView error={err} inst={inst} />;
  if (!user.data || !status.data) return <Loading />;
  return <ChangeForm inst={inst} u={user.data} contracted={status.data.contractedServices} />;
}

function ChangeForm(props: { inst: Institution; u: UserView; contracted: readonly string[] }): JSX.Element {
  const { inst, u } = props;
  const profile = useProfile(props.contracted, u);
  return (
    <Confirmed
      inst={inst}
      userId={u.userId}
      title={t("userChangeTitle", { userId: u.userId })}
      path="change"
      submit={t("change")}
      done={t("userChanged")}
      body={profile.body}
      fields={(error) => profile.fields(error)}
    />
  );
}

export function AdminUserResetPins(props: { inst: Institution; userId: string }): JSX.Element {
  const f = useFields({ newLoginPin: "", newConfirmPin: "" });
  return (
    <Confirmed
      inst={props.inst}
      userId={props.userId}
      title={t("resetPins")}
      lead={t("resetPinsLead")}
      path="reset-pins"
      submit={t("change")}
      done={t("pinsReset")}
      body={() => ({ ...(f.values.newLoginPin ? { newLoginPin: f.values.newLoginPin } : {}), ...(f.values.newConfirmPin ? { newConfirmPin: f.values.newConfirmPin } : {}) })}
      fields={(error) => (
        <>
          <PinField {...f.bind("newLoginPin")} label={t("newUserLoginPin")} hint={t("tempPinRuleHint")} maxLength={12} error={error} required={false} autoComplete="new-password" />
          <PinField {...f.bind("newConfirmPin")} label={t("newUserConfirmPin")} hint={t("tempPinRuleHint")} maxLength={12} error={error} required={false} autoComplete="new-password" />
        </>
      )}
    />
  );
}

export function AdminUserSimple(props: { inst: Institution; userId: string; what: "reissue" | "release" | "delete" | "token-unassign" }): JSX.Element {
  const spec = {
    reissue: { title: t("reissue"), lead: t("reissueLead"), path: "reissue-certificate", submit: t("reissue"), done: t("reissued"), danger: false },
    release: { title: t("releaseSuspension"), lead: t("releaseLead"), path: "release-suspension", submit: t("releaseSuspension"), done: t("released"), danger: false },
    delete: { title: t("deleteUser"), lead: t("deleteLead"), path: "delete", submit: t("deleteUser"), done: t("deleted"), danger: true },
    "token-unassign": { title: t("tokenUnassign"), lead: t("tokenUnassignLead"), path: "token/unassign", submit: t("tokenUnassign"), done: t("tokenUnassigned"), danger: false },
  }[props.what];
  return <Confirmed inst={props.inst} userId={props.userId} title={`${spec.title}${punct.paren(props.userId)}`} warn={spec.lead} path={spec.path} submit={spec.submit} done={spec.done} danger={spec.danger} />;
}

export function AdminUserToken(props: { inst: Institution; userId: string }): JSX.Element {
  const f = useFields({ serial: "", otp: "", nextOtp: "" });
  const digits = props.inst.tokenOtpDigits;
  return (
    <Confirmed
      inst={props.inst}
      userId={props.userId}
      title={`${t("tokenAssign")}${punct.paren(props.userId)}`}
      lead={t("tokenAssignLead")}
      path="token"
      submit={t("tokenAssign")}
      done={t("tokenAssigned")}
      body={() => ({ serial: f.values.serial.trim(), otp: f.values.otp.trim(), nextOtp: f.values.nextOtp.trim() })}
      fields={(error) => (
        <>
          <Field {...f.bind("serial")} label={t("tokenSerial")} maxLength={32} required error={error} />
          <Field {...f.bind("otp")} label={t("tokenOtpFirst")} hint={t("tokenOtpHint", { digits })} inputMode="numeric" maxLength={digits} size="short" required error={error} autoComplete="one-time-code" />
          <Field {...f.bind("nextOtp")} label={t("tokenOtpNext")} hint={t("tokenOtpNextHint")} inputMode="numeric" maxLength={digits} size="short" required error={error} autoComplete="one-time-code" />
        </>
      )}
    />
  );
}
