/**
 * The certificate desk (/console/certificates): search by serial (hex, with or without colons),
 * CN, contract / customer, issuer, status, expiring within N days; a certificate's detail with
 * PEM / DER downloads, what the OCSP responder answers now and its status history; suspend,
 * resume (HQ, branch) and revoke with a reason (HQ), each on its own screen.
 *   /console/certificates              search (?serial=&cn=&owner=&issuer=&status=&expiringWithinDays=)
 *   /console/certificates/:serial      detail
 *   /console/certificates/:serial/:op  suspend | resume | revoke
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { formatDateTime } from "../../app/i18n.js";
import { Field, Select } from "../../ui/fields.js";
import { useAction, useFields } from "../../ui/form.js";
import { Screen } from "../../ui/screen.js";
import { useLoaded } from "../../ui/status.js";
import { bankGet, query } from "../api.js";
import type { SectionProps } from "../app.js";
import { ct } from "../texts.js";
import { Loaded, ResultTable, SearchForm } from "../ui.js";
import { CertificateDetailScreen, CertificateOperation, type CertificateSummary } from "./detail.js";
import { kx } from "./texts.js";

const STATUSES = ["VALID", "SUSPENDED", "REVOKED", "EXPIRED"] as const;
const FIELDS = ["serial", "cn", "owner", "issuer", "status", "expiringWithinDays"] as const;

function Search(props: SectionProps): JSX.Element {
  const params = new URLSearchParams(location.search);
  const initial = Object.fromEntries(FIELDS.map((k) => [k, params.get(k) ?? ""])) as Record<(typeof FIELDS)[number], string>;
  const f = useFields(initial);
  const action = useAction();
  const [asked, setAsked] = useState(() => query(initial));
  const { data, error } = useLoaded(() => bankGet<{ certificates: CertificateSummary[] }>(`/certificates${asked}`), [asked]);
  const tz = props.inst.timeZone;
  return (
    <Screen title={kx("searchTitle")} wide>
      <SearchForm action={action} label={kx("searchTitle")} base={props.base} ask={() => query(Object.fromEntries(FIELDS.map((k) => [k, f.values[k].trim()])))} onAsked={setAsked}>
        <Field {...f.bind("serial")} label={kx("serial")} maxLength={64} size="long" error={action.error ?? error} />
        <Field {...f.bind("cn")} label={kx("cn")} maxLength={128} error={action.error ?? error} />
        <Field {...f.bind("owner")} label={kx("owner")} maxLength={64} error={action.error ?? error} />
        <Field {...f.bind("issuer")} label={kx("issuer")} maxLength={64} error={action.error ?? error} />
        <Select {...f.bind("status")} label={kx("status")} options={[["", kx("any")], ...STATUSES.map((s) => [s, kx(s)] as const)]} error={action.error ?? error} />
        <Field {...f.bind("expiringWithinDays")} label={kx("expiring")} hint={kx("expiringHint")} inputMode="numeric" maxLength={4} size="short" error={action.error ?? error} />
      </SearchForm>
      <Loaded data={data} error={error} empty={(d) => d.certificates.length === 0}>
        {(data) => (
            <ResultTable caption={ct("results", { n: data.certificates.length })} head={[kx("serialShort"), "CN", kx("status"), kx("notAfter")]}>
              {data.certificates.map((c) => (
                <tr key={c.serialHex}>
                  <td class="mono">
                    <a href={`${props.base}/${c.serialHex}`}>{c.serialHex}</a>
                  </td>
                  <td>{c.cn}</td>
                  <td>{kx(c.status)}</td>
                  <td>{formatDateTime(c.notAfter, tz)}</td>
                </tr>
              ))}
            </ResultTable>
        )}
      </Loaded>
    </Screen>
  );
}

export default function CertificatesSection(props: SectionProps): JSX.Element {
  const [serial, op] = props.rest;
  if (!serial) return <Search {...props} />;
  if (!op) return <CertificateDetailScreen {...props} serial={serial} />;
  return <CertificateOperation {...props} serial={serial} op={op} />;
}
