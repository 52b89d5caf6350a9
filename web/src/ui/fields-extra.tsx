/**
 * Fields the back office needs beyond the portal's (a pasted list, a group of checkboxes): kept
 * apart from fields.tsx so the customers' first page does not carry them.
 */
import type { JSX, TargetedEvent } from "preact";
import { useId } from "preact/hooks";
import type { ShownError } from "../app/errors.js";
import { describedBy, FieldHead, invalidIn } from "./fields.js";
import { useFormErrorId } from "./form.js";

/** A multi-line field (pasted lists, longer notes), labelled and tied to its hint and error like the others. */
export function TextArea(p: { name: string; label: string; value: string; onInput: (e: TargetedEvent<HTMLTextAreaElement>) => void; error?: ShownError | null; hint?: string; rows?: number; required?: boolean; maxLength?: number }): JSX.Element {
  const id = useId();
  const errorId = useFormErrorId();
  const invalid = invalidIn(p.error, p.name);
  return (
    <div class={invalid ? "field field-invalid" : "field"}>
      <FieldHead id={id} label={p.label} hint={p.hint} required={p.required} />
      <textarea
        id={id}
        class="input input-long textarea"
        name={p.name}
        value={p.value}
        onInput={p.onInput}
        rows={p.rows ?? 6}
        maxLength={p.maxLength}
        required={p.required}
        spellcheck={false}
        autoCapitalize="off"
        aria-invalid={invalid ? "true" : undefined}
        aria-describedby={describedBy(id, p.hint, invalid, errorId)}
      />
    </div>
  );
}

/** Several checkboxes answering one question (a fieldset whose legend asks it); flagged as a whole when the error names the group. */
export function CheckGroup(p: { name: string; legend: string; options: readonly (readonly [string, string])[]; checked: readonly string[]; onChange: (checked: string[]) => void; error?: ShownError | null }): JSX.Element {
  const errorId = useFormErrorId();
  const invalid = invalidIn(p.error, p.name);
  return (
    <fieldset class={invalid ? "checks field-invalid" : "checks"} aria-invalid={invalid ? "true" : undefined} aria-describedby={invalid && errorId ? errorId : undefined}>
      <legend>{p.legend}</legend>
      {p.options.map(([v, label]) => (
        <label class="check" key={v}>
          <input
            type="checkbox"
            name={p.name}
            value={v}
            checked={p.checked.includes(v)}
            onChange={(e) => p.onChange(e.currentTarget.checked ? [...p.checked.filter((c) => c !== v), v] : p.checked.filter((c) => c !== v))}
          />
          {label}
        </label>
      ))}
    </fieldset>
  );
}
