/**
 * 開通確認 (F-ADM-ACT, SPEC §8.1): contract ID + the 4-digit registration PIN, then the new
 * PINs and the e-mail address (MSG-J10 reminds them to keep the PINs), then the customer card's
 * positions ("イ・カ"), then MSG-J01/MSG-J02 and on to certificate acquisition.
 */
import type { JSX } from "preact";
import { ADMIN_API, get, post } from "../api.js";
import { seed, t } from "../i18n.js";
import type { Advice, CardChallenge, Institution, ScreenMessage } from "../model.js";
import { useAuthSteps } from "../auth-failed.js";
import { CardStep } from "../../ui/login.js";
import { Actions, AdviceList, EmailField, ErrorView, Field, ActionForm, LinkButton, Notice, PinField, Screen, useAction, useFields } from "../ui.js";

type Step = { at: "start" } | { at: "credentials"; company: string } | { at: "card"; company: string; card: CardChallenge; advice: Advice[] } | { at: "done"; messages: ScreenMessage[]; advice: Advice[] };

export function AdminActivation(props: { inst: Institution }): JSX.Element {
  const { inst } = props;
  // The server's activation moves on at every step: each replaces the last in the history, except
  // MSG-J06's page, from which Back (the browser's or 戻る) returns to the filled-in first form.
  const steps = useAuthSteps<Step>({ at: "start" });
  const { step, go: setStep } = steps;
  const action = useAction();
  const f = useFields({ contractId: "", registrationPin: "", registrationPinAgain: "", loginPin: "", confirmPin: "", email: "" });
  const total = 3;

  if (action.error?.terminal) return <ErrorView error={action.error} inst={inst} />;
  if (steps.page) return steps.page;

  if (step.at === "start")
    return (
      <Screen title={t("activationTitle")} lead={t("activationStep1")}>
        <p class="step">{t("stepOf", { n: 1, total })}</p>
        <ActionForm
          action={action}
          submit={t("next")}
          back={`/portal/${inst.code}/admin`}
          onSubmit={async () => {
            const r = await post<{ companyName: string }>(`${ADMIN_API}/activation/start`, {
              institutionCode: inst.code,
              contractId: f.values.contractId.trim(),
              registrationPin: f.values.registrationPin,
            }).catch(steps.authFailed);
            f.set("registrationPinAgain", "");
            setStep({ at: "credentials", company: r.companyName });
          }}
        >
          <Field {...f.bind("contractId")} label={t("contractId")} hint={t("contractIdHint", { length: inst.contractIdLength })} inputMode="numeric" size="medium" maxLength={inst.contractIdLength} required error={action.error} />
          <PinField {...f.bind("registrationPin")} label={t("registrationPin")} inputMode="numeric" size="short" maxLength={4} error={action.error} />
        </ActionForm>
      </Screen>
    );

  if (step.at === "credentials")
    return (
      <Screen title={t("activationTitle")} lead={t("activationStep2", { company: step.company })}>
        <p class="step">{t("stepOf", { n: 2, total })}</p>
        <Notice kind="warn">
          <p>{seed("MSG-J10")}</p>
        </Notice>
        <ActionForm
          action={action}
          submit={t("next")}
          onSubmit={async () => {
            const r = await post<{ card: CardChallenge; advice: Advice[] }>(`${ADMIN_API}/activation/credentials`, {
              registrationPin: f.values.registrationPinAgain,
              loginPin: f.values.loginPin,
              confirmPin: f.values.confirmPin,
              email: f.values.email.trim(),
            });
            setStep({ at: "card", company: step.company, card: r.card, advice: r.advice });
          }}
        >
          <PinField {...f.bind("registrationPinAgain")} name="registrationPin" label={`a. ${t("registrationPinAgain")}`} inputMode="numeric" size="short" maxLength={4} error={action.error} />
          <PinField {...f.bind("loginPin")} label={`b. ${t("newAdminLoginPin")}`} hint={t("pinRuleHint")} maxLength={12} error={action.error} autoComplete="new-password" />
          <PinField {...f.bind("confirmPin")} label={`c. ${t("newAdminConfirmPin")}`} hint={t("pinRuleHint")} maxLength={12} error={action.error} autoComplete="new-password" />
          <EmailField {...f.bind("email")} label={`d. ${t("adminEmail")}`} autoComplete="email" required error={action.error} />
        </ActionForm>
      </Screen>
    );

  if (step.at === "card")
    return (
      <CardStep
        title={t("activationTitle")}
        lead={t("activationStep3")}
        action={action}
        card={step.card}
        onAnswer={async (answer) => {
          const r = await post<{ messages: ScreenMessage[]; advice: Advice[] }>(`${ADMIN_API}/activation/card`, { answer });
          setStep({ at: "done", messages: r.messages, advice: [...step.advice, ...r.advice.filter((a) => !step.advice.some((b) => b.code === a.code))] });
        }}
        current={() => get<{ card?: CardChallenge }>(`${ADMIN_API}/activation`).then((s) => s.card)}
        onCard={(card) => setStep({ ...step, card })}
      >
        <p class="step">{t("stepOf", { n: 3, total })}</p>
        <AdviceList advice={step.advice} />
      </CardStep>
    );

  const title = step.messages.find((m) => m.id === "MSG-J01-TITLE")?.text ?? seed("MSG-J01-TITLE");
  return (
    <Screen title={title}>
      <Notice kind="success" live>
        {(step.messages.length ? step.messages.filter((m) => m.id !== "MSG-J01-TITLE").map((m) => m.text) : [seed("MSG-J01"), seed("MSG-J02")]).map((text) => (
          <p key={text}>{text}</p>
        ))}
      </Notice>
      <AdviceList advice={step.advice} />
      <Actions>
        <LinkButton primary href={`/portal/${inst.code}/admin/certificate`}>
          {t("activationDone")}
        </LinkButton>
      </Actions>
    </Screen>
  );
}
