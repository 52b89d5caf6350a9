/**
 * 憑證匯出(備份) (F-SEC-EXPORT, AC-48): the 憑證密碼 unlocks the key, an export password of 4–10
 * characters typed twice protects the file, AES-256 by default or 3DES for old systems; the
 * file is made in this browser (the key and both passwords never reach the server), named as the
 * server says (`<身分證字號>-<yyyymmdd>.pfx`), and the export is recorded (audit).
 */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { keystoreModule } from "../app/certs.js";
import type { CertificateInfo } from "../keystore/index.js";
import { Select } from "../ui/fields.js";
import { SavedFileNotice, useSavedPfx } from "../ui/file-field.js";
import { ActionForm, useAction, useFields } from "../ui/form.js";
import { PinField } from "../ui/pin.js";
import { Actions, LinkButton, Loading, Notice, Screen } from "../ui/screen.js";
import { secPost, type SecSession } from "./api.js";
import { carrierError, certificatesOf, checkCertPassword, exportBackup, type PfxMode } from "./carrier.js";
import { secPath } from "./shell.js";
import { sec } from "./texts.js";

const label = (c: CertificateInfo): string => `${c.serialHex}（${c.notAfter.toISOString().slice(0, 10)}）`;

function ExportForm(props: { code: string; session: SecSession; certs: CertificateInfo[] }): JSX.Element {
  const usable = props.certs.filter((c) => !c.locked && c.status !== "expired");
  const [chosen, setChosen] = useState(usable[0]?.id ?? "");
  const [mode, setMode] = useState<PfxMode>("aes");
  const [file, keepFile] = useSavedPfx();
  const action = useAction();
  const f = useFields({ certPassword: "", pfxPassword: "", pfxPasswordAgain: "" });
  if (usable.length === 0) return <Notice kind="info">{sec("exportNone")}</Notice>;
  if (file) return <SavedFileNotice file={file} done={sec("exportDone")} save={sec("exportSave", { name: file.name })} linkClass="sec-download" />;
  return (
    <ActionForm
      action={action}
      submit={sec("exportAction")}
      label={sec("export")}
      onSubmit={async () => {
        await checkCertPassword(f.values.pfxPassword, f.values.pfxPasswordAgain, "pfxPassword", "pfxPasswordAgain");
        const cert = usable.find((c) => c.id === chosen) ?? usable[0]!;
        const bytes = await exportBackup(cert.id, f.values.certPassword, f.values.pfxPassword, mode).catch((e: unknown) => {
          throw carrierError(e, "certPassword");
        });
        f.reset();
        const r = await secPost<{ defaultFileName: string | null }>("/certificates/client-actions", { action: "EXPORT", serialHex: cert.serialHex, algorithm: mode === "legacy" ? "3DES" : "AES-256" }).catch(() => ({ defaultFileName: null }));
        const name = r.defaultFileName ?? (await keystoreModule()).pfxFileName(props.session.customer.nationalId, new Date(), "Asia/Taipei");
        keepFile(bytes, name);
      }}
    >
      {usable.length > 1 ? <Select name="certificate" label={sec("exportChoose")} value={chosen} onInput={(e) => setChosen(e.currentTarget.value)} options={usable.map((c) => [c.id, label(c)] as const)} /> : <p>{sec("exportChoose")}：<span class="sec-serial">{label(usable[0]!)}</span></p>}
      <PinField {...f.bind("certPassword")} label={sec("currentCertPassword")} hint={sec("currentCertPasswordHint")} error={action.error} maxLength={16} autoComplete="off" />
      <PinField {...f.bind("pfxPassword")} label={sec("exportPassword")} hint={sec("exportPasswordHint")} error={action.error} maxLength={10} autoComplete="new-password" />
      <PinField {...f.bind("pfxPasswordAgain")} label={sec("exportPasswordAgain")} error={action.error} maxLength={10} autoComplete="new-password" />
      <fieldset class="checks">
        <legend>{sec("exportAlgorithmLegend")}</legend>
        <label class="check">
          <input type="radio" name="algorithm" value="aes" checked={mode === "aes"} onChange={() => setMode("aes")} />
          {sec("exportAes")}
        </label>
        <label class="check">
          <input type="radio" name="algorithm" value="legacy" checked={mode === "legacy"} onChange={() => setMode("legacy")} />
          {sec("exportLegacy")}
        </label>
      </fieldset>
    </ActionForm>
  );
}

export function SecBackup(props: { code: string; session: SecSession }): JSX.Element {
  const [certs, setCerts] = useState<CertificateInfo[] | undefined>(undefined);
  useEffect(() => {
    certificatesOf(props.code, props.session.customer.nationalId).then(setCerts, () => setCerts([]));
  }, []);
  return (
    <Screen title={sec("export")} lead={sec("exportLead")}>
      {certs ? <ExportForm code={props.code} session={props.session} certs={certs} /> : <Loading />}
      <Actions>
        <LinkButton href={secPath(props.code, "home")}>{sec("back")}</LinkButton>
      </Actions>
    </Screen>
  );
}
