/**
 * 利用者ステータス (SPEC §8.11 step 6): only the services this user is permitted (R-USR-CHG-2),
 * the PIN-change advice after an admin reset (R-USR-CHG-1), the certificate with the renewal
 * banner inside its window (§8.15), and the 利用者情報変更 menu (§8.14).
 */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { forgetSession, get, post, USER_API } from "../api.js";
import { formatAmount, formatDateTime, t } from "../i18n.js";
import type { Institution, UserStatus } from "../model.js";
import { Actions, ErrorView, Facts, Loading, Notice, Screen } from "../ui.js";
import { AdviceList } from "../admin/activation.js";
import { RenewalBanner, serviceName, useLoaded } from "../admin/status.js";
import { forgetLoginCertificate } from "./session.js";

export function UserMenu(props: { inst: Institution; transfer: boolean }): JSX.Element {
  const base = `/portal/${props.inst.code}/user`;
  return (
    <nav class="menu" aria-label={t("menuTitle")}>
      <h2>{t("menuTitle")}</h2>
      <ul>
        {props.transfer ? (
          <li>
            <a href={`${base}/transfer`}>{t("transferTitle")}</a>
          </li>
        ) : null}
        <li>
          <span class="menu-group">{t("menuUserSettings")}</span>
          <ul>
            <li>
              <a href={`${base}/settings/login-pin`}>{t("menuUserLoginPin")}</a>
            </li>
            <li>
              <a href={`${base}/settings/confirm-pin`}>{t("menuUserConfirmPin")}</a>
            </li>
            <li>
              <a href={`${base}/settings/email`}>{t("menuUserEmail")}</a>
            </li>
          </ul>
        </li>
        <li>
          <a href={`${base}/logoff`}>{t("actLogoff")}</a>
        </li>
      </ul>
    </nav>
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
    <Screen title={t("userStatusTitle")} lead={t("userHonorific", { company: data.companyName, name: data.nameKanji ?? data.nameKana })} wide>
      {cert?.renewalOpen ? <RenewalBanner notAfter={cert.notAfter} inst={inst} href={`${base}/renewal`} /> : null}
      <AdviceList advice={data.advice} />
      <div class="columns">
        <div>
          <h2>{t("servicesAvailable")}</h2>
          {data.services.length === 0 ? (
            <p>{t("noServices")}</p>
          ) : (
            <ul class="services">
              {data.services.map((s) => (
                <li key={s.code}>
                  {s.code === "TRANSFER" ? (
                    <a class="btn btn-primary" href={`${base}/transfer`}>
                      {serviceName(s.code)}
                    </a>
                  ) : (
                    <span class="service">{serviceName(s.code)}</span>
                  )}
                  {data.serviceLimits[s.code] !== undefined ? <span class="hint"> {t("limitLine", { amount: formatAmount(data.serviceLimits[s.code]!) })}</span> : null}
                </li>
              ))}
            </ul>
          )}
          <Facts
            rows={[
              [t("contractId"), <span class="mono">{data.contractId}</span>],
              [t("userId"), <span class="mono">{data.userId}</span>],
              [t("userEmail"), data.email ?? "—"],
              [
                t("userCert"),
                cert ? (
                  <>
                    <span class="mono">{cert.cn}</span>
                    <br />
                    {t("validityRange", { from: formatDateTime(cert.notBefore, tz), to: formatDateTime(cert.notAfter, tz) })}（{cert.status === "VALID" ? t("statusValid") : t("statusExpiring")}）
                  </>
                ) : (
                  "—"
                ),
              ],
              [t("token"), data.token ? <span class="mono">{data.token.serial}</span> : "—"],
            ]}
          />
        </div>
        <UserMenu inst={inst} transfer={transfer} />
      </div>
    </Screen>
  );
}

export function UserLogoff(props: { inst: Institution }): JSX.Element {
  const [done, setDone] = useState(false);
  useEffect(() => {
    post(`${USER_API}/logout`)
      .catch(() => undefined)
      .finally(() => {
        forgetSession(USER_API);
        forgetLoginCertificate();
        setDone(true);
      });
  }, []);
  if (!done) return <Loading />;
  return (
    <Screen title={t("loggedOffTitle")}>
      <Notice kind="info" live>
        <p>{t("nextCloseBrowser")}</p>
      </Notice>
      <Actions>
        <a class="btn" href={`/portal/${props.inst.code}/user`}>
          {t("logonAgain")}
        </a>
      </Actions>
    </Screen>
  );
}
