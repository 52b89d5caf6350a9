/**
 * 憑證匯入 (F-SEC-IMPORT, AC-49): a .pfx and its export password, opened in this browser (a wrong
 * password is MSG-S08 on its field); only the customer's host-registered certificate is taken
 * (POST /certificates/import-check, SEC_IMPORT_NOT_REGISTERED otherwise, with the serial the
 * firm has); then it becomes this browser's, its password the 憑證密碼 here → MSG-S06 ("此瀏覽器").
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { isApiError } from "../app/api.js";
import { localError } from "../app/errors.js";
import { currentLocale } from "../app/i18n.js";
import { toBase64Url } from "../../../src/domain/signing.js";
import { PfxFileField } from "../ui/file-field.js";
import { ActionForm, useAction, useFields } from "../ui/form.js";
import { PinField } from "../ui/pin.js";
import { Actions, LinkButton, Notice, Screen } from "../ui/screen.js";
import { secGet, secPost, type HostStatus, type SecSession } from "./api.js";
import { carrierError, importBackup, openBackup } from "./carrier.js";
import { secPath } from "./shell.js";
import { sec } from "./texts.js";

function ImportForm(props: { code: string; onImported: (message: string) => void }): JSX.Element {
  const [bytes, setBytes] = useState<Uint8Array | undefined>(undefined);
  const action = useAction();
  const f = useFields({ pfxPassword: "" });
  return (
    <ActionForm
      action={action}
      submit={sec("importAction")}
      label={sec("import")}
      onSubmit={async () => {
        if (!bytes) throw localError("PFX_FILE_MISSING", sec("importNoFile"), ["pfxFile"]);
        const opened = await openBackup(bytes, f.values.pfxPassword).catch((e: unknown) => {
          throw carrierError(e, "pfxPassword");
        });
        let message: string;
        try {
          message = (await secPost<{ message: string }>("/certificates/import-check", { certificate: toBase64Url(opened.certDer) })).message;
        } catch (e) {
          if (isApiError(e) && e.code === "SEC_IMPORT_NOT_REGISTERED") {
            const host = await secGet<HostStatus>("/status").catch(() => undefined);
            const next = host?.certificate ? sec("importForeignNext", { serial: host.certificate.serialHex }) : "";
            throw localError(e.code, currentLocale() === "en" ? `${e.message} ${next}`.trim() : `${e.message}${next}`, ["pfxFile"]);
          }
          throw e;
        }
        await importBackup(props.code, bytes, f.values.pfxPassword).catch((e: unknown) => {
          if ((e as { code?: unknown } | null)?.code === "CERT_ALREADY_PRESENT") throw localError("CERT_ALREADY_PRESENT", sec("importPresent"), ["pfxFile"]);
          throw carrierError(e, "pfxPassword");
        });
        await secPost("/certificates/client-actions", { action: "IMPORT", serialHex: opened.serialHex }).catch(() => undefined);
        f.reset();
        props.onImported(message);
      }}
    >
      <PfxFileField label={sec("importFile")} error={action.error} onPicked={setBytes} />
      <PinField {...f.bind("pfxPassword")} label={sec("importPassword")} hint={sec("importPasswordHint")} error={action.error} maxLength={10} autoComplete="off" />
      {action.error?.code === "PFX_BAD_PASSWORD" ? <p class="hint">{sec("importBadPasswordNext")}</p> : null}
    </ActionForm>
  );
}

export function SecImport(props: { code: string; session: SecSession }): JSX.Element {
  const [done, setDone] = useState<string | undefined>(undefined);
  return (
    <Screen title={sec("import")} lead={done ? undefined : sec("importLead")}>
      {done ? (
        <>
          <Notice kind="success" live>
            <p>{done}</p>
          </Notice>
          <Actions>
            <LinkButton href={secPath(props.code, "home")} primary>
              {sec("ok")}
            </LinkButton>
          </Actions>
        </>
      ) : (
        <>
          <ImportForm code={props.code} onImported={setDone} />
          <Actions>
            <LinkButton href={secPath(props.code, "home")}>{sec("back")}</LinkButton>
          </Actions>
        </>
      )}
    </Screen>
  );
}
