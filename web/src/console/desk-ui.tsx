/**
 * Pieces of the customer and staff desks: a button that runs one operation on a row (unlock, retry,
 * disable…) and the announced answer of the last one — done, sent for approval, a one-time secret
 * shown once, or the error with its next step.
 */
import type { ComponentChildren, JSX } from "preact";
import { useState } from "preact/hooks";
import { toShown, type ShownError } from "../app/errors.js";
import { Notice } from "../ui/screen.js";
import { isPending } from "./api.js";
import { Outcome } from "./ui.js";

export interface RowResult {
  done?: string;
  /** A secret shown once (an initial password): its label and value. */
  secret?: { label: string; value: string };
  raw?: unknown;
  error?: ShownError;
}

export function useRowAction(): { busy: string | null; result: RowResult | null; run: (key: string, fn: () => Promise<unknown>, done: (r: unknown) => Omit<RowResult, "raw" | "error">) => Promise<void>; clear: () => void } {
  const [busy, setBusy] = useState<string | null>(null);
  const [result, setResult] = useState<RowResult | null>(null);
  return {
    busy,
    result,
    clear: () => setResult(null),
    run: async (key, fn, done) => {
      if (busy) return;
      setBusy(key);
      setResult(null);
      try {
        const r = await fn();
        setResult({ ...done(r), raw: r });
      } catch (e) {
        setResult({ error: toShown(e) });
      } finally {
        setBusy(null);
      }
    },
  };
}

export function RowResultView(props: { result: RowResult | null; timeZone: string }): JSX.Element | null {
  const r = props.result;
  if (!r) return null;
  if (r.error)
    return (
      <div class="alert alert-error" role="alert">
        <p data-code={r.error.code}>{r.error.message}</p>
      </div>
    );
  if (isPending(r.raw)) return <Outcome result={r.raw} done="" timeZone={props.timeZone} />;
  return (
    <Notice kind="success" live>
      {r.done ? <p>{r.done}</p> : null}
      {r.secret ? (
        <>
          <p>{r.secret.label}</p>
          <p class="desk-secret" data-secret>
            {r.secret.value}
          </p>
        </>
      ) : null}
    </Notice>
  );
}

export function RowButton(props: { label: string; busy: boolean; onClick: () => void; children: ComponentChildren; danger?: boolean }): JSX.Element {
  return (
    <button type="button" class={props.danger ? "btn btn-small btn-danger" : "btn btn-small"} aria-label={props.label} aria-disabled={props.busy ? "true" : undefined} onClick={() => !props.busy && props.onClick()}>
      {props.children}
    </button>
  );
}
