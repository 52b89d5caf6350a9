/**
 * Taiwanese customers and EDI (/console/tw): search the certificate platform's customers; a
 * customer's detail with its users (unlock, new password shown once), EDI profile, related
 * parties' 12-digit codes, certificates and BO-6 憑證展期建檔. Routes: src/http/routes/tw/bank.ts
 * and bank-edi.ts.
 *   /console/tw?q=&kind=        search
 *   /console/tw/:identifier     detail
 */
import "../desks.css";
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { Field, Select } from "../../ui/fields.js";
import { useAction, useFields } from "../../ui/form.js";
import { Screen } from "../../ui/screen.js";
import { useLoaded } from "../../ui/status.js";
import { bankGet, query } from "../api.js";
import type { SectionProps } from "../app.js";
import { ct } from "../texts.js";
import { Loaded, ResultTable, SearchForm } from "../ui.js";
import { TwCustomerDetail, type TwCustomer } from "./detail.js";
import { tx } from "./texts.js";

const KINDS = ["INDIVIDUAL", "CORPORATE", "EDI"] as const;

function Search(props: SectionProps): JSX.Element {
  const params = new URLSearchParams(location.search);
  const initial = { q: params.get("q") ?? "", kind: params.get("kind") ?? "" };
  const f = useFields(initial);
  const action = useAction();
  const [asked, setAsked] = useState(() => query(initial));
  const { data, error } = useLoaded(() => bankGet<{ customers: TwCustomer[] }>(`/tw/customers${asked}`), [asked]);
  const err = action.error ?? error;
  return (
    <Screen title={tx("title")} lead={tx("lead")} wide>
      <SearchForm action={action} label={tx("title")} base={props.base} ask={() => query({ q: f.values.q.trim(), kind: f.values.kind })} onAsked={setAsked}>
        <Field {...f.bind("q")} label={tx("q")} maxLength={40} error={err} />
        <Select {...f.bind("kind")} label={tx("kind")} options={[["", tx("any")], ...KINDS.map((k) => [k, tx(k)] as const)]} error={err} />
      </SearchForm>
      <Loaded data={data} error={error} empty={(d) => d.customers.length === 0}>
        {(data) => (
            <ResultTable caption={ct("results", { n: data.customers.length })} head={[tx("identifier"), tx("name"), tx("kind"), tx("users")]}>
              {data.customers.map((c) => (
                <tr key={c.identifier}>
                  <td class="mono">
                    <a href={`${props.base}/${encodeURIComponent(c.identifier)}`}>{c.identifier}</a>
                  </td>
                  <td>{c.name}</td>
                  <td>
                    {tx(c.kind)}
                    {c.customerType ? ` (${c.customerType})` : ""}
                  </td>
                  <td>
                    {c.users.length}
                    {c.users.some((u) => u.locked) ? ` · ${tx("locked", { n: c.users.filter((u) => u.locked).length })}` : ""}
                  </td>
                </tr>
              ))}
            </ResultTable>
        )}
      </Loaded>
    </Screen>
  );
}

export default function TwSection(props: SectionProps): JSX.Element {
  const [identifier] = props.rest;
  if (!identifier) return <Search {...props} />;
  return <TwCustomerDetail {...props} identifier={decodeURIComponent(identifier)} />;
}
