/**
 * Input fields: each has a <label for>, its hint and the form's error tied to it
 * (aria-describedby, aria-invalid), and nothing uses an inline style.
 */
import type { JSX, TargetedEvent } from "preact";
import { useId } from "preact/hooks";
import type { ShownError } from "../app/errors.js";
import { t } from "../app/i18n.js";
import { useFormErrorId } from "./form.js";

export interface FieldProps {
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

export const invalidIn = (error: ShownError | null | undefined, name: string): boolean => !!error && error.fields.includes(name);

/** The ids a field is described by: its hint, and its form's error box (`errorId`) when the error names this field. */
export const describedBy = (id: string, hint: string | undefined, invalid: boolean, errorId: string | null): string | undefined =>
  [hint ? `${id}-hint` : "", invalid && errorId ? errorId : ""].filter(Boolean).join(" ") || undefined;

/** Label (with 必須 when required) and hint of a field. */
export function FieldHead(p: { id: string; label: string; hint?: string; required?: boolean }): JSX.Element {
  return (
    <>
      <label for={p.id}>
        {p.label}
        {p.required ? <span class="req"> ({t("required")})</span> : null}
      </label>
      {p.hint ? (
        <p class="hint" id={`${p.id}-hint`}>
          {p.hint}
        </p>
      ) : null}
    </>
  );
}

/** What every text-like input of a field carries: its id, name and value, no autocapitalisation or spell check, and its hint and error tied to it. */
export function inputAttrs(
  p: FieldProps,
  id: string,
  invalid: boolean,
  errorId: string | null,
): Pick<FieldProps, "name" | "value" | "onInput" | "inputMode"> & { id: string; class: string; autoComplete: string; autoCapitalize: "off"; spellcheck: false; "aria-invalid"?: "true"; "aria-describedby"?: string } {
  return {
    id,
    class: `input input-${p.size ?? "medium"}`,
    name: p.name,
    value: p.value,
    onInput: p.onInput,
    inputMode: p.inputMode,
    autoComplete: p.autoComplete ?? "off",
    autoCapitalize: "off",
    spellcheck: false,
    "aria-invalid": invalid ? "true" : undefined,
    "aria-describedby": describedBy(id, p.hint, invalid, errorId),
  };
}

export function Field(p: FieldProps): JSX.Element {
  const id = useId();
  const errorId = useFormErrorId();
  const invalid = invalidIn(p.error, p.name);
  return (
    <div class={invalid ? "field field-invalid" : "field"}>
      <FieldHead id={id} label={p.label} hint={p.hint} required={p.required} />
      <input
        {...inputAttrs(p, id, invalid, errorId)}
        // The union of input types does not narrow in Preact's typings; each value is a valid type.
        type={(p.type ?? "text") as "text"}
        required={p.required}
        maxLength={p.maxLength}
      />
    </div>
  );
}

/** An e-mail address field (the same shape on every form that asks for one). */
export function EmailField(p: Omit<FieldProps, "type" | "inputMode" | "size" | "maxLength">): JSX.Element {
  return <Field {...p} type="email" inputMode="email" size="long" maxLength={254} />;
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
  const errorId = useFormErrorId();
  const invalid = invalidIn(p.error, p.name);
  return (
    <div class={invalid ? "field field-invalid" : "field"}>
      <FieldHead id={id} label={p.label} hint={p.hint} />
      <select id={id} name={p.name} value={p.value} onInput={p.onInput} aria-invalid={invalid ? "true" : undefined} aria-describedby={describedBy(id, p.hint, invalid, errorId)}>
        {p.options.map(([v, label]) => (
          <option key={v} value={v}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A checkbox in its own fieldset (the legend says what is asked, the label what ticking means). */
export function CheckField(p: { name: string; legend: string; label: string; checked: boolean; onChange: (on: boolean) => void }): JSX.Element {
  return (
    <fieldset class="checks">
      <legend>{p.legend}</legend>
      <label class="check">
        <input type="checkbox" name={p.name} checked={p.checked} onChange={(e) => p.onChange(e.currentTarget.checked)} />
        {p.label}
      </label>
    </fieldset>
  );
}
