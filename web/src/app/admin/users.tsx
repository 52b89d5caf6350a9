/**
 * 利用者情報登録／変更 (SPEC §8.4–§8.9): the users with their state, 新規登録 (a.–j., MSG-J04,
 * then MSG-J19: log off and close the browser), and per user 変更, 暗証番号再設定, 電子証明書
 * 再発行, 利用中止解除, トークン登録/解除 and 削除 — each authorised with the admin
 * confirmation PIN (j.), as the seeds' screens are.
 */
import type { ComponentChildren, JSX } from "preact";
import { useState } from "preact/hooks";
import { ADMIN_API, get, post } from "../api.js";
import { formatDateTime, seed, t } from "../i18n.js";
import type { AdminStatus, Institution, ScreenMessage } from "../model.js";
import type { TextKey } from "../texts.js";
import { Actions, ErrorView, Facts, Field, Form, Loading, Notice, PinField, Screen, Submit, useAction, useFields } from "../ui.js";
import { serviceName, useLoaded } from "./status.js";

export interface UserView {
  userId: string;
  nameKana: string;
  nameKanji: string | null;
  email: string | null;
  certIssuable: boolean;
  permissions: string[];
  serviceLimits: Record<string, number>;
  activated: boolean;
  suspended: boolean;
  failures: number;
  pinChangeRecommended: boolean;
  certWindowClosesAt: string;
  token: { serial: string; assignedAt: string | null } | null;
  certificate: { cn: string; serialHex: string; notAfter: string; status: "VALID" | "EXPIRING_SOON" | "SUSPENDED" | "REVOKED" | "EXPIRED" } | null;
}

const LIMITED = ["TRANSFER", "FILE_TRANSFER"] as const;
const CERT_STATUS: Record<NonNullable<UserView["certificate"]>["status"], TextKey> = {
  VALID: "statusValid",
  EXPIRING_SOON: "statusExpiring",
  SUSPENDED: "certSuspended",
  REVOKED: "certRevoked",
  EXPIRED: "statusExpired",
};

const usersBase = (inst: Institution): string => `/portal/${inst.code}/admin/users`;
/** One user's pages (singular, so a user ID "new" never collides with 新規登録). */
const userPage = (inst: Institution, userId: string): string => `/portal/${inst.code}/admin/user/${encodeURIComponent(userId)}`;
const userUrl = (userId: string): string => `${ADMIN_API}/users/${encodeURIComponent(userId)}`;

function Badges(props: { u: UserView }): JSX.Element {
  const u = props.u;
  return (
    <ul class="badges">
      <li class={u.activated ? "badge" : "badge badge-warn"}>{u.activated ? t("userActivated") : t("userNotActivated")}</li>
      {u.suspended ? <li class="badge badge-error">{t("userSuspended")}</li> : null}
      <li class={u.certificate && (u.certificate.status === "VALID" || u.certificate.status === "EXPIRING_SOON") ? "badge" : "badge badge-warn"}>
        {t("userCert")}：{u.certificate ? t(CERT_STATUS[u.certificate.status]) : t("none")}
      </li>
      <li class="badge">
        {t("token")}：{u.token?.serial ?? t("none")}
      </li>
    </ul>
  );
}

export function AdminUsers(props: { inst: Institution }): JSX.Element {
  const { inst } = props;
  const { data, error } = useLoaded(() => get<{ users: UserView[]; max: number }>(`${ADMIN_API}/users`));
  if (error) return <ErrorView error={error} inst={inst} />;
  if (!data) return <Loading />;
  return (
    <Screen title={t("menuUsers")} lead={t("usersLead", { n: data.users.length, max: data.max })} wide>
      <Actions>
        <a class="btn btn-primary" href={`${usersBase(inst)}/new`}>
          {t("userNew")}
        </a>
        <a class="btn" href={`/portal/${inst.code}/admin/status`}>
          {t("toStatus")}
        </a>
      </Actions>
      {data.users.length === 0 ? <p>{t("noUsers")}</p> : null}
      <ul class="user-cards">
        {data.users.map((u) => (
          <li class="user-card" key={u.userId}>
            <h2>
              <a href={userPage(inst, u.userId)}>
                <span class="mono">{u.userId}</span> {u.nameKanji ?? u.nameKana}
              </a>
            </h2>
            <Badges u={u} />
          </li>
        ))}
      </ul>
    </Screen>
  );
}

