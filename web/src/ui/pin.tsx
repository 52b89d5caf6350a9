/**
 * PIN entry: masked by default (R-PIN-9), paste allowed, a checkbox shows it in clear; and the
 * card-password field, where the positions asked ("イ・カ") are in the label itself.
 */
import type { JSX } from "preact";
import { useId, useState } from "preact/hooks";
import type { ShownError } from "../app/errors.js";
import { currentLocale, t } from "../app/i18n.js";
import { FieldHead, inputAttrs, invalidIn, type FieldProps } from "./fields.js";
import { useFormErrorId } from "./form.js";

/**
 * A PIN: masked by default (R-PIN-9), paste allowed, a checkbox shows it in clear (`showLabel`
 * words that checkbox where a seed names it, e.g. 顯示密碼明文).
 */
export function PinField(p: Omit<FieldProps, "type"> & { showLabel?: string }): JSX.Element {
  const [shown, setShown] = useState(false);
  const id = useId();
  const errorId = useFormErrorId();
  const invalid = invalidIn(p.error, p.name);
  return (
    <div class={invalid ? "field field-invalid" : "field"}>
      <FieldHead id={id} label={p.label} hint={p.hint} required={p.required !== false} />
      <div class="pin-row">
        <input {...inputAttrs(p, id, invalid, errorId)} type={(shown ? "text" : "password") as "text"} maxLength={p.maxLength ?? 64} />
        <label class="show-pin">
          <input type="checkbox" checked={shown} onChange={(e) => setShown(e.currentTarget.checked)} aria-controls={id} />
          {p.showLabel ?? t("showPin")}
        </label>
      </div>
    </div>
  );
}

/** The card-password field: the positions asked ("イ・カ") are in the label itself. */
export function CardOtpField(p: { label: string; positions: number; value: string; onInput: FieldProps["onInput"]; error: ShownError | null; name?: string }): JSX.Element {
  return (
    <div class="card-ask">
      <p class="card-positions" aria-hidden="true">
        {p.label}
      </p>
      <CardGridNote label={p.label} />
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

/**
 * The card prints its eight boxes under the Japanese letters ア…ク. Readers of zh-TW and en are
 * told which box each asked letter is (ア the first, ク the eighth); ja readers need no key.
 */
function CardGridNote(props: { label: string }): JSX.Element | null {
  if (!t("cardGridNote")) return null;
  const letters = "アイウエオカキク";
  const where = props.label
    .split("・")
    .map((letter) => t("cardBoxNth", { letter, n: letters.indexOf(letter) + 1 }))
    .join(currentLocale() === "en" ? ", " : "、");
  return <p class="hint card-grid-note">{t("cardGridNote", { where })}</p>;
}
