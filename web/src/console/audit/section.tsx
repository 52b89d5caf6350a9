/**
 * The audit trail (/console/audit): filters (period in the institution's time zone, actor,
 * action, contract / customer), pages newer / older with the total, the chain's verify status
 * as a badge, and the CSV of the same filter as a plain download link (the session cookie goes
 * with it). GET /api/bank/audit/events, /audit/verify, /audit.csv — auditor, HQ.
 *   /console/audit?from=&to=&actor=&action=&subject=&beforeSeq=|afterSeq=
 */
import "../desks.css";
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { formatDateTime } from "../../app/i18n.js";
import { navigate } from "../../app/router.js";
import { Field } from "../../ui/fields.js";
import { ActionForm, useAction, useFields } from "../../ui/form.js";
import { Loading, Screen } from "../../ui/screen.js";
import { useLoaded } from "../../ui/status.js";
import { BANK_API, bankGet, query } from "../api.js";
import type { SectionProps } from "../app.js";
import { ct } from "../texts.js";
import { ResultTable } from "../ui.js";
import { ax } from "./texts.js";

interface Item {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  detail: Record<string, unknown>;
}
interface Page {
  items: Item[];
  total: number;
  olderBeforeSeq: number | null;
  newerAfterSeq: number | null;
}
type Chain = { ok: true; verifiedSeq: number; lastAt: string | null; unchained?: number; checkedAt: string } | { ok: false; verifiedSeq: number; brokenAt: number; reason: string; checkedAt: string };

const FIELDS = ["from", "to", "actor", "action", "subject"] as const;
type Filter = Record<(typeof FIELDS)[number], string>;

/** "+09:00" of a time zone on a date (Intl's longOffset: "GMT+09:00"; "GMT" for UTC). */
function offsetOn(date: string, tz: string): string {
  const part = new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: "longOffset" }).formatToParts(new Date(`${date}T12:00:00Z`)).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const m = /([+-]\d{2}):?(\d{2})/.exec(part);
  return m ? `${m[1]}:${m[2]}` : "Z";
}

const nextDay = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** The API's query: local dates become instants (the end date counts whole). */
export function apiFilter(f: Filter, tz: string): Record<string, string> {
  const q: Record<string, string> = {};
  if (/^\d{4}-\d{2}-\d{2}$/.test(f.from)) q.from = `${f.from}T00:00:00${offsetOn(f.from, tz)}`;
  else if (f.from) q.from = f.from;
  if (/^\d{4}-\d{2}-\d{2}$/.test(f.to)) q.to = `${nextDay(f.to)}T00:00:00${offsetOn(f.to, tz)}`;
  else if (f.to) q.to = f.to;
  for (const k of ["actor", "action", "subject"] as const) if (f[k].trim()) q[k] = f[k].trim();
  return q;
}

function ChainBadge(props: { tz: string }): JSX.Element {
  const { data, error, reload } = useLoaded(() => bankGet<Chain>("/audit/verify"), []);
  return (
    <section aria-labelledby="chain-title" aria-live="polite">
      <h2 id="chain-title">{ax("chain")}</h2>
      {error ? (
        <p class="alert alert-error" role="alert">
          {error.message}
        </p>
      ) : !data ? (
        <p role="status">{ax("checking")}</p>
      ) : data.ok ? (
        <p>
          <span class="desk-badge desk-badge-ok" data-chain="ok">
            {ax("verified", { seq: data.verifiedSeq, at: data.lastAt ? formatDateTime(data.lastAt, props.tz) : "—" })}
          </span>{" "}
          {data.unchained ? ax("unchained", { n: data.unchained }) : null} <span class="hint">{ax("checkedAt", { at: formatDateTime(data.checkedAt, props.tz) })}</span>
        </p>
      ) : (
        <div class="alert alert-error" role="alert">
          <p>
            <span class="desk-badge desk-badge-broken" data-chain="broken">
              {ax("broken", { seq: data.brokenAt, reason: data.reason })}
            </span>
          </p>
          <p>{ax("brokenNext")}</p>
        </div>
      )}
      <p>
        <button type="button" class="btn btn-small" onClick={reload}>
          {ax("recheck")}
        </button>
      </p>
    </section>
  );
}

