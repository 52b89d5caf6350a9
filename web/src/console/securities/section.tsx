/**
 * Securities customers (/console/securities): search, register (the initial password shown once),
 * a customer's detail with unlock and BO-7 bind / change the mobile number. HQ, branch and
 * customer service. Routes: src/http/routes/securities/bank.ts.
 *   /console/securities?q=         search
 *   /console/securities/new        register
 *   /console/securities/:id        detail
 */
import "../desks.css";
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { formatDateTime } from "../../app/i18n.js";
import { Field, Select } from "../../ui/fields.js";
import { ActionForm, useAction, useFields } from "../../ui/form.js";
import { Actions, Facts, LinkButton, Loading, Notice, Screen } from "../../ui/screen.js";
import { useLoaded } from "../../ui/status.js";
import { bankCall, bankGet, bankPost, query } from "../api.js";
import type { SectionProps } from "../app.js";
import { ct } from "../texts.js";
import { ActionCard, Loaded, ResultTable, SearchForm } from "../ui.js";
import { sx } from "./texts.js";

interface SecCustomer {
  nationalId: string;
  name: string;
  locale?: string | null;
  mobileBound: boolean;
  mobileMasked: string | null;
  locked: boolean;
  failures: number;
  lastLoginAt?: string | null;
}

const state = (c: SecCustomer): string => (c.locked ? sx("locked", { n: c.failures }) : sx("active"));

function Search(props: SectionProps): JSX.Element {
  const initial = { q: new URLSearchParams(location.search).get("q") ?? "" };
  const f = useFields(initial);
  const action = useAction();
  const [asked, setAsked] = useState(() => query(initial));
  const { data, error } = useLoaded(() => bankGet<{ customers: SecCustomer[] }>(`/securities/customers${asked}`), [asked]);
  return (
    <Screen title={sx("title")} lead={sx("lead")} wide>
      <p>
        <LinkButton href={`${props.base}/new`} primary>
          {sx("newCustomer")}
        </LinkButton>
      </p>
      <SearchForm action={action} label={sx("title")} base={props.base} ask={() => query({ q: f.values.q.trim() })} onAsked={setAsked}>
        <Field {...f.bind("q")} label={sx("q")} maxLength={40} error={action.error ?? error} />
      </SearchForm>
      <Loaded data={data} error={error} empty={(d) => d.customers.length === 0}>
        {(data) => (
            <ResultTable caption={ct("results", { n: data.customers.length })} head={[sx("nationalId"), sx("name"), sx("mobile"), sx("state")]}>
              {data.customers.map((c) => (
                <tr key={c.nationalId}>
                  <td class="mono">
                    <a href={`${props.base}/${c.nationalId}`}>{c.nationalId}</a>
                  </td>
                  <td>{c.name}</td>
                  <td class="mono">{c.mobileMasked ?? sx("unbound")}</td>
                  <td>{state(c)}</td>
                </tr>
              ))}
            </ResultTable>
        )}
      </Loaded>
    </Screen>
  );
}

function Register(props: SectionProps): JSX.Element {
  const f = useFields({ nationalId: "", name: "", mobile: "", locale: "zh-TW" });
  const action = useAction();
  const [done, setDone] = useState<{ customer: SecCustomer; initialPassword: string } | null>(null);
  if (done)
    return (
      <Screen title={sx("registerTitle")}>
        <Notice kind="success" live>
          <p>{sx("registered", { id: done.customer.nationalId })}</p>
          <p class="desk-secret" data-secret>
            {done.initialPassword}
          </p>
        </Notice>
        <Actions>
          <LinkButton href={`${props.base}/${done.customer.nationalId}`} primary>
            {ct("details")}
          </LinkButton>
          <Actions>
            <LinkButton href={props.base}>{sx("back")}</LinkButton>
          </Actions>
        </Actions>
      </Screen>
    );
  return (
    <Screen title={sx("registerTitle")}>
      <ActionForm
        action={action}
        label={sx("registerTitle")}
        submit={sx("register")}
        back={props.base}
        onSubmit={async () => {
          const v = f.values;
          setDone(await bankPost(`/securities/customers`, { nationalId: v.nationalId.trim().toUpperCase(), name: v.name.trim(), ...(v.mobile.trim() ? { mobile: v.mobile.trim() } : {}), locale: v.locale }));
        }}
      >
        <Field {...f.bind("nationalId")} label={sx("nationalId")} maxLength={10} required error={action.error} />
        <Field {...f.bind("name")} label={sx("name")} maxLength={60} required error={action.error} />
        <Field {...f.bind("mobile")} label={sx("mobileOptional")} hint={sx("mobileHint")} inputMode="numeric" maxLength={20} autoComplete="off" error={action.error} />
        <Select {...f.bind("locale")} label={sx("locale")} options={[["zh-TW", "繁體中文"], ["en", "English"], ["ja", "日本語"]]} error={action.error} />
      </ActionForm>
    </Screen>
  );
}

