/**
 * 利用者ステータス (SPEC §8.11 step 6): only the services this user is permitted (R-USR-CHG-2),
 * the PIN-change advice after an admin reset (R-USR-CHG-1), the certificate with the renewal
 * banner inside its window (§8.15), and the 利用者情報変更 menu (§8.14).
 */
import type { JSX } from "preact";
import { forgetSession, get, post, USER_API } from "../api.js";
import { formatAmount, t } from "../i18n.js";
import type { Institution, UserStatus } from "../model.js";
import { certificateValidity, LogoffScreen, Menu, previousLogon, RenewalBanner, ServiceList, StatusLayout, useLoaded } from "../../ui/status.js";
import { AdviceList, ErrorView, Facts, Loading } from "../ui.js";
import { serviceName } from "../admin/status.js";
import { forgetLoginCertificate } from "./session.js";

export function UserMenu(props: { inst: Institution; transfer: boolean }): JSX.Element {
  const base = `/portal/${props.inst.code}/user`;
  return (
    <Menu
      label={t("menuTitle")}
      items={[
        ...(props.transfer ? [{ href: `${base}/transfer`, label: t("transferTitle") }] : []),
        {
          group: t("menuUserSettings"),
          items: [
            { href: `${base}/settings/login-pin`, label: t("menuUserLoginPin") },
            { href: `${base}/settings/confirm-pin`, label: t("menuUserConfirmPin") },
            { href: `${base}/settings/email`, label: t("menuUserEmail") },
          ],
        },
        { href: `${base}/logoff`, label: t("actLogoff") },
      ]}
    />
  );
}

export function UserStatusPage(props: { inst: Institution }): JSX.Element {
  const { inst } = props;
  const { data, error } = useLoaded(() => get<UserStatus>(`${USER_API}/status`));
  if (error) return <ErrorView error={error} inst={inst} />;
  if (!data) return <Loading />;
  const tz = inst.timeZone;
  const cert = data.certificate;
  const base = `/portal/${inst.code}/user`;
  const transfer = data.services.some((s) => s.code === "TRANSFER");
  return (
    <StatusLayout
      title={t("userStatusTitle")}
      lead={t("userHonorific", { company: data.companyName, name: data.nameKanji ?? data.nameKana })}
      notices={
        <>
          {cert?.renewalOpen ? <RenewalBanner notAfter={cert.notAfter} timeZone={tz} href={`${base}/renewal`} /> : null}
          <AdviceList advice={data.advice} />
        </>
      }
      menu={<UserMenu inst={inst} transfer={transfer} />}
    >
      <h2>{t("servicesAvailable")}</h2>
      {data.services.length === 0 ? (
        <p>{t("noServices")}</p>
      ) : (
        <ServiceList
          contact={inst.contact}
          items={data.services.map((s) => ({
            code: s.code,
            name: serviceName(s.code),
            provided: s.provided,
            href: s.code === "TRANSFER" ? `${base}/transfer` : undefined,
            extra: data.serviceLimits[s.code] !== undefined ? <span class="hint"> {t("limitLine", { amount: formatAmount(data.serviceLimits[s.code]!) })}</span> : null,
          }))}
        />
      )}
      <Facts
        rows={[
          [t("previousLogon"), previousLogon(data.previousLogonAt, tz)],
          [t("contractId"), <span class="mono">{data.contractId}</span>],
          [t("userId"), <span class="mono">{data.userId}</span>],
          [t("userEmail"), data.email ?? "—"],
          [t("userCert"), certificateValidity(cert, tz)],
          [t("token"), data.token ? <span class="mono">{data.token.serial}</span> : "—"],
        ]}
      />
    </StatusLayout>
  );
}

export function UserLogoff(props: { inst: Institution }): JSX.Element {
  return (
    <LogoffScreen
      logout={() => post(`${USER_API}/logout`)}
      forget={() => {
        forgetSession(USER_API);
        forgetLoginCertificate();
      }}
      kind="info"
      notice={<p>{t("nextCloseBrowser")}</p>}
      againHref={`/portal/${props.inst.code}/user`}
    />
  );
}