export default function AuditSection(props: SectionProps): JSX.Element {
  const tz = props.inst.timeZone;
  const params = new URLSearchParams(location.search);
  const initial = Object.fromEntries(FIELDS.map((k) => [k, params.get(k) ?? ""])) as Filter;
  const f = useFields(initial);
  const action = useAction();
  const [shown, setShown] = useState<{ filter: Filter; cursor: string }>({ filter: initial, cursor: query({ beforeSeq: params.get("beforeSeq") ?? undefined, afterSeq: params.get("afterSeq") ?? undefined }) });
  const api = query(apiFilter(shown.filter, tz));
  const { data, error } = useLoaded(() => bankGet<Page>(`/audit/events${api}${api ? shown.cursor.replace(/^\?/, "&") : shown.cursor}`), [api, shown.cursor]);
  const go = (filter: Filter, cursor: Record<string, number | undefined>): void => {
    const q = query({ ...filter, ...cursor });
    navigate(`${props.base}${q}`);
    setShown({ filter, cursor: query(cursor) });
  };
  const err = action.error ?? error;
  return (
    <Screen title={ax("title")} lead={ax("lead")} wide>
      <ChainBadge tz={tz} />
      <ActionForm action={action} label={ax("title")} submit={ct("search")} onSubmit={async () => go({ ...f.values }, {})}>
        <div class="console-search">
          <Field {...f.bind("from")} type="date" label={ax("from")} hint={ax("dateHint", { tz })} error={err} />
          <Field {...f.bind("to")} type="date" label={ax("to")} hint={ax("dateHint", { tz })} error={err} />
          <Field {...f.bind("actor")} label={ax("actor")} hint={ax("actorHint")} maxLength={100} error={err} />
          <Field {...f.bind("action")} label={ax("action")} hint={ax("actionHint")} maxLength={100} error={err} />
          <Field {...f.bind("subject")} label={ax("subject")} maxLength={100} error={err} />
        </div>
      </ActionForm>
      <p>
        <a class="btn" href={`${BANK_API}/audit.csv${api}`} download>
          {ax("csv")}
        </a>
      </p>
      <p class="hint">{ax("csvHint")}</p>
      {error ? (
        <div class="alert alert-error" role="alert">
          <p data-code={error.code}>{error.message}</p>
        </div>
      ) : !data ? (
        <Loading />
      ) : (
        <>
          <p role="status">{ax("total", { n: data.total })}</p>
          {data.items.length === 0 ? (
            <p>{ct("noResults")}</p>
          ) : (
            <div class="desk-stack">
            <ResultTable caption={ax("title")} head={[ax("seq"), ax("at"), ax("actor"), ax("colAction"), ax("colSubject"), ax("detail")]}>
              {data.items.map((i) => (
                <tr key={i.seq}>
                  <td data-label={ax("seq")}>{i.seq}</td>
                  <td data-label={ax("at")}>{formatDateTime(i.at, tz)}</td>
                  <td class="mono" data-label={ax("actor")}>{i.actor}</td>
                  <td class="mono" data-label={ax("colAction")}>{i.action}</td>
                  <td class="mono" data-label={ax("colSubject")}>{i.subject ?? "—"}</td>
                  <td class="desk-detail" data-label={ax("detail")}>{Object.keys(i.detail).length ? JSON.stringify(i.detail) : "—"}</td>
                </tr>
              ))}
            </ResultTable>
            </div>
          )}
          <nav class="desk-paging" aria-label={ax("title")}>
            {data.newerAfterSeq !== null ? (
              <button type="button" class="btn" onClick={() => go(shown.filter, { afterSeq: data.newerAfterSeq ?? undefined })}>
                {ax("newer")}
              </button>
            ) : null}
            {data.olderBeforeSeq !== null ? (
              <button type="button" class="btn" onClick={() => go(shown.filter, { beforeSeq: data.olderBeforeSeq ?? undefined })}>
                {ax("older")}
              </button>
            ) : null}
          </nav>
        </>
      )}
    </Screen>
  );
}
