/**
 * The contracts section (/console/contracts): search → detail → one screen per operation (BO-1…
 * BO-5), the registration of a contract with its customer card, and the token stock.
 *   /console/contracts                     search (?q=&state=&locked=&incident=)
 *   /console/contracts/new                 register a contract (HQ) → its card
 *   /console/contracts/tokens              load hardware tokens (HQ)
 *   /console/contracts/:id                 detail
 *   /console/contracts/:id/card-print      the card just issued: print page and PDF, shown once
 *   /console/contracts/:id/:operation      card reissue, registration PIN, unlock, reset, incident …
 */
import type { JSX } from "preact";
import { formatDateTime } from "../../app/i18n.js";
import { useState } from "preact/hooks";
import { Field, Select } from "../../ui/fields.js";
import { useAction, useFields } from "../../ui/form.js";
import { useLoaded } from "../../ui/status.js";
import { ErrorPage } from "../../ui/error-page.js";
import { Actions, LinkButton, Loading, Screen } from "../../ui/screen.js";
import { bankGet, query } from "../api.js";
import type { SectionProps } from "../app.js";
import { ct } from "../texts.js";
import { ResultTable, SearchForm } from "../ui.js";
import { CardPrint } from "./card.js";
import { ContractDetailScreen } from "./detail.js";
import { ContractOperation } from "./operation.js";
import { RegisterContract } from "./register.js";
import { cx, CX } from "./texts.js";
import { TokenStock } from "./tokens.js";
import { OPERATIONS, type Contract, type Operation } from "./model.js";

export const stateLabel = (c: Contract): string => cx(c.state);

function badges(c: Contract): string {
  const out: string[] = [];
  if (c.lockedByBank) out.push(cx("lock"));
  if (c.incidentRegistered) out.push(cx("incident"));
  return out.join(" / ");
}

function Search(props: SectionProps): JSX.Element {
  const params = new URLSearchParams(location.search);
  const f = useFields({ q: params.get("q") ?? "", state: params.get("state") ?? "", locked: params.get("locked") ?? "", incident: params.get("incident") ?? "" });
  const action = useAction();
  // The criteria searched for; kept in the address too (replaceState), so Back from a detail finds them.
  const [asked, setAsked] = useState(() => query({ q: params.get("q") ?? "", state: params.get("state") ?? "", locked: params.get("locked") ?? "", incident: params.get("incident") ?? "" }));
  const { data, error } = useLoaded(() => bankGet<{ total: number; items: Contract[] }>(`/contracts${asked}${asked ? "&" : "?"}limit=50`), [asked]);
  const hq = props.session.role === "HQ_OPERATOR";
  return (
    <Screen title={cx("searchTitle")} wide>
      {hq ? (
        <Actions>
          <LinkButton href={`${props.base}/new`} primary>
            {cx("newContract")}
          </LinkButton>
          <LinkButton href={`${props.base}/tokens`}>{cx("tokens")}</LinkButton>
        </Actions>
      ) : null}
      <SearchForm action={action} label={cx("searchTitle")} base={props.base} ask={() => query({ q: f.values.q.trim(), state: f.values.state, locked: f.values.locked, incident: f.values.incident })} onAsked={setAsked}>
        <Field {...f.bind("q")} label={cx("q")} maxLength={60} size="long" error={action.error} />
        <Select {...f.bind("state")} label={cx("state")} options={[["", cx("any")], ["REGISTERED", cx("REGISTERED")], ["ACTIVE", cx("ACTIVE")]]} />
        <Select {...f.bind("locked")} label={cx("lock")} options={[["", cx("any")], ["true", cx("lockedOnly")]]} />
        <Select {...f.bind("incident")} label={cx("incident")} options={[["", cx("any")], ["true", cx("incidentOnly")]]} />
      </SearchForm>
      {error ? (
        <div class="alert alert-error" role="alert">
          <p>{error.message}</p>
        </div>
      ) : !data ? (
        <Loading />
      ) : data.items.length === 0 ? (
        <p role="status">{ct("noResults")}</p>
      ) : (
        <ResultTable caption={ct("results", { n: data.total })} head={[cx("contractId"), cx("companyName"), cx("state"), cx("lock"), cx("applicationDate")]}>
          {data.items.map((c) => (
            <tr key={c.contractId}>
              <td>
                <a href={`${props.base}/${c.contractId}`}>{c.contractId}</a>
              </td>
              <td>{c.companyName}</td>
              <td>{stateLabel(c)}</td>
              <td>{badges(c) || cx("notLocked")}</td>
              <td>{c.applicationDate ?? (c.createdAt ? formatDateTime(c.createdAt, props.inst.timeZone) : "")}</td>
            </tr>
          ))}
        </ResultTable>
      )}
    </Screen>
  );
}

export default function ContractsSection(props: SectionProps): JSX.Element {
  const [first, second] = props.rest;
  if (!first) return <Search {...props} />;
  if (first === "new") return <RegisterContract {...props} />;
  if (first === "tokens") return <TokenStock {...props} />;
  if (!/^[0-9]{1,20}$/.test(first)) return <ErrorPage error={{ code: "NOT_FOUND", message: ct("notFound"), fields: [], terminal: true }} next="" homeHref={props.base} />;
  if (!second) return <ContractDetailScreen {...props} contractId={first} />;
  if (second === "card-print") return <CardPrint {...props} contractId={first} />;
  if (second in OPERATIONS) return <ContractOperation {...props} contractId={first} op={second as Operation} />;
  return <ErrorPage error={{ code: "NOT_FOUND", message: ct("notFound"), fields: [], terminal: true }} next="" homeHref={props.base} />;
}

export { CX };
