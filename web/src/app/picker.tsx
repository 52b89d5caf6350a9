/**
 * The Shinkin portal's certificate selection: the shared picker (web/src/ui/certificate-picker)
 * given the certificates of this browser the role may log on with (admin: contract ID + code;
 * user: contract ID + user ID + code) and the institution's time zone.
 */
import type { JSX } from "preact";
import { CertificatePicker as SharedPicker } from "../ui/certificate-picker.js";
import { certificatesFor, type CertificateInfo, type Role } from "./certs.js";
import type { ShownError } from "./errors.js";
import type { Institution } from "./model.js";

export { issuerName } from "../ui/certificate-picker.js";

export function CertificatePicker(props: {
  inst: Institution;
  role: Role;
  busy: boolean;
  error: ShownError | null;
  onPick: (c: CertificateInfo) => void | Promise<void>;
  onNone?: () => JSX.Element;
}): JSX.Element {
  const { inst, role } = props;
  return (
    <SharedPicker
      key={`${inst.code}-${role}`}
      load={() => certificatesFor(inst, role)}
      institutionCode={inst.code}
      timeZone={inst.timeZone}
      busy={props.busy}
      error={props.error}
      onPick={props.onPick}
      {...(props.onNone ? { onNone: props.onNone } : {})}
    />
  );
}
