/**
 * ご契約先認証情報変更 (SPEC §8.14): ご契約先暗証番号変更, ご契約先確認暗証番号変更 (the
 * current PIN and the new one twice) and 管理者Eメールアドレス変更 (authorised with the
 * confirmation PIN). Each change mails the admin; PIN advice (R-PIN-3, R-PIN-8) is shown.
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { ADMIN_API, post } from "../api.js";
import { t } from "../i18n.js";
import type { Advice, Institution } from "../model.js";
import { Actions, ErrorView, Field, Form, Notice, PinField, Screen, Submit, useAction, useFields } from "../ui.js";
import { AdviceList } from "./activation.js";

export function PinChangeForm(props: {
  inst: Institution;
  title: string;
  url: string;
  backHref: string;
  /** Format hint of the new PIN. */
  hint: string;
}): JSX.Element {
  const action = useAction();
  const f = useFields({ currentPin: "", newPin: "", newPinAgain: "" });
  const [done, setDone] = useState<Advice[] | undefined>(undefined);
  if (action.error?.terminal) return <ErrorView error={action.error} inst={props.inst} />;
  if (done)
    return (
      <Screen title={props.title}>
        <Notice kind="success" live>
          <p>{t("pinChanged")}</p>
        </Notice>
        <AdviceList advice={done} />
        <Actions>
          <a class="btn btn-primary" href={props.backHref}>
            {t("toStatus")}
          </a>
        </Actions>
      </Screen>
    );
  return (
    <Screen title={props.title}>
      <Form
        busy={action.busy}
        error={action.error}
        onSubmit={() =>
          action.run(async () => {
            const r = await post<{ advice: Advice[] }>(props.url, f.values);
            f.reset();
            setDone(r.advice);
          })
        }
      >
        <PinField {...f.bind("currentPin")} label={t("currentPin")} maxLength={12} error={action.error} autoComplete="current-password" />
        <PinField {...f.bind("newPin")} label={t("newPin")} hint={props.hint} maxLength={12} error={action.error} autoComplete="new-password" />
        <PinField {...f.bind("newPinAgain")} label={t("newPinAgain")} maxLength={12} error={action.error} autoComplete="new-password" />
        <Actions>
          <Submit busy={action.busy}>{t("change")}</Submit>
          <a class="btn" href={props.backHref}>
            {t("back")}
          </a>
        </Actions>
      </Form>
    </Screen>
  );
}

export function AdminPinChange(props: { inst: Institution; which: "login-pin" | "confirm-pin" }): JSX.Element {
  const back = `/portal/${props.inst.code}/admin/status`;
  return (
    <PinChangeForm
      key={props.which}
      inst={props.inst}
      title={props.which === "login-pin" ? t("menuLoginPin") : t("menuConfirmPin")}
      url={`${ADMIN_API}/settings/${props.which}`}
      backHref={back}
      hint={t("pinRuleHint")}
    />
  );
}

export function EmailChangeForm(props: { inst: Institution; title: string; url: string; backHref: string; pinLabel: string }): JSX.Element {
  const action = useAction();
  const f = useFields({ email: "", confirmPin: "" });
  const [done, setDone] = useState<string | undefined>(undefined);
  if (action.error?.terminal) return <ErrorView error={action.error} inst={props.inst} />;
  if (done)
    return (
      <Screen title={props.title}>
        <Notice kind="success" live>
          <p>{t("emailChanged", { email: done })}</p>
        </Notice>
        <Actions>
          <a class="btn btn-primary" href={props.backHref}>
            {t("toStatus")}
          </a>
        </Actions>
      </Screen>
    );
  return (
    <Screen title={props.title}>
      <Form
        busy={action.busy}
        error={action.error}
        onSubmit={() =>
          action.run(async () => {
            const r = await post<{ email: string }>(props.url, { email: f.values.email.trim(), confirmPin: f.values.confirmPin });
            f.reset();
            setDone(r.email);
          })
        }
      >
        <Field {...f.bind("email")} label={t("newEmail")} type="email" inputMode="email" autoComplete="email" size="long" maxLength={254} required error={action.error} />
        <PinField {...f.bind("confirmPin")} label={props.pinLabel} maxLength={12} error={action.error} />
        <Actions>
          <Submit busy={action.busy}>{t("change")}</Submit>
          <a class="btn" href={props.backHref}>
            {t("back")}
          </a>
        </Actions>
      </Form>
    </Screen>
  );
}

export function AdminEmailChange(props: { inst: Institution }): JSX.Element {
  return <EmailChangeForm inst={props.inst} title={t("menuEmail")} url={`${ADMIN_API}/settings/email`} backHref={`/portal/${props.inst.code}/admin/status`} pinLabel={t("adminConfirmPin")} />;
}
