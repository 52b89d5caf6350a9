/**
 * ご契約先ステータス (SPEC §8.3 step 6) with the admin's menus (§8.4, §8.14): the company, the
 * contract, the admin certificate with the renewal banner inside its window (§8.15), the user
 * counts; log-off ends with MSG-J19 (close every browser window, R-FLOW-3).
 */
import type { JSX } from "preact";
import { ADMIN_API, forgetSession, get, post } from "../api.js";
import { formatDateTime, seed, t } from "../i18n.js";
import type { AdminStatus, Institution } from "../model.js";
import type { TextKey } from "../texts.js";
import { certificateValidity, LogoffScreen, Menu, previousLogon, RenewalBanner, ServiceList, StatusLayout, useLoaded } from "../../ui/status.js";
import { ErrorView, Facts, Loading } from "../ui.js";

export { useLoaded };

export function serviceName(code: string): string {
  const key = `svc_${code}` as TextKey;
  return key in SERVICE_KEYS ? t(key) : code;
}
const SERVICE_KEYS = { svc_BALANCE_INQUIRY: 1, svc_STATEMENT_INQUIRY: 1, svc_TRANSFER: 1, svc_FILE_TRANSFER: 1 } as const;

/** The admin's menu, on the status page and beside each admin screen. */
export function AdminMenu(props: { inst: Institution }): JSX.Element {
  const base = `/portal/${props.inst.code}/admin`;
  return (
    <Menu
      label={t("menuTitle")}
      items={[
        {
          group: t("menuManage"),
          items: [
            { href: `${base}/users`, label: t("menuUsers") },
            { href: `${base}/settings/accounts`, label: t("menuAccounts") },
            { href: `${base}/settings/contract-limit`, label: t("menuContractLimit") },
          ],
        },
        {
          group: t("menuAuth"),
          items: [
            { href: `${base}/settings/login-pin`, label: t("menuLoginPin") },
            { href: `${base}/settings/confirm-pin`, label: t("menuConfirmPin") },
            { href: `${base}/settings/email`, label: t("menuEmail") },
          ],
        },
        { href: `${base}/logoff`, label: t("actLogoff") },
      ]}
    />
  );
}

export function AdminStatusPage(props: { inst: Institution }): JSX.Element {
  const { inst } = props;
  const { data, error } = useLoaded(() => get<AdminStatus>(`${ADMIN_API}/status`));
  if (error) return <ErrorView error={error} inst={inst} />;
  if (!data) return <Loading />;
  const tz = inst.timeZone;
  const cert = data.certificate;
  return (
    <StatusLayout
      title={t("adminStatusTitle")}
      lead={t("companyHonorific", { company: data.companyName })}
      notices={cert?.renewalOpen ? <RenewalBanner notAfter={cert.notAfter} timeZone={tz} href={`/portal/${inst.code}/admin/renewal`} /> : null}
      menu={<AdminMenu inst={inst} />}
    >
      <Facts
        rows={[
          [t("contractId"), <span class="mono">{data.contractId}</span>],
          [t("adminEmail"), data.adminEmail ?? "—"],
          [t("lockMode"), data.lockMode === "LINKED" ? t("lockLinked") : t("lockNonLinked")],
          [t("previousLogon"), previousLogon(data.previousLogonAt, tz)],
          [t("services"), <ServiceList contact={inst.contact} items={data.contractedServices.map((code) => ({ code, name: serviceName(code), provided: data.providedServices.includes(code) }))} />],
          [t("activatedAt"), data.activatedAt ? formatDateTime(data.activatedAt, tz) : "—"],
          [t("adminCert"), certificateValidity(cert, tz)],
          [t("roleUser"), t("usersCount", data.users)],
        ]}
      />
    </StatusLayout>
  );
}

/** ログオフ: the session ends; MSG-J19 says to close every browser window. */
export function AdminLogoff(props: { inst: Institution }): JSX.Element {
  return (
    <LogoffScreen
      logout={() => post(`${ADMIN_API}/logout`)}
      forget={() => forgetSession(ADMIN_API)}
      kind="warn"
      notice={<p>{seed("MSG-J19")}</p>}
      againHref={`/portal/${props.inst.code}/admin`}
    />
  );
}
