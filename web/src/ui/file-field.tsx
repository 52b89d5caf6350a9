/**
 * A backup file (.pfx / .p12) picked from the disk: labelled, flagged and tied to its form's
 * error when the error names `pfxFile`, its bytes handed on once read (undefined while none).
 */
import type { JSX } from "preact";
import { useId } from "preact/hooks";
import type { ShownError } from "../app/errors.js";
import { invalidIn } from "./fields.js";
import { useFormErrorId } from "./form.js";

export function PfxFileField(props: { label: string; error: ShownError | null; onPicked: (bytes: Uint8Array | undefined) => void }): JSX.Element {
  const id = useId();
  const errorId = useFormErrorId();
  const invalid = invalidIn(props.error, "pfxFile");
  return (
    <div class={invalid ? "field field-invalid" : "field"}>
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name="pfxFile"
        type="file"
        accept=".pfx,.p12,application/x-pkcs12"
        aria-invalid={invalid ? "true" : undefined}
        aria-describedby={invalid && errorId ? errorId : undefined}
        onChange={(e) => {
          const picked = e.currentTarget.files?.[0];
          props.onPicked(undefined);
          if (picked) void picked.arrayBuffer().then((b) => props.onPicked(new Uint8Array(b)));
        }}
      />
    </div>
  );
}
