/**
 * 管理者ログオン (F-ADM-LOGIN, SPEC §8.3): certificate selection, the signed challenge, the
 * contract PIN (MSG-J06 when wrong, MSG-J07 and the error page on the 7th), then the customer
 * card's positions, then ご契約先ステータス.
 */
import type { JSX } from "preact";
import { ADMIN_API, get, post } from "../api.js";
import { t } from "../i18n.js";
import type { CardChallenge, Institution } from "../model.js";
import { useAuthSteps } from "../auth-failed.js";
import { navigate } from "../router.js";
import { CardStep, PinStep, PortalCertificateStep, portalCertificateHref, refusedCertificateLink } from "../../ui/login.js";
import { ErrorView, useAction } from "../ui.js";

type Stage =
  | { at: "pick" }
  | { at: "pin"; company: string; cn: string }
  | { at: "card"; company: string; cn: string; card: CardChallenge };

export function AdminLogin(props: { inst: Institution }): JSX.Element {
  const { inst } = props;
  // Certificate → PIN is a history step; a wrong PIN (MSG-J06/J08) gets a page of its own from
  // which Back returns to the PIN; steps the server cannot redo replace their entry.
  const steps = useAuthSteps<Stage>({ at: "pick" }, (next) => next.at === "pin");
  const { step: stage, go: setStage, authFailed } = steps;
  const action = useAction();
  const certificateHref = portalCertificateHref(inst, "admin");

  if (action.error?.terminal) return <ErrorView error={action.error} inst={inst} links={refusedCertificateLink(action.error, certificateHref)} />;

  if (steps.page) return steps.page;

  if (stage.at === "pick") return <PortalCertificateStep<{ companyName: string; cn: string }> inst={inst} role="admin" api={ADMIN_API} action={action} onSigned={(r) => setStage({ at: "pin", company: r.companyName, cn: r.cn })} />;

  const lead = t("loginAs", { company: stage.company, cn: stage.cn });
  if (stage.at === "pin")
    return (
      <PinStep
        lead={lead}
        label={t("adminLoginPin")}
        action={action}
        onPin={async (pin) => {
          const r = await post<{ card: CardChallenge }>(`${ADMIN_API}/login/pin`, { pin }).catch(authFailed);
          setStage({ ...stage, at: "card", card: r.card });
        }}
      />
    );

  return (
    <CardStep
      title={t("cardTitle")}
      lead={lead}
      action={action}
      card={stage.card}
      onAnswer={async (answer) => {
        await post(`${ADMIN_API}/login/card`, { answer });
        navigate(`/portal/${inst.code}/admin/status`);
      }}
      current={() => get<{ card?: CardChallenge }>(`${ADMIN_API}/login`).then((s) => s.card)}
      onCard={(card) => setStage({ ...stage, card })}
    />
  );
}
