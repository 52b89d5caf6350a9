/**
 * One Taiwanese customer: facts, users (unlock — HQ, branch; new password — HQ, shown once),
 * the EDI profile (12-digit user code, related parties) and BO-6 憑證展期建檔, certificates.
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { currentLocale, formatDateTime } from "../../app/i18n.js";
import { CheckGroup } from "../../ui/fields-extra.js";
import { Field } from "../../ui/fields.js";
import { ActionForm, useAction, useFields } from "../../ui/form.js";
import { Actions, Facts, LinkButton, Loading, Notice, Screen } from "../../ui/screen.js";
import { useLoaded } from "../../ui/status.js";
import { bankCall, bankGet, bankPost } from "../api.js";
import type { SectionProps } from "../app.js";
import { RowButton, RowResultView, useRowAction } from "../desk-ui.js";
import { ActionCard, ResultTable } from "../ui.js";
import { tx } from "./texts.js";

export interface TwCustomer {
  identifier: string;
  kind: "INDIVIDUAL" | "CORPORATE" | "EDI";
  customerType: number | null;
  name: string;
  branchCode?: string;
  ediUserCode?: string | null;
  relatedParties?: { code: string; identifier: string; name: string }[];
  users: { userCode: string; isAdmin: boolean; locked: boolean; failures?: number; passwordTemporary?: boolean; lastLoginAt?: string | null }[];
}
interface StaffCert {
  serialHex: string;
  status: string;
  statusLabel: Record<string, string>;
  notAfter?: string;
}
interface Link {
  serialHex: string;
  partyCode: string;
  partyName?: string;
  notAfter?: string;
  registeredBy?: string;
  registeredAt?: string;
}

function Bo6(props: { c: TwCustomer; onDone: () => void; tz: string }): JSX.Element {
  const action = useAction();
  const f = useFields({ serial: "" });
  const [parties, setParties] = useState<string[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const related = props.c.relatedParties ?? [];
  return (
    <ActionCard id="bo6-title" title={tx("bo6")} text={tx("bo6Text")}>
      {done ? (
        <Notice kind="success" live>
          <p>{done}</p>
        </Notice>
      ) : null}
      <ActionForm
        action={action}
        label={tx("bo6")}
        submit={tx("register")}
        onSubmit={async () => {
          const r = await bankPost<{ customer: { ediUserCode: string }; certificate: { serialHex: string }; parties: { code: string }[] }>(`/tw/customers/${encodeURIComponent(props.c.identifier)}/edi-certificates`, {
            serial: f.values.serial.trim(),
            ...(parties.length ? { relatedPartyCodes: parties } : {}),
          });
          // `parties` lists the customer's own code too.
          setDone(tx("registered", { serial: r.certificate.serialHex, n: r.parties.filter((p) => p.code !== r.customer.ediUserCode).length }));
          f.reset();
          setParties([]);
          props.onDone();
        }}
      >
        <Field {...f.bind("serial")} label={tx("serial")} maxLength={128} size="long" required error={action.error} />
        {related.length ? <CheckGroup name="relatedPartyCodes" legend={tx("parties")} options={related.map((p) => [p.code, `${p.code} ${p.name}`] as const)} checked={parties} onChange={setParties} error={action.error} /> : null}
      </ActionForm>
    </ActionCard>
  );
}

function EdiProfile(props: { c: TwCustomer; hq: boolean; reload: () => void; tz: string }): JSX.Element {
  const { c } = props;
  const id = encodeURIComponent(c.identifier);
  const codeAction = useAction();
  const code = useFields({ ediUserCode: c.ediUserCode ?? "" });
  const addAction = useAction();
  const add = useFields({ code: "" });
  const rows = useRowAction();
  const links = useLoaded(() => bankGet<{ items: Link[] }>(`/tw/customers/${id}/edi-certificates`), [c]);
  return (
    <section aria-labelledby="edi-title">
      <h2 id="edi-title">{tx("edi")}</h2>
      {props.hq ? (
        <ActionForm action={codeAction} label={tx("ediUserCode")} submit={tx("saveCode")} onSubmit={async () => void (await bankCall("PUT", `/tw/customers/${id}/edi`, { ediUserCode: code.values.ediUserCode.trim() }), props.reload())}>
          <Field {...code.bind("ediUserCode")} label={tx("ediUserCode")} inputMode="numeric" maxLength={12} error={codeAction.error} />
        </ActionForm>
      ) : (
        <Facts rows={[[tx("ediUserCode"), c.ediUserCode ?? "—"]]} />
      )}
      <h3>{tx("related")}</h3>
      <RowResultView result={rows.result} timeZone={props.tz} />
      {(c.relatedParties ?? []).length ? (
        <ResultTable caption={tx("related")} head={[tx("party"), tx("identifier"), tx("name"), ""]}>
          {(c.relatedParties ?? []).map((p) => (
            <tr key={p.code}>
              <td class="mono">{p.code}</td>
              <td class="mono">{p.identifier}</td>
              <td>{p.name}</td>
              <td>
                <RowButton label={tx("removeLabel", { code: p.code })} busy={rows.busy === p.code} onClick={() => void rows.run(p.code, () => bankCall("DELETE", `/tw/customers/${id}/edi/related-parties/${p.code}`), () => ({})).then(props.reload)}>
                  {tx("remove")}
                </RowButton>
              </td>
            </tr>
          ))}
        </ResultTable>
      ) : null}
      <ActionForm action={addAction} label={tx("addRelated")} submit={tx("addRelated")} onSubmit={async () => void (await bankPost(`/tw/customers/${id}/edi/related-parties`, { code: add.values.code.trim() }), add.reset(), props.reload())}>
        <Field {...add.bind("code")} label={tx("relatedCode")} inputMode="numeric" maxLength={12} error={addAction.error} />
      </ActionForm>
      <Bo6 c={c} onDone={links.reload} tz={props.tz} />
      <h3>{tx("links")}</h3>
      {!links.data ? (
        <Loading />
      ) : links.data.items.length === 0 ? (
        <p>{tx("none")}</p>
      ) : (
        <ResultTable caption={tx("links")} head={[tx("serialCol"), tx("party"), tx("notAfter"), tx("registeredBy")]}>
          {links.data.items.map((l) => (
            <tr key={`${l.serialHex}-${l.partyCode}`}>
              <td class="mono">{l.serialHex}</td>
              <td class="mono">
                {l.partyCode}
                {l.partyName ? ` ${l.partyName}` : ""}
              </td>
              <td>{l.notAfter ? formatDateTime(l.notAfter, props.tz) : "—"}</td>
              <td>
                {l.registeredBy ?? ""} {l.registeredAt ? formatDateTime(l.registeredAt, props.tz) : ""}
              </td>
            </tr>
          ))}
        </ResultTable>
      )}
    </section>
  );
}

export function TwCustomerDetail(props: SectionProps & { identifier: string }): JSX.Element {
  const tz = props.inst.timeZone;
  const id = encodeURIComponent(props.identifier);
  const { data, error, reload } = useLoaded(() => bankGet<{ customer: TwCustomer; certificates: StaffCert[] }>(`/tw/customers/${id}`), [props.identifier]);
  const rows = useRowAction();
  const role = props.session.role;
  const hq = role === "HQ_OPERATOR";
  const canUnlock = hq || role === "BRANCH_OFFICER";
  if (error)
    return (
      <Screen title={tx("title")}>
        <div class="alert alert-error" role="alert">
          <p data-code={error.code}>{error.message}</p>
        </div>
        <Actions>
          <LinkButton href={props.base}>{tx("back")}</LinkButton>
        </Actions>
      </Screen>
    );
  if (!data) return <Loading />;
  const c = data.customer;
  return (
    <Screen title={`${c.name}（${c.identifier}）`} wide>
      <Facts
        rows={[
          [tx("identifier"), <span class="mono">{c.identifier}</span>],
          [tx("kind"), tx(c.kind)],
          [tx("customerType"), c.customerType ?? "—"],
          [tx("branch"), c.branchCode ?? "—"],
        ]}
      />
      <section aria-labelledby="users-title">
        <h2 id="users-title">{tx("users")}</h2>
        <RowResultView result={rows.result} timeZone={tz} />
        <ResultTable caption={tx("users")} head={[tx("userCode"), tx("state"), tx("lastLogin"), ""]}>
          {c.users.map((u) => (
            <tr key={u.userCode} data-user={u.userCode}>
              <td class="mono">
                {u.userCode}
                {u.isAdmin ? ` (${tx("admin")})` : ""}
              </td>
              <td>
                {u.locked ? tx("locked", { n: u.failures ?? 0 }) : tx("active")}
                {u.passwordTemporary ? ` · ${tx("temporary")}` : ""}
              </td>
              <td>{u.lastLoginAt ? formatDateTime(u.lastLoginAt, tz) : "—"}</td>
              <td>
                {canUnlock && u.locked ? (
                  <RowButton label={tx("unlockLabel", { user: u.userCode })} busy={rows.busy === `u-${u.userCode}`} onClick={() => void rows.run(`u-${u.userCode}`, () => bankPost(`/tw/customers/${id}/users/${encodeURIComponent(u.userCode)}/unlock`, {}), () => ({ done: tx("unlocked", { user: u.userCode }) })).then(reload)}>
                    {tx("unlock")}
                  </RowButton>
                ) : null}{" "}
                {hq ? (
                  <RowButton
                    label={tx("resetLabel", { user: u.userCode })}
                    busy={rows.busy === `r-${u.userCode}`}
                    onClick={() =>
                      void rows
                        .run(`r-${u.userCode}`, () => bankPost<{ initialPassword: string }>(`/tw/customers/${id}/users/${encodeURIComponent(u.userCode)}/reset-password`, {}), (r) => ({ secret: { label: tx("resetDone", { user: u.userCode }), value: (r as { initialPassword: string }).initialPassword } }))
                        .then(reload)
                    }
                  >
                    {tx("reset")}
                  </RowButton>
                ) : null}
              </td>
            </tr>
          ))}
        </ResultTable>
      </section>
      {c.kind === "EDI" && canUnlock ? <EdiProfile c={c} hq={hq} reload={reload} tz={tz} /> : null}
      <section aria-labelledby="certs-title">
        <h2 id="certs-title">{tx("certificates")}</h2>
        {data.certificates.length === 0 ? (
          <p>{tx("none")}</p>
        ) : (
          <ResultTable caption={tx("certificates")} head={[tx("serialCol"), tx("status"), tx("notAfter")]}>
            {data.certificates.map((k) => (
              <tr key={k.serialHex}>
                <td class="mono">
                  <a href={`/console/certificates/${k.serialHex}`}>{k.serialHex}</a>
                </td>
                <td>{k.statusLabel[currentLocale()] ?? k.status}</td>
                <td>{k.notAfter ? formatDateTime(k.notAfter, tz) : "—"}</td>
              </tr>
            ))}
          </ResultTable>
        )}
      </section>
      <Actions>
        <LinkButton href={props.base}>{tx("back")}</LinkButton>
      </Actions>
    </Screen>
  );
}
