/**
 * The building blocks every screen uses, made once to the bank's standard: each field has a
 * <label for>, its hint and the error tied to it (aria-describedby, aria-invalid), errors are
 * announced (role=alert) and take the focus, a screen's heading takes the focus when it opens,
 * PIN fields accept paste and can be shown in clear (R-PIN-9), and nothing uses an inline style
 * (the CSP allows only the site's own stylesheet).
 */
import type { ComponentChildren, JSX, TargetedEvent } from "preact";
import { useEffect, useId, useRef, useState } from "preact/hooks";
import { nextStepOf, toShown, type ShownError } from "./errors.js";
import { seed, t } from "./i18n.js";
import type { Institution } from "./model.js";

export const FORM_ERROR_ID = "form-error";

/** A screen: its heading gets the focus and names the window. */
export function Screen(props: { title: string; lead?: ComponentChildren; children?: ComponentChildren; wide?: boolean }): JSX.Element {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} | ${t("appName")}`;
    h1.current?.focus();
  }, [props.title]);
  return (
    <section class={props.wide ? "screen screen-wide" : "screen"} aria-labelledby="screen-title">
      <h1 id="screen-title" tabIndex={-1} ref={h1}>
        {props.title}
      </h1>
      {props.lead ? <p class="lead">{props.lead}</p> : null}
      {props.children}
    </section>
  );
}

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
export function FormError(props: { error: ShownError | null }): JSX.Element {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const e = props.error;
    if (!e) return;
    const first = e.fields.map((f) => document.querySelector<HTMLElement>(`[name="${CSS.escape(f)}"]`)).find((el) => el !== null);
    (first ?? box.current)?.focus();
  }, [props.error]);
  return (
    <div id={FORM_ERROR_ID} class={props.error ? "alert alert-error" : "alert-empty"} role="alert" tabIndex={-1} ref={box}>
      {props.error ? <p>{props.error.message}</p> : null}
    </div>
  );
}

export function Form(props: { onSubmit: () => void | Promise<void>; busy?: boolean; error: ShownError | null; children: ComponentChildren; label?: string }): JSX.Element {
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
      <FormError error={props.error} />
      {props.children}
    </form>
  );
}

interface FieldProps {
  name: string;
  label: string;
  value: string;
  onInput: (e: TargetedEvent<HTMLInputElement>) => void;
  error?: ShownError | null;
  hint?: string;
  type?: "text" | "email" | "password" | "number" | "date";
  inputMode?: "numeric" | "text" | "email" | "decimal";
  autoComplete?: string;
  required?: boolean;
  maxLength?: number;
  size?: "short" | "medium" | "long";
  pattern?: string;
}

const invalidIn = (error: ShownError | null | undefined, name: string): boolean => !!error && error.fields.includes(name);

export function Field(p: FieldProps): JSX.Element {
  const id = useId();
  const invalid = invalidIn(p.error, p.name);
  const described = [p.hint ? `${id}-hint` : "", invalid ? FORM_ERROR_ID : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class={invalid ? "field field-invalid" : "field"}>
      <label for={id}>
        {p.label}
        {p.required ? <span class="req"> ({t("required")})</span> : null}
      </label>
      {p.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      ) : null}
      <input
        id={id}
        class={`input input-${p.size ?? "medium"}`}
        name={p.name}
        // The union of input types does not narrow in Preact's typings; each value is a valid type.
        type={(p.type ?? "text") as "text"}
        value={p.value}
        onInput={p.onInput}
        inputMode={p.inputMode}
        autoComplete={p.autoComplete ?? "off"}
        autoCapitalize="off"
        spellcheck={false}
        required={p.required}
        maxLength={p.maxLength}
        aria-invalid={invalid ? "true" : undefined}
        aria-describedby={described}
      />
    </div>
  );
}

export function Select(p: {
  name: string;
  label: string;
  value: string;
  onInput: (e: TargetedEvent<HTMLSelectElement>) => void;
  options: readonly (readonly [string, string])[];
  error?: ShownError | null;
  hint?: string;
}): JSX.Element {
  const id = useId();
  const invalid = invalidIn(p.error, p.name);
  const described = [p.hint ? `${id}-hint` : "", invalid ? FORM_ERROR_ID : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class={invalid ? "field field-invalid" : "field"}>
      <label for={id}>{p.label}</label>
      {p.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      ) : null}
      <select id={id} name={p.name} value={p.value} onInput={p.onInput} aria-invalid={invalid ? "true" : undefined} aria-describedby={described}>
        {p.options.map(([v, label]) => (
          <option key={v} value={v}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A PIN: masked by default (R-PIN-9), paste allowed, a checkbox shows it in clear. */
export function PinField(p: Omit<FieldProps, "type">): JSX.Element {
  const [shown, setShown] = useState(false);
  const id = useId();
  const invalid = invalidIn(p.error, p.name);
  const described = [p.hint ? `${id}-hint` : "", invalid ? FORM_ERROR_ID : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class={invalid ? "field field-invalid" : "field"}>
      <label for={id}>
        {p.label}
        {p.required !== false ? <span class="req"> ({t("required")})</span> : null}
      </label>
      {p.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      ) : null}
      <div class="pin-row">
        <input
          id={id}
          class={`input input-${p.size ?? "medium"}`}
          name={p.name}
          type={(shown ? "text" : "password") as "text"}
          value={p.value}
          onInput={p.onInput}
          inputMode={p.inputMode}
          autoComplete={p.autoComplete ?? "off"}
          autoCapitalize="off"
          spellcheck={false}
          maxLength={p.maxLength ?? 64}
          aria-invalid={invalid ? "true" : undefined}
          aria-describedby={described}
        />
        <label class="show-pin">
          <input type="checkbox" checked={shown} onChange={(e) => setShown(e.currentTarget.checked)} aria-controls={id} />
          {t("showPin")}
        </label>
      </div>
    </div>
  );
}

export function Submit(props: { busy?: boolean; children: ComponentChildren; name?: string }): JSX.Element {
  return (
    <button type="submit" class="btn btn-primary" aria-disabled={props.busy ? "true" : undefined} name={props.name}>
      {props.busy ? t("processing") : props.children}
    </button>
  );
}

export function Actions(props: { children: ComponentChildren }): JSX.Element {
  return <div class="actions">{props.children}</div>;
}

export function Notice(props: { kind?: "info" | "warn" | "success"; children: ComponentChildren; live?: boolean; title?: string }): JSX.Element {
  return (
    <div class={`notice notice-${props.kind ?? "info"}`} role={props.live ? "status" : undefined}>
      {props.title ? <p class="notice-title">{props.title}</p> : null}
      {props.children}
    </div>
  );
}

/** Definition list of facts (status pages, confirmation screens). */
export function Facts(props: { rows: readonly (readonly [string, ComponentChildren])[] }): JSX.Element {
  return (
    <dl class="facts">
      {props.rows.map(([k, v]) => (
        <div class="fact" key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The card-password field: the positions asked ("イ・カ") are in the label itself. */
export function CardOtpField(p: { label: string; positions: number; value: string; onInput: FieldProps["onInput"]; error: ShownError | null; name?: string }): JSX.Element {
  return (
    <div class="card-ask">
      <p class="card-positions" aria-hidden="true">
        {p.label}
      </p>
      <PinField
        name={p.name ?? "answer"}
        label={t("cardOtpAsk", { label: p.label })}
        hint={t("cardOtpHint", { label: p.label, digits: p.positions * 2 })}
        value={p.value}
        onInput={p.onInput}
        error={p.error}
        inputMode="numeric"
        maxLength={p.positions * 2}
        size="short"
      />
    </div>
  );
}

/** The error page: the message as the server gave it, and what to do next. */
export function ErrorView(props: { error: ShownError; inst: Institution; links?: ComponentChildren }): JSX.Element {
  const next = nextStepOf(props.error.code);
  return (
    <Screen title={t("errorTitle")}>
      <div class="alert alert-error" role="alert">
        <p data-code={props.error.code}>{props.error.message}</p>
      </div>
      <h2>{t("whatNext")}</h2>
      <p>{t(next, { contact: props.inst.contact })}</p>
      {props.error.code === "CSRF_INVALID" ? <p>{seed("MSG-J19")}</p> : null}
      <Actions>
        {props.links}
        <a class="btn" href={`/portal/${props.inst.code}`}>
          {t("toTop")}
        </a>
      </Actions>
    </Screen>
  );
}

export function Loading(): JSX.Element {
  return (
    <p class="loading" role="status">
      {t("loading")}
    </p>
  );
}
