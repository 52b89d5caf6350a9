/**
 * Pieces the console's sections share: the answer of an operation (done, or sent for approval
 * under dual control), a results table that stays readable at 320 px, and the card an operation's
 * form sits in on a detail page.
 */
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { ShownError } from "../app/errors.js";
import { formatDateTime } from "../app/i18n.js";
import { Field } from "../ui/fields.js";
import { ActionForm, type Action } from "../ui/form.js";
import { Loading, LinkButton, Notice } from "../ui/screen.js";
import { bankGet, isPending, type PendingApproval } from "./api.js";
import { ct } from "./texts.js";

/** What an operation answered: its own success text, or that a second person must approve it. */
export function Outcome(props: { result: unknown; done: string; timeZone?: string }): JSX.Element {
  if (isPending(props.result)) {
    const a = (props.result as PendingApproval).approval;
    return (
      <Notice kind="info" live title={ct("pendingTitle")}>
        <p>{ct("pendingBody")}</p>
        {a.expiresAt ? <p>{ct("pendingUntil", { at: formatDateTime(a.expiresAt, props.timeZone) })}</p> : null}
        <p>
          <LinkButton href="/console/approvals">{ct("toApprovals")}</LinkButton>
        </p>
      </Notice>
    );
  }
  return (
    <Notice kind="success" live>
      <p>{props.done}</p>
    </Notice>
  );
}

/** A table of results with a caption; wrapped so a narrow window scrolls the table, not the page. */
export function ResultTable(props: { caption: string; head: readonly string[]; children: ComponentChildren; hideCaption?: boolean }): JSX.Element {
  return (
    <div class="table-wrap">
      <table class="console-table">
        <caption class={props.hideCaption ? "console-caption-hidden" : undefined}>{props.caption}</caption>
        <thead>
          <tr>
            {props.head.map((h) => (
              <th scope="col" key={h}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

/**
 * A section's search form: its fields in the console's search grid (one column at 320 px); the
 * criteria asked go into the address too (replaceState), so Back from a detail finds them.
 */
export function SearchForm(props: { action: Action; label: string; base: string; ask: () => string; onAsked: (q: string) => void; children: ComponentChildren }): JSX.Element {
  return (
    <ActionForm
      action={props.action}
      label={props.label}
      submit={ct("search")}
      onSubmit={async () => {
        const q = props.ask();
        history.replaceState(null, "", `${props.base}${q}`);
        props.onAsked(q);
      }}
    >
      <div class="console-search">{props.children}</div>
    </ActionForm>
  );
}

/**
 * What a section's lookup answered: the error (with its stable code), a wait, "no results" when
 * `empty` says so, or what `children` shows of the answer.
 */
export function Loaded<T>(props: { data: T | undefined; error: ShownError | null; empty?: (data: T) => boolean; children: (data: T) => ComponentChildren }): JSX.Element {
  if (props.error) {
    return (
      <div class="alert alert-error" role="alert">
        <p data-code={props.error.code}>{props.error.message}</p>
      </div>
    );
  }
  if (props.data === undefined) return <Loading />;
  if (props.empty?.(props.data)) return <p role="status">{ct("noResults")}</p>;
  return <>{props.children(props.data)}</>;
}

/** One operation on a detail page: its heading, what it does, its form. */
export function ActionCard(props: { title: string; text?: string; children: ComponentChildren; id?: string }): JSX.Element {
  return (
    <section class="console-action" aria-labelledby={props.id}>
      <h3 id={props.id}>{props.title}</h3>
      {props.text ? <p class="hint">{props.text}</p> : null}
      {props.children}
    </section>
  );
}

/**
 * Whether the institution's dual control is on (GET /settings/dual-control), asked when a screen
 * with a sensitive operation opens: undefined while unknown (the screen shows its form anyway;
 * the server decides).
 */
export function useDualControl(): { on: boolean; hours: number } | undefined {
  const [v, setV] = useState<{ on: boolean; hours: number } | undefined>(undefined);
  useEffect(() => {
    bankGet<{ dualControl: boolean; approvalWindowHours: number }>("/settings/dual-control").then(
      (r) => setV({ on: r.dualControl, hours: r.approvalWindowHours }),
      () => setV({ on: false, hours: 0 }),
    );
  }, []);
  return v;
}

/** The reason a dual-controlled request carries to the approver (required while dual control is on). */
export function ApprovalReasonField(props: { value: string; onInput: (v: string) => void; error: ShownError | null; hours: number }): JSX.Element {
  return (
    <Field
      name="approvalReason"
      label={ct("approvalReason")}
      hint={ct("approvalReasonHint", { hours: props.hours })}
      value={props.value}
      onInput={(e) => props.onInput(e.currentTarget.value)}
      error={props.error}
      maxLength={200}
      size="long"
      required
    />
  );
}