function Detail(props: SectionProps & { nationalId: string }): JSX.Element {
  const tz = props.inst.timeZone;
  const path = `/securities/customers/${encodeURIComponent(props.nationalId)}`;
  const { data, error, reload } = useLoaded(() => bankGet<SecCustomer>(path), [props.nationalId]);
  const unlock = useAction();
  const bind = useAction();
  const f = useFields({ mobile: "", note: "" });
  const [done, setDone] = useState<string | null>(null);
  if (error)
    return (
      <Screen title={sx("title")}>
        <div class="alert alert-error" role="alert">
          <p data-code={error.code}>{error.message}</p>
        </div>
        <Actions>
          <LinkButton href={props.base}>{sx("back")}</LinkButton>
        </Actions>
      </Screen>
    );
  if (!data) return <Loading />;
  return (
    <Screen title={`${data.name}（${data.nationalId}）`} wide>
      {done ? (
        <Notice kind="success" live>
          <p>{done}</p>
        </Notice>
      ) : null}
      <Facts
        rows={[
          [sx("nationalId"), <span class="mono">{data.nationalId}</span>],
          [sx("name"), data.name],
          [sx("mobile"), <span class="mono" data-mobile>{data.mobileMasked ?? sx("unbound")}</span>],
          [sx("state"), state(data)],
          [sx("lastLogin"), data.lastLoginAt ? formatDateTime(data.lastLoginAt, tz) : "—"],
        ]}
      />
      <div class="console-actions">
        {data.locked ? (
          <ActionCard id="unlock-title" title={sx("unlock")} text={sx("unlockText")}>
            <ActionForm action={unlock} label={sx("unlock")} submit={sx("unlock")} onSubmit={async () => void (await bankPost(`${path}/unlock`, {}), setDone(sx("unlocked")), reload())}>
              <span />
            </ActionForm>
          </ActionCard>
        ) : null}
        <ActionCard id="bind-title" title={sx("bind")} text={sx("bindText")}>
          <ActionForm
            action={bind}
            label={sx("bind")}
            submit={sx("save")}
            onSubmit={async () => {
              const r = await bankCall<SecCustomer>("PUT", `${path}/mobile`, { mobile: f.values.mobile.trim(), ...(f.values.note.trim() ? { note: f.values.note.trim() } : {}) });
              setDone(sx("bound", { m: r.mobileMasked ?? "" }));
              f.reset();
              reload();
            }}
          >
            <Field {...f.bind("mobile")} label={sx("mobile")} hint={sx("mobileHint")} inputMode="numeric" maxLength={20} required error={bind.error} />
            <Field {...f.bind("note")} label={sx("note")} maxLength={200} error={bind.error} />
          </ActionForm>
        </ActionCard>
      </div>
      <Actions>
        <LinkButton href={props.base}>{sx("back")}</LinkButton>
      </Actions>
    </Screen>
  );
}

export default function SecuritiesSection(props: SectionProps): JSX.Element {
  const [id] = props.rest;
  if (!id) return <Search {...props} />;
  if (id === "new") return <Register {...props} />;
  return <Detail {...props} nationalId={decodeURIComponent(id)} />;
}