/** h. and i.: the contracted services as checkboxes, a limit for the amount-bearing ones. */
function PermissionFields(props: {
  contracted: readonly string[];
  permissions: readonly string[];
  limits: Record<string, string>;
  onToggle: (code: string, on: boolean) => void;
  onLimit: (code: string, v: string) => void;
  error: ReturnType<typeof useAction>["error"];
}): JSX.Element {
  return (
    <>
      <fieldset class="checks">
        <legend>h. {t("permissions")}</legend>
        {props.contracted.map((code) => (
          <label class="check" key={code}>
            <input type="checkbox" name={`permission-${code}`} checked={props.permissions.includes(code)} onChange={(e) => props.onToggle(code, e.currentTarget.checked)} />
            {serviceName(code)}
          </label>
        ))}
      </fieldset>
      {LIMITED.filter((c) => props.contracted.includes(c)).map((code) => (
        <Field
          key={code}
          name={`serviceLimits.${code}`}
          label={`i. ${t("limitFor", { service: serviceName(code) })}`}
          hint={t("limitHint")}
          value={props.limits[code] ?? ""}
          onInput={(e) => props.onLimit(code, e.currentTarget.value)}
          inputMode="numeric"
          maxLength={16}
          error={props.error}
        />
      ))}
    </>
  );
}

const limitsBody = (limits: Record<string, string>, contracted: readonly string[]): Record<string, string | null> =>
  Object.fromEntries(LIMITED.filter((c) => contracted.includes(c)).map((c) => [c, limits[c]?.replace(/[,，\s]/g, "") ? limits[c]!.replace(/[,，\s]/g, "") : null]));

function AfterAdminOperation(): JSX.Element {
  return (
    <Notice kind="warn">
      <p>{seed("MSG-J19")}</p>
    </Notice>
  );
}

export function AdminUserNew(props: { inst: Institution }): JSX.Element {
  const { inst } = props;
  const status = useLoaded(() => get<AdminStatus>(`${ADMIN_API}/status`));
  const action = useAction();
  const f = useFields({ userId: "", nameKana: "", nameKanji: "", tempLoginPin: "", tempConfirmPin: "", email: "", confirmPin: "" });
  const [certIssuable, setCertIssuable] = useState(true);
  const [permissions, setPermissions] = useState<string[] | undefined>(undefined);
  const [limits, setLimits] = useState<Record<string, string>>({});
  const [done, setDone] = useState<{ userId: string; messages: ScreenMessage[] } | undefined>(undefined);

  if (status.error) return <ErrorView error={status.error} inst={inst} />;
  if (action.error?.terminal) return <ErrorView error={action.error} inst={inst} />;
  if (!status.data) return <Loading />;
  const contracted = status.data.contractedServices;
  const perms = permissions ?? contracted;

  if (done)
    return (
      <Screen title={done.messages.find((m) => m.id === "MSG-J04")?.text ?? seed("MSG-J04")}>
        <Notice kind="success" live>
          <p>{t("userRegisteredTell")}</p>
        </Notice>
        <Facts
          rows={[
            [t("contractId"), <span class="mono">{status.data.contractId}</span>],
            [t("userId"), <span class="mono">{done.userId}</span>],
          ]}
        />
        <p>{t("userRegisteredPins")}</p>
        <AfterAdminOperation />
        <Actions>
          <a class="btn btn-primary" href={usersBase(inst)}>
            {t("menuUsers")}
          </a>
          <a class="btn" href={`${usersBase(inst)}/new`}>
            {t("userNewAnother")}
          </a>
          <a class="btn" href={`/portal/${inst.code}/admin/logoff`}>
            {t("actLogoff")}
          </a>
        </Actions>
      </Screen>
    );

  return (
    <Screen title={t("userNew")} lead={t("userNewLead")}>
      <Form
        busy={action.busy}
        error={action.error}
        onSubmit={() =>
          action.run(async () => {
            const r = await post<{ user: UserView; messages: ScreenMessage[] }>(`${ADMIN_API}/users`, {
              userId: f.values.userId.trim(),
              nameKana: f.values.nameKana.trim(),
              nameKanji: f.values.nameKanji.trim() || null,
              tempLoginPin: f.values.tempLoginPin,
              tempConfirmPin: f.values.tempConfirmPin,
              email: f.values.email.trim() || null,
              certIssuable,
              permissions: perms,
              serviceLimits: limitsBody(limits, contracted),
              confirmPin: f.values.confirmPin,
            });
            f.reset();
            setDone({ userId: r.user.userId, messages: r.messages });
          })
        }
      >
        <Field {...f.bind("userId")} label={`a. ${t("userId")}`} hint={t("userIdHint")} maxLength={30} required error={action.error} />
        <Field {...f.bind("nameKana")} label={`b. ${t("nameKana")}`} hint={t("nameKanaHint")} maxLength={30} required error={action.error} />
        <Field {...f.bind("nameKanji")} label={`c. ${t("nameKanji")}`} maxLength={30} error={action.error} />
        <PinField {...f.bind("tempLoginPin")} label={`d. ${t("userLoginPinTemp")}`} hint={t("tempPinRuleHint")} maxLength={12} error={action.error} autoComplete="new-password" />
        <PinField {...f.bind("tempConfirmPin")} label={`e. ${t("userConfirmPinTemp")}`} hint={t("tempPinRuleHint")} maxLength={12} error={action.error} autoComplete="new-password" />
        <Field {...f.bind("email")} label={`f. ${t("userEmail")}`} type="email" inputMode="email" size="long" maxLength={254} error={action.error} />
        <fieldset class="checks">
          <legend>g. {t("certIssuable")}</legend>
          <label class="check">
            <input type="checkbox" name="certIssuable" checked={certIssuable} onChange={(e) => setCertIssuable(e.currentTarget.checked)} />
            {t("certIssuableLabel")}
          </label>
        </fieldset>
        <PermissionFields
          contracted={contracted}
          permissions={perms}
          limits={limits}
          onToggle={(code, on) => setPermissions(on ? [...perms, code] : perms.filter((p) => p !== code))}
          onLimit={(code, v) => setLimits({ ...limits, [code]: v })}
          error={action.error}
        />
        <PinField {...f.bind("confirmPin")} label={`j. ${t("adminConfirmPin")}`} maxLength={12} error={action.error} />
        <Actions>
          <Submit busy={action.busy}>{t("register")}</Submit>
          <a class="btn" href={usersBase(inst)}>
            {t("back")}
          </a>
        </Actions>
      </Form>
    </Screen>
  );
}

