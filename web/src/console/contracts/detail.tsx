/** A contract's detail (any role): its state, locks, cards, users, certificates, and the operations the role may ask for. */
import type { JSX } from "preact";
import { formatDateTime, punct, t } from "../../app/i18n.js";
import { ErrorPage } from "../../ui/error-page.js";
import { Facts, LinkButton, Loading, Screen } from "../../ui/screen.js";
import { useLoaded } from "../../ui/status.js";
import { bankGet } from "../api.js";
import type { SectionProps } from "../app.js";
import { ct } from "../texts.js";
import { ResultTable } from "../ui.js";
import { OPERATIONS, type ContractDetail, type Operation } from "./model.js";
import { cx } from "./texts.js";

export const OP_TITLE: Record<Operation, Parameters<typeof cx>[0]> = {
  card: "opReissueCard",
  "registration-pin": "opPin",
  unlock: "opUnlock",
  "reset-activation": "opReset",
  incident: "opIncident",
  "incident-release": "opIncidentRelease",
  "admin-certificate": "opAdminCert",
};

/** Which operations make sense for the contract as it is now. */
function applicable(d: ContractDetail, op: Operation): boolean {
  const c = d.contract;
  switch (op) {
    case "registration-pin":
      return c.state === "REGISTERED";
    case "unlock":
      return !!c.lockedByBank;
    case "incident":
      return !c.incidentRegistered;
    case "incident-release":
      return !!c.incidentRegistered;
    case "reset-activation":
    case "admin-certificate":
      return c.state === "ACTIVE";
    default:
      return true;
  }
}

export function ContractDetailScreen(props: SectionProps & { contractId: string }): JSX.Element {
  const { data, error } = useLoaded(() => bankGet<ContractDetail>(`/contracts/${props.contractId}`), [props.contractId]);
  const tz = props.inst.timeZone;
  if (error) return <ErrorPage error={error} next={ct("sessionNext")} homeHref={props.base} />;
  if (!data) return <Loading />;
  const c = data.contract;
  const ops = (Object.keys(OPERATIONS) as Operation[]).filter((op) => (OPERATIONS[op].roles as readonly string[]).includes(props.session.role) && applicable(data, op));
  return (
    <Screen title={cx("detailTitle", { id: c.contractId })} wide>
      <Facts
        rows={[
          [cx("companyName"), c.companyName],
          [cx("state"), cx(c.state)],
          [cx("lock"), c.lockedByBank ? cx("lockedByBank", { cause: c.lockCause === "ADMIN" || c.lockCause === "USER" ? cx(`cause${c.lockCause}`) : (c.lockCause ?? "") }) : cx("notLocked")],
          [cx("incident"), c.incidentRegistered ? cx("incidentOn") : cx("notLocked")],
          [cx("lockMode"), c.lockMode ? cx(c.lockMode) : ""],
          [cx("services"), punct.list((c.contractedServices ?? []).map((s) => t(`svc_${s}` as Parameters<typeof t>[0])))],
          [cx("applicationDate"), c.applicationDate ?? ""],
          [cx("adminFailures"), String(c.adminFailures ?? 0)],
          [cx("adminEmail"), c.adminEmail ?? "—"],
          [cx("activatedAt"), c.activatedAt ? formatDateTime(c.activatedAt, tz) : "—"],
          [cx("users"), cx("usersLine", { total: data.users.total, activated: data.users.activated ?? 0, suspended: data.users.suspended ?? 0 })],
        ]}
      />
      {ops.length > 0 ? (
        <>
          <h2>{cx("operations")}</h2>
          <ul class="console-op-list">
            {ops.map((op) => (
              <li key={op}>
                <LinkButton href={`${props.base}/${c.contractId}/${op}`}>{cx(OP_TITLE[op])}</LinkButton>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>{cx("cards")}</h2>
      <ResultTable caption={cx("cards")} hideCaption head={[cx("cardId"), cx("status"), cx("issuedAt")]}>
        {data.cards.map((k) => (
          <tr key={k.cardId}>
            <td class="mono">{k.cardId}</td>
            <td>{k.status === "ACTIVE" ? cx("cardACTIVE") : cx("cardREVOKED")}</td>
            <td>{k.issuedAt ? formatDateTime(k.issuedAt, tz) : ""}</td>
          </tr>
        ))}
      </ResultTable>
      <h2>{cx("certificates")}</h2>
      {data.certificates.length === 0 ? (
        <p>{ct("noResults")}</p>
      ) : (
        <ResultTable caption={cx("certificates")} hideCaption head={[cx("cn"), cx("serial"), cx("status"), cx("notAfter")]}>
          {data.certificates.map((k) => (
            <tr key={k.certificateId}>
              <td>{k.cn}</td>
              <td class="mono">{k.serialHex ? <a href={`/console/certificates/${k.serialHex}`}>{k.serialHex}</a> : ""}</td>
              <td>{["VALID", "SUSPENDED", "REVOKED", "EXPIRED"].includes(k.status) ? cx(`cert${k.status as "VALID"}`) : k.status}</td>
              <td>{k.notAfter ? formatDateTime(k.notAfter, tz) : ""}</td>
            </tr>
          ))}
        </ResultTable>
      )}
    </Screen>
  );
}
