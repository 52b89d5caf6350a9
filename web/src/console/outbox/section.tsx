/**
 * The mail and SMS outbox (/console/outbox): tabs by delivery state with their counts, each
 * message's notice kind, masked recipient, attempts, sanitised last error and next attempt —
 * never its text; HQ sends a failed one again. GET /api/bank/outbox, POST …/:id/retry.
 *   /console/outbox?status=pending|failed|sent
 */
import "../desks.css";
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { formatDateTime } from "../../app/i18n.js";
import { toShown, type ShownError } from "../../app/errors.js";
import { Notice, Screen } from "../../ui/screen.js";
import { useLoaded } from "../../ui/status.js";
import { bankGet, bankPost, query } from "../api.js";
import type { SectionProps } from "../app.js";
import { Loaded, ResultTable } from "../ui.js";
import { mx } from "./texts.js";

type Status = "pending" | "failed" | "sent";
interface Item {
  id: number;
  createdAt: string;
  channel: "email" | "sms";
  kind: string;
  recipient: string;
  status: Status;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  sentAt: string | null;
  retryable: boolean;
}
interface Page {
  items: Item[];
  counts: Record<Status, number>;
  nextBeforeId: number | null;
}

const STATUSES: readonly Status[] = ["pending", "failed", "sent"];

export default function OutboxSection(props: SectionProps): JSX.Element {
  const tz = props.inst.timeZone;
  const raw = new URLSearchParams(location.search).get("status");
  const status = STATUSES.find((s) => s === raw);
  const [limit, setLimit] = useState(50);
  const { data, error, reload } = useLoaded(() => bankGet<Page>(`/outbox${query({ status, limit })}`), [status, limit]);
  const [busy, setBusy] = useState<number | null>(null);
  const [result, setResult] = useState<{ id: number; error?: ShownError } | null>(null);
  const hq = props.session.role === "HQ_OPERATOR";
  const retry = async (id: number): Promise<void> => {
    setBusy(id);
    setResult(null);
    try {
      await bankPost(`/outbox/${id}/retry`);
      setResult({ id });
      reload();
    } catch (e) {
      setResult({ id, error: toShown(e) });
    } finally {
      setBusy(null);
    }
  };
  const total = data ? data.counts.pending + data.counts.failed + data.counts.sent : 0;
  const tabs: [Status | undefined, string][] = [[undefined, mx("all", { n: total })], ...STATUSES.map((s) => [s, mx(s, { n: data?.counts[s] ?? 0 })] as [Status, string])];
  return (
    <Screen title={mx("title")} lead={mx("lead")} wide>
      <nav aria-label={mx("tabs")}>
        <ul class="desk-tabs">
          {tabs.map(([s, label]) => (
            <li key={s ?? "all"}>
              <a href={`${props.base}${query({ status: s })}`} aria-current={s === status ? "page" : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {result ? (
        result.error ? (
          <div class="alert alert-error" role="alert">
            <p data-code={result.error.code}>{result.error.message}</p>
          </div>
        ) : (
          <Notice kind="success" live>
            <p>{mx("retried", { id: result.id })}</p>
          </Notice>
        )
      ) : null}
      <Loaded data={data} error={error} empty={(d) => d.items.length === 0}>
        {(data) => (
            <>
              <div class="desk-stack">
              <ResultTable caption={tabs.find(([s]) => s === status)?.[1] ?? mx("title")} head={["#", mx("created"), mx("channel"), mx("kind"), mx("recipient"), mx("state"), mx("attempts"), mx("lastError"), mx("nextAttempt"), ""]}>
                {data.items.map((i) => (
                  <tr key={i.id} data-outbox-id={i.id}>
                    <td data-label="#">{i.id}</td>
                    <td data-label={mx("created")}>{formatDateTime(i.createdAt, tz)}</td>
                    <td data-label={mx("channel")}>{mx(i.channel)}</td>
                    <td class="mono" data-label={mx("kind")}>{i.kind}</td>
                    <td class="mono" data-label={mx("recipient")}>{i.recipient}</td>
                    <td data-label={mx("state")}>
                      {mx(`st_${i.status}`)}
                      {i.sentAt ? ` ${formatDateTime(i.sentAt, tz)}` : ""}
                    </td>
                    <td data-label={mx("attempts")}>{i.attempts}</td>
                    <td class="desk-detail" data-label={mx("lastError")}>{i.lastError ?? "—"}</td>
                    <td data-label={mx("nextAttempt")}>{i.nextAttemptAt ? formatDateTime(i.nextAttemptAt, tz) : "—"}</td>
                    <td data-label="">
                      {hq && i.retryable ? (
                        <button type="button" class="btn btn-small" aria-label={mx("retryLabel", { id: i.id })} aria-disabled={busy === i.id ? "true" : undefined} onClick={() => busy === null && void retry(i.id)}>
                          {mx("retry")}
                        </button>
                      ) : i.status === "failed" && !i.retryable ? (
                        <span class="hint">{mx("notRetryable")}</span>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </ResultTable>
              </div>
              {data.nextBeforeId !== null ? (
                <p class="desk-paging">
                  <button type="button" class="btn" onClick={() => setLimit((n) => Math.min(200, n + 50))}>
                    {mx("more")}
                  </button>
                </p>
              ) : null}
            </>
        )}
      </Loaded>
    </Screen>
  );
}
