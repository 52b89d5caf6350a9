/**
 * The forms that change a credential after logon (SPEC §8.14): a PIN (the current one, the new one
 * twice, then the server's advice: R-PIN-3, R-PIN-8) and the e-mail address (authorised with a
 * confirmation PIN). Every PIN field is emptied once the change went through.
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { post } from "../app/api.js";
import type { ShownError } from "../app/errors.js";
import { t } from "../app/i18n.js";
import { AdviceList, type AdviceItem } from "./advice.js";
import { EmailField } from "./fields.js";
import { ActionForm, useAction, useFields } from "./form.js";
import { PinField } from "./pin.js";
import { DoneScreen, Screen } from "./screen.js";

interface ChangeProps {
  title: string;
  /** Where the change is posted. */
  url: string;
  /** The status page: where 戻る and the finished change lead. */
  backHref: string;
  /** The error page for failures that end the procedure (locks). */
  errorPage: (error: ShownError) => JSX.Element;
}

export function PinChangeForm(props: ChangeProps & { /** Format hint of the new PIN. */ hint: string }): JSX.Element {
  const action = useAction();
  const f = useFields({ currentPin: "", newPin: "", newPinAgain: "" });
  const [done, setDone] = useState<AdviceItem[] | undefined>(undefined);
  if (action.error?.terminal) return props.errorPage(action.error);
  if (done)
    return (
      <DoneScreen title={props.title} notice={<p>{t("pinChanged")}</p>} links={[[props.backHref, t("toStatus")]]}>
        <AdviceList advice={done} />
      </DoneScreen>
    );
  return (
    <Screen title={props.title}>
      <ActionForm
        action={action}
        submit={t("change")}
        back={props.backHref}
        onSubmit={async () => {
          const r = await post<{ advice: AdviceItem[] }>(props.url, f.values);
          f.reset();
          setDone(r.advice);
        }}
      >
        <PinField {...f.bind("currentPin")} label={t("currentPin")} maxLength={12} error={action.error} autoComplete="current-password" />
        <PinField {...f.bind("newPin")} label={t("newPin")} hint={props.hint} maxLength={12} error={action.error} autoComplete="new-password" />
        <PinField {...f.bind("newPinAgain")} label={t("newPinAgain")} maxLength={12} error={action.error} autoComplete="new-password" />
      </ActionForm>
    </Screen>
  );
}

export function EmailChangeForm(props: ChangeProps & { pinLabel: string }): JSX.Element {
  const action = useAction();
  const f = useFields({ email: "", confirmPin: "" });
  const [done, setDone] = useState<string | undefined>(undefined);
  if (action.error?.terminal) return props.errorPage(action.error);
  if (done) return <DoneScreen title={props.title} notice={<p>{t("emailChanged", { email: done })}</p>} links={[[props.backHref, t("toStatus")]]} />;
  return (
    <Screen title={props.title}>
      <ActionForm
        action={action}
        submit={t("change")}
        back={props.backHref}
        onSubmit={async () => {
          const r = await post<{ email: string }>(props.url, { email: f.values.email.trim(), confirmPin: f.values.confirmPin });
          f.reset();
          setDone(r.email);
        }}
      >
        <EmailField {...f.bind("email")} label={t("newEmail")} autoComplete="email" required error={action.error} />
        <PinField {...f.bind("confirmPin")} label={props.pinLabel} maxLength={12} error={action.error} />
      </ActionForm>
    </Screen>
  );
}
