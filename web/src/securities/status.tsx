/**
 * 憑證查詢與申請 (SPEC §13.2): the host side (憑證註冊狀態(主機端): name, serial, validity,
 * 找不到憑證 / 有效憑證 / 憑證即將過期), the client side — each certificate of this customer in
 * this browser, paged (n/m), with the firm's view of it — the note 此台電腦瀏覽器，查無您有效憑證
 * when none is the valid host certificate, and 您可以進行： with the actions the server allows.
 */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { toShown, type ShownError } from "../app/errors.js";
import { currentLocale, formatDateTime } from "../app/i18n.js";
import type { CertificateInfo } from "../keystore/index.js";
import { Actions, Facts, LinkButton, Loading, Notice, Screen } from "../ui/screen.js";
import { secGet, secPost, textOf, type ClientStatus, type HostStatus, type SecAction, type SecFirm, type SecSession } from "./api.js";
import { certificatesOf, sameSerial } from "./carrier.js";
import { takeGreeting } from "./login.js";
import { secPath, useFirm } from "./shell.js";
import { sec, type SecKey } from "./texts.js";

export interface ClientCert {
  info: CertificateInfo;
  status: ClientStatus | undefined;
}
export interface Statuses {
  host: HostStatus;
  client: ClientCert[];
  /** A certificate in this browser is the valid host-registered one. */
  inThisBrowser: boolean;
  actions: SecAction[];
}

const LIVE: ReadonlySet<ClientStatus["status"]> = new Set(["VALID", "EXPIRING_SOON"]);

/** Both sides at once: the host status and what the firm says of each certificate in this browser. */
export async function loadStatuses(code: string, session: SecSession): Promise<Statuses> {
  const [host, infos] = await Promise.all([secGet<HostStatus>("/status"), certificatesOf(code, session.customer.nationalId)]);
  let answers: ClientStatus[] = [];
  if (infos.length > 0) {
    answers = (await secPost<{ certificates: ClientStatus[] }>("/certificates/status", { serials: infos.slice(0, 20).map((c) => c.serialHex) })).certificates;
  }
  const client = infos.map((info) => ({ info, status: answers.find((a) => sameSerial(a.serial, info.serialHex)) }));
  const inThisBrowser = client.some((c) => c.status?.matchesHost && LIVE.has(c.status.status));
  return { host, client, inThisBrowser, actions: inThisBrowser ? host.actions.inThisBrowser : host.actions.notInThisBrowser };
}

export function useStatuses(code: string, session: SecSession): { statuses: Statuses | undefined; error: ShownError | undefined; refresh: () => void } {
  const [statuses, setStatuses] = useState<Statuses | undefined>(undefined);
  const [error, setError] = useState<ShownError | undefined>(undefined);
  const [round, setRound] = useState(0);
  // Asked again in a new language: the status labels are the firm's words.
  const locale = currentLocale();
  useEffect(() => {
    loadStatuses(code, session).then(
      (s) => {
        setStatuses(s);
        setError(undefined);
      },
      (e) => setError(toShown(e)),
    );
  }, [round, locale]);
  return { statuses, error, refresh: () => setRound((n) => n + 1) };
}

const ACTION: Readonly<Record<SecAction, readonly [string, SecKey]>> = {
  APPLY: ["apply", "apply"],
  RENEW: ["renew", "renew"],
  IMPORT: ["import", "import"],
  BACKUP: ["backup", "backup"],
};

export function HostPanel(props: { host: HostStatus; firm: SecFirm | undefined }): JSX.Element {
  const c = props.host.certificate;
  return (
    <section class="sec-panel" aria-labelledby="sec-host-title">
      <h2 id="sec-host-title">{textOf(props.firm, "SEC-HOST-TITLE")}</h2>
      <Facts
        rows={[
          [sec("userName"), props.host.name],
          [sec("serial"), <span class="sec-serial">{c?.serialHex ?? ""}</span>],
          [sec("validFrom"), c?.validFrom ?? ""],
          [sec("validTo"), c?.validTo ?? ""],
        ]}
      />
      <p class="sec-state" data-status={props.host.status}>
        {sec("hostStatus")}
        <strong>{props.host.statusLabel}</strong>
      </p>
    </section>
  );
}

/** The firm's label where it gives one (有效憑證 / 憑證即將過期), ours for the other states. */
function clientLabel(st: ClientStatus | undefined): string {
  if (st?.statusLabel) return st.statusLabel;
  switch (st?.status) {
    case "REVOKED":
    case "EXPIRED":
    case "SUSPENDED":
    case "NOT_YET_VALID":
      return sec(`client${st.status}`);
    default:
      return sec("notRegistered");
  }
}

