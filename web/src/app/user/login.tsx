/**
 * 利用者ログオン (F-USR-LOGIN, SPEC §8.12) and, the first time, 利用者開通確認 (F-USR-ACT,
 * §8.11): certificate selection, the signed challenge, the login PIN (the temporary one before
 * activation; MSG-J08 when wrong, MSG-J09 on the limit), then either the activation screen
 * (temporary and new PINs, the e-mail address when none is known) or 利用者ステータス.
 */
import type { JSX } from "preact";
import { post, USER_API } from "../api.js";
import { seed, t } from "../i18n.js";
import type { Advice, Institution, ScreenMessage, UserActivationView } from "../model.js";
import { useAuthSteps } from "../auth-failed.js";
import { navigate } from "../router.js";
import { PinStep, PortalCertificateStep, portalCertificateHref, refusedCertificateLink } from "../../ui/login.js";
import { Actions, AdviceList, EmailField, ErrorView, ActionForm, LinkButton, Notice, PinField, Screen, useAction, useFields } from "../ui.js";
import { rememberLoginCertificate } from "./session.js";

type Stage =
  | { at: "pick" }
  | { at: "pin"; company: string; cn: string; userId: string; activationRequired: boolean }
  | { at: "activation"; view: UserActivationView }
  | { at: "activated"; messages: ScreenMessage[]; advice: Advice[] };

export function UserLogin(props: { inst: Institution }): JSX.Element {
  const { inst } = props;
  // Certificate → PIN is a history step; a wrong PIN (MSG-J06/J08) gets a page of its own from
  // which Back returns to the PIN; steps the server cannot redo replace their entry.
  const steps = useAuthSteps<Stage>({ at: "pick" }, (next) => next.at === "pin");
  const { step: stage, go: setStage, authFailed } = steps;
  const action = useAction();
  const f = useFields({ tempLoginPin: "", newLoginPin: "", tempConfirmPin: "", newConfirmPin: "", email: "" });
  const status = `/portal/${inst.code}/user/status`;
  const certificateHref = portalCertificateHref(inst, "user");

  if (action.error?.terminal) return <ErrorView error={action.error} inst={inst} links={refusedCertificateLink(action.error, certificateHref)} />;

  if (steps.page) return steps.page;

  if (stage.at === "pick")
    return (
      <PortalCertificateStep<{ companyName: string; cn: string; userId: string; activationRequired: boolean }>
        inst={inst}
        role="user"
        api={USER_API}
        action={action}
        onSigned={(r, c) => {
          rememberLoginCertificate(c.id);
          setStage({ at: "pin", company: r.companyName, cn: r.cn, userId: r.userId, activationRequired: r.activationRequired });
        }}
      />
    );

  if (stage.at === "pin")
    return (
      <PinStep
        lead={t("loginAs", { company: stage.company, cn: stage.cn })}
        label={stage.activationRequired ? t("userLoginPinTemp") : t("userLoginPin")}
        notice={
          stage.activationRequired ? (
            <Notice>
              <p>{t("userFirstLogonNotice")}</p>
            </Notice>
          ) : null
        }
        action={action}
        onPin={async (pin) => {
          const r = await post<{ stage: "FULL" | "ACTIVATION"; activation?: UserActivationView }>(`${USER_API}/login/pin`, { pin }).catch(authFailed);
          if (r.stage === "ACTIVATION" && r.activation) {
            f.set("tempLoginPin", pin);
            setStage({ at: "activation", view: r.activation });
          } else navigate(status);
        }}
      />
    );

  if (stage.at === "activation") {
    const v = stage.view;
    return (
      <Screen title={t("userActivationTitle")} lead={t("userActivationLead", { company: v.companyName, userId: v.userId })}>
        <Notice kind="warn">
          <p>{t("userActivationSecret")}</p>
        </Notice>
        <ActionForm
          action={action}
          submit={t("ok")}
          onSubmit={async () => {
            const r = await post<{ messages: ScreenMessage[]; advice: Advice[] }>(`${USER_API}/activation`, {
              tempLoginPin: f.values.tempLoginPin,
              newLoginPin: f.values.newLoginPin,
              tempConfirmPin: f.values.tempConfirmPin,
              newConfirmPin: f.values.newConfirmPin,
              ...(f.values.email.trim() ? { email: f.values.email.trim() } : {}),
            });
            f.reset();
            setStage({ at: "activated", messages: r.messages, advice: r.advice });
          }}
        >
          <PinField {...f.bind("tempLoginPin")} label={`a. ${t("userLoginPinTemp")}`} maxLength={12} error={action.error} />
          <PinField {...f.bind("newLoginPin")} label={`b. ${t("newUserLoginPin")}`} hint={t("pinRuleHint")} maxLength={12} error={action.error} autoComplete="new-password" />
          <PinField {...f.bind("tempConfirmPin")} label={`c. ${t("userConfirmPinTemp")}`} maxLength={12} error={action.error} />
          <PinField {...f.bind("newConfirmPin")} label={`d. ${t("newUserConfirmPin")}`} hint={t("pinRuleHint")} maxLength={12} error={action.error} autoComplete="new-password" />
          <EmailField
            {...f.bind("email")}
            label={`e. ${t("userEmail")}`}
            hint={v.currentEmail ? t("currentEmailHint", { email: v.currentEmail }) : t("emailNeededHint")}
            autoComplete="email"
            required={v.emailRequired}
            error={action.error}
          />
        </ActionForm>
      </Screen>
    );
  }

  const title = stage.messages.find((m) => m.id === "MSG-J12")?.text ?? seed("MSG-J12");
  return (
    <Screen title={title}>
      <AdviceList advice={stage.advice} />
      <Actions>
        <LinkButton primary href={status}>
          {t("userStatusTitle")}
        </LinkButton>
      </Actions>
    </Screen>
  );
}
