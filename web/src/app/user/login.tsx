/**
 * 利用者ログオン (F-USR-LOGIN, SPEC §8.12) and, the first time, 利用者開通確認 (F-USR-ACT,
 * §8.11): certificate selection, the signed challenge, the login PIN (the temporary one before
 * activation; MSG-J08 when wrong, MSG-J09 on the limit), then either the activation screen
 * (temporary and new PINs, the e-mail address when none is known) or 利用者ステータス.
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { post, USER_API } from "../api.js";
import { signChallenge } from "../certs.js";
import { seed, t } from "../i18n.js";
import type { Advice, Challenge, Institution, ScreenMessage, UserActivationView } from "../model.js";
import { CertificatePicker } from "../picker.js";
import { navigate } from "../router.js";
import { Actions, ErrorView, Field, Form, Notice, PinField, Screen, Submit, useAction, useFields } from "../ui.js";
import { AdviceList } from "../admin/activation.js";
import { rememberLoginCertificate } from "./session.js";

type Stage =
  | { at: "pick" }
  | { at: "pin"; company: string; cn: string; userId: string; activationRequired: boolean }
  | { at: "activation"; view: UserActivationView }
  | { at: "activated"; messages: ScreenMessage[]; advice: Advice[] };

export function UserLogin(props: { inst: Institution }): JSX.Element {
  const { inst } = props;
  const [stage, setStage] = useState<Stage>({ at: "pick" });
  const action = useAction();
  const f = useFields({ pin: "", tempLoginPin: "", newLoginPin: "", tempConfirmPin: "", newConfirmPin: "", email: "" });
  const status = `/portal/${inst.code}/user/status`;

  if (action.error?.terminal)
    return (
      <ErrorView
        error={action.error}
        inst={inst}
        links={
          action.error.code === "CERT_REVOKED" || action.error.code === "CERT_UNKNOWN" ? (
            <a class="btn btn-primary" href={`/portal/${inst.code}/user/certificate`}>
              {t("actCertificate")}
            </a>
          ) : null
        }
      />
    );

  if (stage.at === "pick")
    return (
      <Screen title={t("pickTitle")}>
        <CertificatePicker
          inst={inst}
          role="user"
          busy={action.busy}
          error={action.error}
          onPick={(c) =>
            action.run(async () => {
              const ch = await post<Challenge>(`${USER_API}/login/challenge`, { institutionCode: inst.code });
              const r = await post<{ companyName: string; cn: string; userId: string; activationRequired: boolean }>(`${USER_API}/login/certificate`, await signChallenge(c.id, ch));
              rememberLoginCertificate(c.id);
              setStage({ at: "pin", company: r.companyName, cn: r.cn, userId: r.userId, activationRequired: r.activationRequired });
            })
          }
          onNone={() => (
            <Actions>
              <a class="btn btn-primary" href={`/portal/${inst.code}/user/certificate`}>
                {t("actCertificate")}
              </a>
              <a class="btn" href={`/portal/${inst.code}/user`}>
                {t("back")}
              </a>
            </Actions>
          )}
        />
      </Screen>
    );

  if (stage.at === "pin")
    return (
      <Screen title={t("pinTitle")} lead={t("loginAs", { company: stage.company, cn: stage.cn })}>
        {stage.activationRequired ? (
          <Notice>
            <p>{t("userFirstLogonNotice")}</p>
          </Notice>
        ) : null}
        <Form
          busy={action.busy}
          error={action.error}
          onSubmit={() =>
            action.run(async () => {
              try {
                const r = await post<{ stage: "FULL" | "ACTIVATION"; activation?: UserActivationView }>(`${USER_API}/login/pin`, { pin: f.values.pin });
                if (r.stage === "ACTIVATION" && r.activation) {
                  f.set("tempLoginPin", f.values.pin);
                  setStage({ at: "activation", view: r.activation });
                } else navigate(status);
              } finally {
                f.set("pin", "");
              }
            })
          }
        >
          <PinField {...f.bind("pin")} label={stage.activationRequired ? t("userLoginPinTemp") : t("userLoginPin")} maxLength={12} error={action.error} autoComplete="current-password" />
          <Actions>
            <Submit busy={action.busy}>{t("actLogon")}</Submit>
          </Actions>
        </Form>
      </Screen>
    );

  if (stage.at === "activation") {
    const v = stage.view;
    return (
      <Screen title={t("userActivationTitle")} lead={t("userActivationLead", { company: v.companyName, userId: v.userId })}>
        <Notice kind="warn">
          <p>{t("userActivationSecret")}</p>
        </Notice>
        <Form
          busy={action.busy}
          error={action.error}
          onSubmit={() =>
            action.run(async () => {
              const r = await post<{ messages: ScreenMessage[]; advice: Advice[] }>(`${USER_API}/activation`, {
                tempLoginPin: f.values.tempLoginPin,
                newLoginPin: f.values.newLoginPin,
                tempConfirmPin: f.values.tempConfirmPin,
                newConfirmPin: f.values.newConfirmPin,
                ...(f.values.email.trim() ? { email: f.values.email.trim() } : {}),
              });
              f.reset();
              setStage({ at: "activated", messages: r.messages, advice: r.advice });
            })
          }
        >
          <PinField {...f.bind("tempLoginPin")} label={`a. ${t("userLoginPinTemp")}`} maxLength={12} error={action.error} />
          <PinField {...f.bind("newLoginPin")} label={`b. ${t("newUserLoginPin")}`} hint={t("pinRuleHint")} maxLength={12} error={action.error} autoComplete="new-password" />
          <PinField {...f.bind("tempConfirmPin")} label={`c. ${t("userConfirmPinTemp")}`} maxLength={12} error={action.error} />
          <PinField {...f.bind("newConfirmPin")} label={`d. ${t("newUserConfirmPin")}`} hint={t("pinRuleHint")} maxLength={12} error={action.error} autoComplete="new-password" />
          <Field
            {...f.bind("email")}
            label={`e. ${t("userEmail")}`}
            hint={v.currentEmail ? t("currentEmailHint", { email: v.currentEmail }) : t("emailNeededHint")}
            type="email"
            inputMode="email"
            autoComplete="email"
            size="long"
            maxLength={254}
            required={v.emailRequired}
            error={action.error}
          />
          <Actions>
            <Submit busy={action.busy}>{t("ok")}</Submit>
          </Actions>
        </Form>
      </Screen>
    );
  }

  const title = stage.messages.find((m) => m.id === "MSG-J12")?.text ?? seed("MSG-J12");
  return (
    <Screen title={title}>
      <AdviceList advice={stage.advice} />
      <Actions>
        <a class="btn btn-primary" href={status}>
          {t("userStatusTitle")}
        </a>
      </Actions>
    </Screen>
  );
}
