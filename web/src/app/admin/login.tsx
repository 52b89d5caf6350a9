/**
 * 管理者ログオン (F-ADM-LOGIN, SPEC §8.3): certificate selection, the signed challenge, the
 * contract PIN (MSG-J06 when wrong, MSG-J07 and the error page on the 7th), then the customer
 * card's positions, then ご契約先ステータス.
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { ADMIN_API, get, post } from "../api.js";
import { signChallenge } from "../certs.js";
import { t } from "../i18n.js";
import type { CardChallenge, Challenge, Institution } from "../model.js";
import { CertificatePicker } from "../picker.js";
import { navigate } from "../router.js";
import { Actions, CardOtpField, ErrorView, Form, PinField, Screen, Submit, useAction, useFields } from "../ui.js";

type Stage = { at: "pick" } | { at: "pin"; company: string; cn: string } | { at: "card"; company: string; cn: string; card: CardChallenge };

export function AdminLogin(props: { inst: Institution }): JSX.Element {
  const { inst } = props;
  const [stage, setStage] = useState<Stage>({ at: "pick" });
  const action = useAction();
  const f = useFields({ pin: "", answer: "" });

  if (action.error?.terminal)
    return (
      <ErrorView
        error={action.error}
        inst={inst}
        links={
          action.error.code === "CERT_REVOKED" || action.error.code === "CERT_UNKNOWN" ? (
            <a class="btn btn-primary" href={`/portal/${inst.code}/admin/certificate`}>
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
          role="admin"
          busy={action.busy}
          error={action.error}
          onPick={(c) =>
            action.run(async () => {
              const ch = await post<Challenge>(`${ADMIN_API}/login/challenge`, { institutionCode: inst.code });
              const r = await post<{ companyName: string; cn: string }>(`${ADMIN_API}/login/certificate`, await signChallenge(c.id, ch));
              setStage({ at: "pin", company: r.companyName, cn: r.cn });
            })
          }
          onNone={() => (
            <Actions>
              <a class="btn btn-primary" href={`/portal/${inst.code}/admin/certificate`}>
                {t("actCertificate")}
              </a>
              <a class="btn" href={`/portal/${inst.code}/admin`}>
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
        <Form
          busy={action.busy}
          error={action.error}
          onSubmit={() =>
            action.run(async () => {
              try {
                const r = await post<{ card: CardChallenge }>(`${ADMIN_API}/login/pin`, { pin: f.values.pin });
                setStage({ ...stage, at: "card", card: r.card });
              } finally {
                f.set("pin", "");
              }
            })
          }
        >
          <PinField {...f.bind("pin")} label={t("adminLoginPin")} maxLength={12} error={action.error} autoComplete="current-password" />
          <Actions>
            <Submit busy={action.busy}>{t("actLogon")}</Submit>
          </Actions>
        </Form>
      </Screen>
    );

  return (
    <Screen title={t("cardTitle")} lead={t("loginAs", { company: stage.company, cn: stage.cn })}>
      <Form
        busy={action.busy}
        error={action.error}
        onSubmit={() =>
          action.run(async () => {
            try {
              await post(`${ADMIN_API}/login/card`, { answer: f.values.answer });
              navigate(`/portal/${inst.code}/admin/status`);
            } catch (e) {
              f.set("answer", "");
              const s = await get<{ card?: CardChallenge }>(`${ADMIN_API}/login`).catch(() => undefined);
              if (s?.card) setStage({ ...stage, card: s.card });
              throw e;
            }
          })
        }
      >
        <CardOtpField {...f.bind("answer")} label={stage.card.label} positions={stage.card.positions.length} error={action.error} />
        <Actions>
          <Submit busy={action.busy}>{t("ok")}</Submit>
        </Actions>
      </Form>
    </Screen>
  );
}
