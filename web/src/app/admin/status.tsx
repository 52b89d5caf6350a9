/**
 * ご契約先ステータス (SPEC §8.3 step 6) with the admin's menus (§8.4, §8.14): the company, the
 * contract, the admin certificate with the renewal banner inside its window (§8.15), the user
 * counts; log-off ends with MSG-J19 (close every browser window, R-FLOW-3).
 */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ADMIN_API, forgetSession, get, post } from "../api.js";
import { toShown, type ShownError } from "../errors.js";
import { currentLocale, formatDateTime, seed, t } from "../i18n.js";
import type { AdminStatus, Institution } from "../model.js";
import type { TextKey } from "../texts.js";
import { Actions, ErrorView, Facts, Loading, Notice, Screen } from "../ui.js";

export function serviceName(code: string): string {
  const key = `svc_${code}` as TextKey;
  return key in SERVICE_KEYS ? t(key) : code;
}
const SERVICE_KEYS = { svc_BALANCE_INQUIRY: 1, svc_STATEMENT_INQUIRY: 1, svc_TRANSFER: 1, svc_FILE_TRANSFER: 1 } as const;

/** Loads something after login (again when the language changes: the server's texts follow); a missing session becomes the error page. */
export function useLoaded<T>(load: () => Promise<T>, deps: readonly unknown[] = []): { data: T | undefined; error: ShownError | null; reload: () => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ShownError | null>(null);
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (d) => live && setData(d),
      (e: unknown) => live && setError(toShown(e)),
    );
    return () => {
      live = false;
    };
  }, [n, currentLocale(), ...deps]);
  return { data, error, reload: () => setN((x) => x + 1) };
}

/** The admin's menu, on the status page and beside each admin screen. */
export function AdminMenu(props: { inst: Institution }): JSX.Element {
  const base = `/portal/${props.inst.code}/admin`;
  return (
    <nav class="menu" aria-label={t("menuTitle")}>
      <h2>{t("menuTitle")}</h2>
      <ul>
        <li>
          <span class="menu-group">{t("menuManage")}</span>
          <ul>
            <li>
              <a href={`${base}/users`}>{t("menuUsers")}</a>
            </li>
            <li>
              <a href={`${base}/settings/accounts`}>{t("menuAccounts")}</a>
            </li>
            <li>
              <a href={`${base}/settings/contract-limit`}>{t("menuContractLimit")}</a>
            </li>
          </ul>
        </li>
        <li>
          <span class="menu-group">{t("menuAuth")}</span>
          <ul>
            <li>
              <a href={`${base}/settings/login-pin`}>{t("menuLoginPin")}</a>
            </li>
            <li>
              <a href={`${base}/settings/confirm-pin`}>{t("menuConfirmPin")}</a>
            </li>
            <li>
              <a href={`${base}/settings/email`}>{t("menuEmail")}</a>
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

export function RenewalBanner(props: { notAfter: string; inst: Institution; href: string }): JSX.Element {
  return (
    <Notice kind="warn" live>
      <p>{t("renewalBanner", { date: formatDateTime(props.notAfter, props.inst.timeZone) })}</p>
      <p>
        <a class="btn btn-primary" href={props.href}>
          {t("renewalAction")}
        </a>
      </p>
    </Notice>
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
    <Screen title={t("adminStatusTitle")} lead={t("companyHonorific", { company: data.companyName })} wide>
      {cert?.renewalOpen ? <RenewalBanner notAfter={cert.notAfter} inst={inst} href={`/portal/${inst.code}/admin/renewal`} /> : null}
      <div class="columns">
        <div>
          <Facts
            rows={[
              [t("contractId"), <span class="mono">{data.contractId}</span>],
              [t("adminEmail"), data.adminEmail ?? "—"],
              [t("lockMode"), data.lockMode === "LINKED" ? t("lockLinked") : t("lockNonLinked")],
              [t("services"), data.contractedServices.map(serviceName).join("、")],
              [t("activatedAt"), data.activatedAt ? formatDateTime(data.activatedAt, tz) : "—"],
              [
                t("adminCert"),
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
              [t("roleUser"), t("usersCount", data.users)],
            ]}
          />
        </div>
        <AdminMenu inst={inst} />
      </div>
    </Screen>
  );
}

/** ログオフ: the session ends; MSG-J19 says to close every browser window. */
export function AdminLogoff(props: { inst: Institution }): JSX.Element {
  const { inst } = props;
  const [done, setDone] = useState(false);
  useEffect(() => {
    post(`${ADMIN_API}/logout`)
      .catch(() => undefined)
      .finally(() => {
        forgetSession(ADMIN_API);
        setDone(true);
      });
  }, []);
  if (!done) return <Loading />;
  return (
    <Screen title={t("loggedOffTitle")}>
      <Notice kind="warn" live>
        <p>{seed("MSG-J19")}</p>
      </Notice>
      <Actions>
        <a class="btn" href={`/portal/${inst.code}/admin`}>
          {t("logonAgain")}
        </a>
      </Actions>
    </Screen>
  );
}
