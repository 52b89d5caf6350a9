/**
 * 備份憑證載具 (DESIGN §3: the carrier "optionally backed up as a .pfx"): the carrier PIN unlocks
 * the key, a .pfx password (4–10 characters, typed twice) protects the file, named
 * `<customer-id>-<yyyymmdd>.pfx`. And the way back: a .pfx and its password become a carrier of
 * this browser under a new carrier PIN — only when its certificate is one of this customer's
 * (GET /api/tw/certificates), so a stranger's file is refused.
 */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { localError, toShown } from "../app/errors.js";
import type { CertificateInfo } from "../keystore/index.js";
import { Select } from "../ui/fields.js";
import { PfxFileField, SavedFileNotice, useSavedPfx } from "../ui/file-field.js";
import { ActionForm, useAction, useFields } from "../ui/form.js";
import { PinField } from "../ui/pin.js";
import { Actions, LinkButton, Loading, Notice, Screen } from "../ui/screen.js";
import type { TwSession } from "./api.js";
import { backupCarrier, carriersOf, checkNewPin, importCarrier } from "./carrier.js";
import { useCertificates } from "./query.js";
import { SecurityGate } from "./security.js";
import { twPath } from "./shell.js";
import { tw } from "./texts.js";

async function checkBackupPassword(password: string, again: string): Promise<void> {
  const m = await import("../keystore/pfx.js");
  await m.checkPfxPassword(password).catch((e: unknown) => {
    const shown = toShown(e);
    throw localError(shown.code, shown.message, ["pfxPassword"]);
  });
  if (password !== again) throw localError("PFX_PASSWORD_MISMATCH", tw("backupPasswordMismatch"), ["pfxPasswordAgain"]);
}

function BackupForm(props: { carriers: CertificateInfo[]; session: TwSession }): JSX.Element {
  const usable = props.carriers.filter((c) => !c.locked);
  const [chosen, setChosen] = useState(usable[0]?.id ?? "");
  const [file, keepFile] = useSavedPfx();
  const action = useAction();
  const f = useFields({ pin: "", pfxPassword: "", pfxPasswordAgain: "" });
  if (usable.length === 0) return <p>{tw("carrierNone")}</p>;
  if (file) return <SavedFileNotice file={file} done={tw("backupDone")} save={tw("backupDownload", { name: file.name })} linkClass="tw-break" inline />;
  return (
    <ActionForm
      action={action}
      submit={tw("backupAction")}
      label={tw("carrierBackup")}
      onSubmit={async () => {
        await checkBackupPassword(f.values.pfxPassword, f.values.pfxPasswordAgain);
        const out = await backupCarrier(chosen, f.values.pin, f.values.pfxPassword, props.session.customer.identifier);
        f.reset();
        keepFile(out.bytes, out.name);
      }}
    >
      <Select name="carrier" label={tw("pinChooseCarrier")} value={chosen} onInput={(e) => setChosen(e.currentTarget.value)} options={usable.map((c) => [c.id, `${c.cn} ${c.serialHex}`] as const)} />
      <PinField {...f.bind("pin")} label={tw("carrierPinLabel")} error={action.error} maxLength={16} autoComplete="off" />
      <PinField {...f.bind("pfxPassword")} label={tw("backupPassword")} hint={tw("backupPasswordHint")} error={action.error} maxLength={10} autoComplete="new-password" />
      <PinField {...f.bind("pfxPasswordAgain")} label={tw("backupPasswordAgain")} error={action.error} maxLength={10} autoComplete="new-password" />
    </ActionForm>
  );
}

/** 由 .pfx 匯入: the file and its password, then the new carrier PIN twice. */
function ImportForm(props: { code: string; onImported: (c: CertificateInfo) => void }): JSX.Element {
  const { list } = useCertificates();
  const [bytes, setBytes] = useState<Uint8Array | undefined>(undefined);
  const action = useAction();
  const f = useFields({ pfxPassword: "", pin: "", pinAgain: "" });
  return (
    <ActionForm
      action={action}
      submit={tw("importAction")}
      label={tw("importTitle")}
      onSubmit={async () => {
        if (!bytes) throw localError("PFX_FILE_MISSING", tw("importNoFile"), ["pfxFile"]);
        await checkNewPin(f.values.pin, "pin");
        if (f.values.pin !== f.values.pinAgain) throw localError("CARRIER_PIN_MISMATCH", tw("carrierPinMismatch"), ["pinAgain"]);
        const serials = (list ?? []).map((c) => c.serialHex);
        const info = await importCarrier(props.code, bytes, f.values.pfxPassword, f.values.pin, serials, () => localError("TW_PFX_FOREIGN", tw("importForeign"), ["pfxFile"])).catch((e: unknown) => {
          const shown = toShown(e);
          // A wrong .pfx password points at its field.
          throw shown.code === "PFX_BAD_PASSWORD" ? localError(shown.code, shown.message, ["pfxPassword"]) : e;
        });
        f.reset();
        props.onImported(info);
      }}
    >
      <PfxFileField label={tw("importFile")} error={action.error} onPicked={setBytes} />
      <PinField {...f.bind("pfxPassword")} label={tw("backupPassword")} error={action.error} maxLength={10} autoComplete="off" />
      <PinField {...f.bind("pin")} label={tw("carrierPinNew")} hint={tw("carrierPinHint")} error={action.error} maxLength={16} autoComplete="off" />
      <PinField {...f.bind("pinAgain")} label={tw("carrierPinAgain")} error={action.error} maxLength={16} autoComplete="off" />
    </ActionForm>
  );
}

export function TwCarrierBackup(props: { code: string; session: TwSession }): JSX.Element {
  const [carriers, setCarriers] = useState<CertificateInfo[] | undefined>(undefined);
  useEffect(() => {
    carriersOf(props.code).then(setCarriers, () => setCarriers([]));
  }, []);
  return (
    <Screen title={tw("carrierBackup")} lead={tw("backupLead")}>
      <SecurityGate code={props.code}>
        {!carriers ? <Loading /> : <BackupForm carriers={carriers} session={props.session} />}
        <p>
          <a href={twPath(props.code, "carrier-import")}>{tw("importLink")}</a>
        </p>
      </SecurityGate>
    </Screen>
  );
}

export function TwCarrierImport(props: { code: string }): JSX.Element {
  const [imported, setImported] = useState<CertificateInfo | undefined>(undefined);
  return (
    <Screen title={tw("importTitle")}>
      <SecurityGate code={props.code}>
        {imported ? (
          <>
            <Notice kind="success" live>
              <p>{tw("importDone", { serial: imported.serialHex })}</p>
            </Notice>
            <Actions>
              <LinkButton href={twPath(props.code, "home")} primary>
                {tw("home")}
              </LinkButton>
            </Actions>
          </>
        ) : (
          <ImportForm code={props.code} onImported={setImported} />
        )}
      </SecurityGate>
    </Screen>
  );
}
