/**
 * 電子証明書取得 for the administrator (F-ADM-CERT) and users (F-USR-CERT Variant P): the
 * credentials, then a progress indicator in place of the IE prompts of the seeds — key pair made
 * in this browser (device-bound, non-extractable), MSG-J14 電子証明書発行処理中, the certificate
 * stored beside the key — then MSG-J11 / MSG-J17 with the CN the bank issued.
 */
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { AuthFailedPage, isAuthFailure } from "./auth-failed.js";
import { acquireCertificate, type AcquisitionStep } from "./certs.js";
import { useSteps } from "./router.js";
import { formatDateTime, seed, t } from "./i18n.js";
import type { Institution, IssuedCertificate, ScreenMessage } from "./model.js";
import { StepProgress } from "../ui/progress.js";
import { Actions, ErrorView, Facts, Form, Notice, Screen, Submit, useAction } from "./ui.js";

const STEPS: readonly Exclude<AcquisitionStep, "done">[] = ["key", "issue", "install"];

function stepText(s: Exclude<AcquisitionStep, "done">): string {
  return s === "key" ? seed("MSG-J16") : s === "issue" ? seed("MSG-J14") : t("certStepInstall");
}

export function Progress(props: { step: AcquisitionStep }): JSX.Element {
  const at = props.step === "done" ? STEPS.length : STEPS.indexOf(props.step);
  return <StepProgress steps={STEPS.map((s) => ({ key: s, text: stepText(s) }))} at={at} label={seed("MSG-J14")} live={props.step === "done" ? seed("MSG-J17") : stepText(props.step)} />;
}

export function Acquisition(props: {
  inst: Institution;
  lead: string;
  /** The credential fields (bound to the caller's state). */
  fields: (error: ReturnType<typeof useAction>["error"]) => ComponentChildren;
  /** The CN the CSR asks for (informational: the CA decides). */
  cn: () => string;
  issue: (csrPem: string) => Promise<IssuedCertificate>;
  doneTitle: string;
  logonHref: string;
  backHref: string;
}): JSX.Element {
  const { inst } = props;
  const action = useAction();
  const [step, setStep] = useState<AcquisitionStep | undefined>(undefined);
  const [issued, setIssued] = useState<IssuedCertificate | undefined>(undefined);
  // MSG-J06/J08 on a page of its own; Back (the browser's or 戻る) returns to the filled-in form.
  const steps = useSteps<{ at: "form" } | { at: "authFailed"; code: string; message: string }>({ at: "form" });
  // MSG-J18 asks not to close or reload the page while the key and certificate are made: the
  // browser's own "leave this page?" question backs it up.
  useEffect(() => {
    if (!step) return;
    const hold = (e: BeforeUnloadEvent): void => e.preventDefault();
    window.addEventListener("beforeunload", hold);
    return () => window.removeEventListener("beforeunload", hold);
  }, [step !== undefined]);

  if (action.error?.terminal) return <ErrorView error={action.error} inst={inst} />;
  if (steps.step.at === "authFailed") return <AuthFailedPage code={steps.step.code} message={steps.step.message} onBack={steps.back} />;

  if (issued) {
    const msgs: ScreenMessage[] = issued.messages.filter((m) => !m.id.endsWith("-TITLE"));
    return (
      <Screen title={props.doneTitle}>
        <Progress step="done" />
        <Notice kind="success">
          {(msgs.length ? msgs.map((m) => m.text) : [seed("MSG-J11")]).map((text) => (
            <p key={text}>{text}</p>
          ))}
        </Notice>
        <Facts
          rows={[
            [t("colCn"), <span class="mono" data-cn={issued.cn}>{issued.cn}</span>],
            [t("colSerial"), <span class="mono">{issued.serialHex}</span>],
            [t("colValidity"), t("validityRange", { from: formatDateTime(issued.notBefore, inst.timeZone), to: formatDateTime(issued.notAfter, inst.timeZone) })],
            [t("colKind"), t("kindDevice")],
          ]}
        />
        <Actions>
          <a class="btn btn-primary" href={props.logonHref}>
            {t("certNextLogon")}
          </a>
        </Actions>
      </Screen>
    );
  }

  return (
    <Screen title={t("certTitle")} lead={props.lead}>
      <Form
        busy={action.busy}
        error={action.error}
        onSubmit={() =>
          action.run(async () => {
            try {
              const r = await acquireCertificate(inst, props.cn(), props.issue, setStep);
              setIssued(r.issued);
            } catch (e) {
              if (isAuthFailure(e)) steps.go({ at: "authFailed", code: e.code, message: e.message });
              throw e;
            } finally {
              setStep(undefined);
            }
          })
        }
      >
        {props.fields(action.error)}
        <p>{seed("MSG-J15")}</p>
        {step ? (
          <>
            <Notice kind="warn">
              <p>{seed("MSG-J18")}</p>
            </Notice>
            <Progress step={step} />
          </>
        ) : null}
        <Actions>
          <Submit busy={action.busy}>{t("certStart")}</Submit>
          <a class="btn" href={props.backHref}>
            {t("back")}
          </a>
        </Actions>
      </Form>
    </Screen>
  );
}