export function AdminUserDetail(props: { inst: Institution; userId: string }): JSX.Element {
  const { inst, userId } = props;
  const { data, error } = useLoaded(() => get<UserView>(userUrl(userId)), [userId]);
  if (error) return <ErrorView error={error} inst={inst} />;
  if (!data) return <Loading />;
  const u = data;
  const base = userPage(inst, u.userId);
  const tz = inst.timeZone;
  return (
    <Screen title={t("userDetailTitle", { userId: u.userId })} wide>
      <Badges u={u} />
      <div class="columns">
        <Facts
          rows={[
            [t("nameKana"), u.nameKana],
            [t("nameKanji"), u.nameKanji ?? "—"],
            [t("userEmail"), u.email ?? "—"],
            [t("certIssuable"), u.certIssuable ? t("yes") : t("no")],
            [t("permissions"), u.permissions.map(serviceName).join("、") || "—"],
            [t("limits"), Object.entries(u.serviceLimits).map(([k, v]) => `${serviceName(k)} ${t("yen", { amount: v.toLocaleString() })}`).join("、") || "—"],
            [t("userCert"), u.certificate ? `${u.certificate.cn}（${t(CERT_STATUS[u.certificate.status])}、${formatDateTime(u.certificate.notAfter, tz)}）` : `${t("none")}（${t("certWindowUntil", { date: formatDateTime(u.certWindowClosesAt, tz) })}）`],
            [t("failures"), String(u.failures)],
          ]}
        />
        <nav class="menu" aria-label={t("userActions")}>
          <h2>{t("userActions")}</h2>
          <ul>
            <li>
              <a href={`${base}/change`}>{t("change")}</a>
            </li>
            <li>
              <a href={`${base}/reset-pins`}>{t("resetPins")}</a>
            </li>
            <li>
              <a href={`${base}/reissue`}>{t("reissue")}</a>
            </li>
            {u.suspended ? (
              <li>
                <a href={`${base}/release`}>{t("releaseSuspension")}</a>
              </li>
            ) : null}
            <li>{u.token ? <a href={`${base}/token-unassign`}>{t("tokenUnassign")}</a> : <a href={`${base}/token`}>{t("tokenAssign")}</a>}</li>
            <li>
              <a href={`${base}/delete`}>{t("deleteUser")}</a>
            </li>
            <li>
              <a href={usersBase(inst)}>{t("menuUsers")}</a>
            </li>
          </ul>
        </nav>
      </div>
    </Screen>
  );
}

