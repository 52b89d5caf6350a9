/**
 * The portal's entry pages: the bank's two logon pages (管理者 / 利用者), each with the seeds'
 * actions — 開通確認, 電子証明書取得, ログオン for the administrator; 電子証明書取得, ログオン for
 * users, whose activation comes with their first logon (SPEC §8.0, §8.11).
 */
import type { JSX } from "preact";
import { institutionName, t } from "./i18n.js";
import type { Institution } from "./model.js";
import { Screen } from "./ui.js";

function Action(props: { href: string; label: string; hint: string; primary?: boolean }): JSX.Element {
  return (
    <li class="action-tile">
      <a class={props.primary ? "btn btn-primary btn-block" : "btn btn-block"} href={props.href}>
        {props.label}
      </a>
      <p class="hint">{props.hint}</p>
    </li>
  );
}

export function InstitutionHome(props: { inst: Institution }): JSX.Element {
  const base = `/portal/${props.inst.code}`;
  return (
    <Screen title={t("homeTitle")} lead={t("homeLead")}>
      <ul class="tiles">
        <Action href={`${base}/admin`} label={t("adminTopTitle")} hint={t("roleAdmin")} primary />
        <Action href={`${base}/user`} label={t("userTopTitle")} hint={t("roleUser")} primary />
      </ul>
      <p>
        <a href={`${base}/certificates`}>{t("browserCertsLink")}</a>
      </p>
    </Screen>
  );
}

export function AdminTop(props: { inst: Institution }): JSX.Element {
  const base = `/portal/${props.inst.code}/admin`;
  return (
    <Screen title={t("adminTopTitle")} lead={t("adminTopLead")}>
      <ul class="tiles">
        <Action href={`${base}/activation`} label={t("actActivation")} hint={t("actActivationHint")} />
        <Action href={`${base}/certificate`} label={t("actCertificate")} hint={t("actCertificateHint")} />
        <Action href={`${base}/login`} label={t("actLogon")} hint={t("actLogonHint")} primary />
      </ul>
    </Screen>
  );
}

export function UserTop(props: { inst: Institution }): JSX.Element {
  const base = `/portal/${props.inst.code}/user`;
  return (
    <Screen title={t("userTopTitle")} lead={t("userTopLead")}>
      <ul class="tiles">
        <Action href={`${base}/certificate`} label={t("actCertificate")} hint={t("actCertificateHint")} />
        <Action href={`${base}/login`} label={t("actLogon")} hint={t("actLogonHint")} primary />
      </ul>
    </Screen>
  );
}

export function BankList(props: { institutions: readonly Institution[] }): JSX.Element {
  const banks = props.institutions;
  return (
    <Screen title={t("homeTitle")} lead={t("homeLead")}>
      <ul class="bank-list">
        {banks.map((i) => (
          <li key={i.code}>
            <a href={`/portal/${i.code}`}>{institutionName(i)}</a>
          </li>
        ))}
      </ul>
    </Screen>
  );
}

export function NotFound(props: { inst?: Institution }): JSX.Element {
  return (
    <Screen title={t("notFoundTitle")} lead={props.inst ? t("notFoundBody") : t("unknownBank")}>
      <p>
        <a class="btn" href={props.inst ? `/portal/${props.inst.code}` : "/"}>
          {t("toTop")}
        </a>
      </p>
    </Screen>
  );
}