export function ClientPanel(props: { client: ClientCert[]; name: string; firm: SecFirm | undefined; inThisBrowser: boolean }): JSX.Element {
  const [at, setAt] = useState(0);
  const m = props.client.length;
  const i = Math.min(at, Math.max(0, m - 1));
  const cur = props.client[i];
  const title = textOf(props.firm, "SEC-CLIENT-TITLE");
  return (
    <section class="sec-panel" aria-labelledby="sec-client-title">
      <h2 id="sec-client-title">
        {title} ({m === 0 ? "0/0" : `${i + 1}/${m}`})
      </h2>
      {cur ? (
        <>
          <Facts
            rows={[
              [sec("userName"), cur.status?.registered ? props.name : ""],
              [sec("serial"), <span class="sec-serial">{cur.info.serialHex}</span>],
              [sec("validFrom"), cur.status?.validFrom ?? formatDateTime(cur.info.notBefore, props.firm?.timeZone ?? "Asia/Taipei")],
              [sec("validTo"), cur.status?.validTo ?? formatDateTime(cur.info.notAfter, props.firm?.timeZone ?? "Asia/Taipei")],
            ]}
          />
          <p class="sec-state" data-status={cur.status?.status ?? "UNKNOWN"}>
            {sec("clientStatus")}
            <strong>{clientLabel(cur.status)}</strong>
          </p>
          {cur.info.locked ? <p class="sec-none">{sec("certPasswordLocked")}</p> : null}
          {m > 1 ? (
            <nav class="sec-pager" aria-label={sec("pagerLabel")}>
              <button type="button" class="btn" disabled={i === 0} onClick={() => setAt(i - 1)}>
                {sec("pagerPrev")}
              </button>
              <span aria-live="polite">{sec("pagerAt", { n: i + 1, m })}</span>
              <button type="button" class="btn" disabled={i === m - 1} onClick={() => setAt(i + 1)}>
                {sec("pagerNext")}
              </button>
            </nav>
          ) : null}
        </>
      ) : null}
      {props.inThisBrowser ? null : <p class="sec-none">* {textOf(props.firm, "SEC-CLIENT-NONE")}</p>}
    </section>
  );
}

export function ActionsPanel(props: { code: string; statuses: Statuses; firm: SecFirm | undefined }): JSX.Element {
  const { actions, client } = props.statuses;
  return (
    <section class="sec-panel" aria-labelledby="sec-actions-title">
      <h2 id="sec-actions-title">{textOf(props.firm, "SEC-ACTIONS")}</h2>
      {actions.length === 0 ? <p>{sec("noActions")}</p> : null}
      <Actions>
        {actions.map((a, n) => (
          <LinkButton key={a} href={secPath(props.code, ACTION[a][0])} primary={n === 0}>
            {sec(ACTION[a][1])}
          </LinkButton>
        ))}
        {client.length > 0 ? <LinkButton href={secPath(props.code, "remove")}>{sec("remove")}</LinkButton> : null}
      </Actions>
    </section>
  );
}

/** Both panels and the actions: the status page, and the end of an application or renewal. */
export function StatusPanels(props: { code: string; statuses: Statuses; firm: SecFirm | undefined }): JSX.Element {
  const { statuses } = props;
  return (
    <div class="sec-panels">
      <HostPanel host={statuses.host} firm={props.firm} />
      <ClientPanel client={statuses.client} name={statuses.host.name} firm={props.firm} inThisBrowser={statuses.inThisBrowser} />
      <ActionsPanel code={props.code} statuses={statuses} firm={props.firm} />
    </div>
  );
}

export function SecHome(props: { code: string; session: SecSession }): JSX.Element {
  const firm = useFirm(props.code);
  const [greeting] = useState(takeGreeting);
  const { statuses, error } = useStatuses(props.code, props.session);
  return (
    <Screen title={sec("queryApply")} wide>
      {greeting ? (
        <Notice kind="success" live>
          <p>{greeting}</p>
        </Notice>
      ) : null}
      {props.session.customer.mobileBound ? null : (
        <Notice kind="warn">
          <p>{sec("notBoundStatus")}</p>
          <p>{sec("notBoundNext", { contact: firm?.contact ?? "" })}</p>
        </Notice>
      )}
      {error ? (
        <div class="alert alert-error" role="alert">
          <p data-code={error.code}>{error.message}</p>
          <p>{sec("loadFailedNext")}</p>
        </div>
      ) : null}
      {statuses ? <StatusPanels code={props.code} statuses={statuses} firm={firm} /> : error ? null : <Loading />}
    </Screen>
  );
}