/** One operation on a user, authorised with the admin confirmation PIN. */
function Confirmed(props: {
  inst: Institution;
  userId: string;
  title: string;
  lead?: string;
  warn?: string;
  path: string;
  body?: () => Record<string, unknown>;
  fields?: (error: ReturnType<typeof useAction>["error"]) => ComponentChildren;
  submit: string;
  done: string;
  danger?: boolean;
  onDone?: () => void;
}): JSX.Element {
  const { inst } = props;
  const action = useAction();
  const pin = useFields({ confirmPin: "" });
  const [done, setDone] = useState(false);
  const detail = userPage(inst, props.userId);
  if (action.error?.terminal) return <ErrorView error={action.error} inst={inst} />;
  if (done)
    return (
      <Screen title={props.title}>
        <Notice kind="success" live>
          <p>{props.done}</p>
        </Notice>
        <AfterAdminOperation />
        <Actions>
          <a class="btn btn-primary" href={props.path === "delete" ? usersBase(inst) : detail}>
            {props.path === "delete" ? t("menuUsers") : t("backToUser")}
          </a>
        </Actions>
      </Screen>
    );
  return (
    <Screen title={props.title} lead={props.lead}>
      {props.warn ? (
        <Notice kind="warn">
          <p>{props.warn}</p>
        </Notice>
      ) : null}
      <Form
        busy={action.busy}
        error={action.error}
        onSubmit={() =>
          action.run(async () => {
            try {
              await post(`${userUrl(props.userId)}/${props.path}`, { ...(props.body?.() ?? {}), confirmPin: pin.values.confirmPin });
            } finally {
              pin.reset();
            }
            props.onDone?.();
            setDone(true);
          })
        }
      >
        {props.fields?.(action.error)}
        <PinField {...pin.bind("confirmPin")} label={t("adminConfirmPin")} maxLength={12} error={action.error} />
        <Actions>
          <button type="submit" class={props.danger ? "btn btn-primary btn-danger-fill" : "btn btn-primary"} aria-disabled={action.busy ? "true" : undefined}>
            {action.busy ? t("processing") : props.submit}
          </button>
          <a class="btn" href={detail}>
            {t("back")}
          </a>
        </Actions>
      </Form>
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
  const { inst, u, contracted } = props;
  const f = useFields({ nameKana: u.nameKana, nameKanji: u.nameKanji ?? "", email: u.email ?? "" });
  const [certIssuable, setCertIssuable] = useState(u.certIssuable);
  const [permissions, setPermissions] = useState<string[]>(u.permissions);
  const [limits, setLimits] = useState<Record<string, string>>(Object.fromEntries(Object.entries(u.serviceLimits).map(([k, v]) => [k, String(v)])));
  return (
    <Confirmed
      inst={inst}
      userId={u.userId}
      title={t("userChangeTitle", { userId: u.userId })}
      path="change"
      submit={t("change")}
      done={t("userChanged")}
      body={() => ({
        nameKana: f.values.nameKana.trim(),
        nameKanji: f.values.nameKanji.trim() || null,
        email: f.values.email.trim() || null,
        certIssuable,
        permissions,
        serviceLimits: limitsBody(limits, contracted),
      })}
      fields={(error) => (
        <>
          <Field {...f.bind("nameKana")} label={`b. ${t("nameKana")}`} hint={t("nameKanaHint")} maxLength={30} required error={error} />
          <Field {...f.bind("nameKanji")} label={`c. ${t("nameKanji")}`} maxLength={30} error={error} />
          <Field {...f.bind("email")} label={`f. ${t("userEmail")}`} type="email" inputMode="email" size="long" maxLength={254} error={error} />
          <fieldset class="checks">
            <legend>g. {t("certIssuable")}</legend>
            <label class="check">
              <input type="checkbox" name="certIssuable" checked={certIssuable} onChange={(e) => setCertIssuable(e.currentTarget.checked)} />
              {t("certIssuableLabel")}
            </label>
          </fieldset>
          <PermissionFields
            contracted={contracted}
            permissions={permissions}
            limits={limits}
            onToggle={(code, on) => setPermissions(on ? [...permissions, code] : permissions.filter((p) => p !== code))}
            onLimit={(code, v) => setLimits({ ...limits, [code]: v })}
            error={error}
          />
        </>
      )}
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
  return <Confirmed inst={props.inst} userId={props.userId} title={`${spec.title}（${props.userId}）`} warn={spec.lead} path={spec.path} submit={spec.submit} done={spec.done} danger={spec.danger} />;
}

export function AdminUserToken(props: { inst: Institution; userId: string }): JSX.Element {
  const f = useFields({ serial: "", otp: "", nextOtp: "" });
  const digits = props.inst.tokenOtpDigits;
  return (
    <Confirmed
      inst={props.inst}
      userId={props.userId}
      title={`${t("tokenAssign")}（${props.userId}）`}
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
