/**
 * 憑證下載 pieces shared by 憑證申請 and 憑證更新: choosing the carrier (this browser's carrier,
 * "inserted" by its PIN — MSG-T11 when wrong — or a new one with its PIN set twice), the
 * download with a real progress indicator (each step is a real step: key generation, the CA's
 * answer, storing), and the seed's two messages: MSG-T01 as a prompt to confirm, then MSG-T02
 * on the download page (plus the EDI customer's next step).
 */
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { localError, toShown, type ShownError } from "../app/errors.js";
import type { CertificateInfo } from "../keystore/index.js";
import { ActionForm, FormError, useAction, useFields } from "../ui/form.js";
import { PinField } from "../ui/pin.js";
import { StepProgress } from "../ui/progress.js";
import { Actions, LinkButton, Loading, Notice } from "../ui/screen.js";
import { textOf, type TwDownload } from "./api.js";
import { carriersOf, checkNewPin, downloadInto, openCarrier, type DownloadStep } from "./carrier.js";
import { twPath } from "./shell.js";
import { tw } from "./texts.js";

const NEW = "new";

/** "Insert the carrier and enter its PIN": resolves the PIN the new key will be wrapped under. */
export function CarrierForm(props: { code: string; preferSerial?: string; submit: string; back?: string; onReady: (pin: string) => void }): JSX.Element {
  const [carriers, setCarriers] = useState<CertificateInfo[] | undefined>(undefined);
  const [choice, setChoice] = useState<string>(NEW);
  const action = useAction();
  const f = useFields({ pin: "", pinAgain: "" });
  useEffect(() => {
    carriersOf(props.code).then(
      (list) => {
        const usable = list.filter((c) => !c.locked);
        setCarriers(usable);
        const preferred = usable.find((c) => props.preferSerial && c.serialHex.replace(/^0+/, "") === props.preferSerial.replace(/^0+/, "")) ?? usable[0];
        setChoice(preferred?.id ?? NEW);
      },
      (e) => {
        setCarriers([]);
        action.setError(toShown(e));
      },
    );
  }, []);
  if (!carriers) return <Loading />;
  const isNew = choice === NEW;
  return (
    <ActionForm
      action={action}
      submit={props.submit}
      back={props.back}
      label={tw("carrier")}
      onSubmit={async () => {
        if (isNew) {
          await checkNewPin(f.values.pin, "pin");
          if (f.values.pin !== f.values.pinAgain) throw localError("CARRIER_PIN_MISMATCH", tw("carrierPinMismatch"), ["pinAgain"]);
        } else {
          await openCarrier(choice, f.values.pin);
        }
        props.onReady(f.values.pin);
      }}
    >
      <fieldset class="checks">
        <legend>{tw("carrier")}</legend>
        {carriers.length === 0 ? <p class="hint">{tw("carrierNone")}</p> : null}
        {carriers.map((c) => (
          <label class="check" key={c.id}>
            <input type="radio" name="carrier" value={c.id} checked={choice === c.id} onChange={() => setChoice(c.id)} />
            {tw("carrierExisting", { cn: c.cn })} <span class="mono tw-break">{c.serialHex}</span>
          </label>
        ))}
        <label class="check">
          <input type="radio" name="carrier" value={NEW} checked={isNew} onChange={() => setChoice(NEW)} />
          {tw("carrierNew")}
        </label>
        <p class="hint">
          <a href={twPath(props.code, "carrier-import")}>{tw("importLink")}</a>
        </p>
      </fieldset>
      <PinField {...f.bind("pin")} label={isNew ? tw("carrierPinNew") : tw("carrierPinLabel")} hint={tw("carrierPinHint")} error={action.error} maxLength={16} autoComplete="off" />
      {isNew ? <PinField {...f.bind("pinAgain")} label={tw("carrierPinAgain")} error={action.error} maxLength={16} autoComplete="off" /> : null}
    </ActionForm>
  );
}

const STEPS: readonly DownloadStep[] = ["key", "issue", "store", "done"];
const STEP_TEXT = { key: "pKey", issue: "pIssue", store: "pStore", done: "pDone" } as const;

/** Runs the download once (mounted once per application) and reports the certificate. */
export function DownloadRun(props: { code: string; cn: string; pin: string; applicationId: string; wait?: string; onDone: (r: TwDownload) => void }): JSX.Element {
  const [step, setStep] = useState<DownloadStep>("key");
  const [error, setError] = useState<ShownError | null>(null);
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    downloadInto(props.code, props.cn, props.pin, props.applicationId, setStep).then(props.onDone, (e) => setError(toShown(e)));
  }, []);
  const at = STEPS.indexOf(step);
  return (
    <div class="tw-download">
      {props.wait ? <Notice kind="info">{props.wait}</Notice> : null}
      <FormError error={error} />
      <StepProgress
        label={tw("progressLabel")}
        at={at}
        live={tw(STEP_TEXT[step])}
        steps={STEPS.map((s) => ({ key: s, text: tw(STEP_TEXT[s]) }))}
      />
    </div>
  );
}

/** MSG-T01 to confirm, then MSG-T02 on the page (the seed's steps 6 and 7). */
export function DownloadDone(props: { code: string; result: TwDownload }): JSX.Element {
  const [confirmed, setConfirmed] = useState(false);
  const ok = useRef<HTMLButtonElement>(null);
  useEffect(() => ok.current?.focus(), []);
  const { result } = props;
  if (!confirmed) {
    return (
      <div class="tw-prompt" role="alertdialog" aria-labelledby="t01" aria-modal="false">
        <p id="t01" class="tw-prompt-text">
          {textOf(result.texts, "MSG-T01")}
        </p>
        <Actions>
          <button type="button" class="btn btn-primary" ref={ok} onClick={() => setConfirmed(true)}>
            {tw("confirm")}
          </button>
        </Actions>
      </div>
    );
  }
  return (
    <>
      <Notice kind="success" live>
        <p>{textOf(result.texts, "MSG-T02")}</p>
        <p>
          {tw("serial")}: <span class="mono tw-break">{result.serialHex}</span>
        </p>
      </Notice>
      {result.nextStep === "EDI_PROOF_SHEET" ? (
        <Notice kind="warn">
          <p>{textOf(result.texts, "TW-EDI-NEXT")}</p>
        </Notice>
      ) : null}
      <Actions>
        {result.nextStep === "EDI_PROOF_SHEET" ? (
          <LinkButton href={twPath(props.code, "proof")} primary>
            {tw("ediNext")}
          </LinkButton>
        ) : null}
        <LinkButton href={twPath(props.code, "query")} primary={result.nextStep !== "EDI_PROOF_SHEET"}>
          {tw("query")}
        </LinkButton>
        <LinkButton href={twPath(props.code, "home")}>{tw("home")}</LinkButton>
      </Actions>
    </>
  );
}
