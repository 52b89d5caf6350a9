/**
 * A backup file (.pfx / .p12) picked from the disk: labelled, flagged and tied to its form's
 * error when the error names `pfxFile`, its bytes handed on once read (undefined while none).
 */
import type { JSX } from "preact";
import { useEffect, useId, useState } from "preact/hooks";
import type { ShownError } from "../app/errors.js";
import { invalidIn } from "./fields.js";
import { useFormErrorId } from "./form.js";
import { Notice } from "./screen.js";

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

/**
 * A backup file made in the browser and offered for saving: its object URL lives while the
 * screen shows it. `keep` hands the new file's bytes and name.
 */
export function useSavedPfx(): [SavedFile | undefined, (bytes: Uint8Array<ArrayBuffer>, name: string) => void] {
  const [file, setFile] = useState<SavedFile | undefined>(undefined);
  useEffect(() => () => file && URL.revokeObjectURL(file.url), [file]);
  return [file, (bytes, name) => setFile({ url: URL.createObjectURL(new Blob([bytes], { type: "application/x-pkcs12" })), name })];
}

export interface SavedFile {
  url: string;
  name: string;
}

/**
 * The notice that a backup file is ready, with its link to save it; `inline` puts the link in the
 * sentence (TW), otherwise it stands in a paragraph of its own (securities).
 */
export function SavedFileNotice(props: { file: SavedFile; done: string; save: string; linkClass: string; inline?: boolean }): JSX.Element {
  const link = (
    <a href={props.file.url} download={props.file.name} class={props.linkClass}>
      {props.save}
    </a>
  );
  return (
    <Notice kind="success" live>
      {props.inline ? (
        <p>
          {props.done} {link}
        </p>
      ) : (
        <>
          <p>{props.done}</p>
          <p>{link}</p>
        </>
      )}
    </Notice>
  );
}
