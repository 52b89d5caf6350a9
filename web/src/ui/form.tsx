/**
 * Forms to the bank's standard: a form's busy flag and last error, its field values, the error
 * announced (role=alert) with its fields flagged and the first one focused, and the row of
 * submit and back buttons every form ends with.
 */
import { createContext, type ComponentChildren, type JSX, type TargetedEvent } from "preact";
import { useContext, useEffect, useId, useRef, useState } from "preact/hooks";
import { toShown, type ShownError } from "../app/errors.js";
import { t } from "../app/i18n.js";
import { Actions, LinkButton } from "./screen.js";

/**
 * The id of the error box of the form a field stands in: each form has its own (pages such as a
 * staff account or a customer's detail carry several forms), so a field is described by its own
 * form's error and never by another's.
 */
const FormErrorId = createContext<string | null>(null);

/** The id of the enclosing form's error box (null outside a Form). */
export function useFormErrorId(): string | null {
  return useContext(FormErrorId);
}

export type Action = ReturnType<typeof useAction>;

/** Busy flag and the last error of a screen's actions. */
export function useAction(): {
  busy: boolean;
  error: ShownError | null;
  setError: (e: ShownError | null) => void;
  run: (fn: () => Promise<void>) => Promise<void>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const run = async (fn: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(toShown(e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

/** Field values of a form. */
export function useFields<K extends string>(initial: Record<K, string>): {
  values: Record<K, string>;
  bind: (name: K) => { name: K; value: string; onInput: (e: TargetedEvent<HTMLInputElement | HTMLSelectElement>) => void };
  set: (name: K, v: string) => void;
  reset: (v?: Partial<Record<K, string>>) => void;
} {
  const [values, setValues] = useState(initial);
  const set = (name: K, v: string): void => setValues((cur) => ({ ...cur, [name]: v }));
  return {
    values,
    bind: (name) => ({ name, value: values[name], onInput: (e) => set(name, e.currentTarget.value) }),
    set,
    reset: (v = {}) => setValues({ ...initial, ...v }),
  };
}

/** The error of the last action, announced; its fields are flagged and the first one focused. */
export function FormError(props: { error: ShownError | null; id?: string }): JSX.Element {
  const box = useRef<HTMLDivElement>(null);
  const own = useId();
  useEffect(() => {
    const e = props.error;
    if (!e) return;
    // Only this form's fields: another form on the page may have a field of the same name.
    const scope: ParentNode = box.current?.closest("form") ?? document;
    const first = e.fields.map((f) => scope.querySelector<HTMLElement>(`[name="${CSS.escape(f)}"]`)).find((el) => el !== null);
    (first ?? box.current)?.focus();
  }, [props.error]);
  return (
    <div id={props.id ?? `form-error-${own}`} class={props.error ? "alert alert-error" : "alert-empty"} role="alert" tabIndex={-1} ref={box}>
      {props.error ? <p>{props.error.message}</p> : null}
    </div>
  );
}

export function Form(props: { onSubmit: () => void | Promise<void>; busy?: boolean; error: ShownError | null; children: ComponentChildren; label?: string }): JSX.Element {
  const errorId = `form-error-${useId()}`;
  return (
    <form
      noValidate
      aria-busy={props.busy ? "true" : "false"}
      aria-label={props.label}
      onSubmit={(e) => {
        e.preventDefault();
        if (!props.busy) void props.onSubmit();
      }}
    >
      <FormErrorId.Provider value={errorId}>
        <FormError error={props.error} id={errorId} />
        {props.children}
      </FormErrorId.Provider>
    </form>
  );
}

export function Submit(props: { busy?: boolean; children: ComponentChildren; name?: string; danger?: boolean }): JSX.Element {
  return (
    <button type="submit" class={props.danger ? "btn btn-primary btn-danger-fill" : "btn btn-primary"} aria-disabled={props.busy ? "true" : undefined} name={props.name}>
      {props.busy ? t("processing") : props.children}
    </button>
  );
}

/** The row a form ends with: its submit button and, where there is one, the way back (戻る or another label). */
export function FormActions(props: { busy?: boolean; submit: string; back?: string; backLabel?: string; danger?: boolean }): JSX.Element {
  return (
    <Actions>
      <Submit busy={props.busy} danger={props.danger}>
        {props.submit}
      </Submit>
      {props.back ? <LinkButton href={props.back}>{props.backLabel ?? t("back")}</LinkButton> : null}
    </Actions>
  );
}

/**
 * A form whose submit runs one action: busy while it runs, its error announced above the fields,
 * and the row of submit / back buttons after them (when `submit` is given).
 */
export function ActionForm(props: {
  action: Action;
  onSubmit: () => Promise<void>;
  children: ComponentChildren;
  submit?: string;
  back?: string;
  backLabel?: string;
  danger?: boolean;
  label?: string;
}): JSX.Element {
  const { action } = props;
  return (
    <Form busy={action.busy} error={action.error} label={props.label} onSubmit={() => action.run(props.onSubmit)}>
      {props.children}
      {props.submit ? <FormActions busy={action.busy} submit={props.submit} back={props.back} backLabel={props.backLabel} danger={props.danger} /> : null}
    </Form>
  );
}
