/**
 * 申請 and 展期 (F-SEC-APPLY, F-SEC-RENEW, AC-45…47, AC-50): the SMS code → the CA consent in
 * effect (versioned) with the 憑證密碼 that will protect the key here → 我同意 → MSG-S09 with the
 * real steps (key in this browser, CSR, issuance, storing) → MSG-S05 with 【備份】/【取消】 →
 * POST /applications/:id/installed (only now is a renewed certificate superseded; the browser
 * drops it) → both statuses refreshed.
 */
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { toShown, type ShownError } from "../app/errors.js";
import { navigate, useSteps } from "../app/router.js";
import { ActionForm, useAction, useFields } from "../ui/form.js";
import { PinField } from "../ui/pin.js";
import { StepProgress } from "../ui/progress.js";
import { formatDateTime } from "../app/i18n.js";
import { Actions, LinkButton, Loading, Notice, Screen } from "../ui/screen.js";
import { TermsBox } from "../ui/terms.js";
import { secGet, secPost, textOf, type Consent, type HostStatus, type IssuedSecCertificate, type SecApplication, type SecFirm, type SecSession, type SentCode } from "./api.js";
import { applyInto, checkCertPassword, dropOlder, type ApplyStep } from "./carrier.js";
import { secPath, useFirm } from "./shell.js";
import { SmsCodeForm } from "./sms-code.js";
import { StatusPanels, useStatuses } from "./status.js";
import { sec } from "./texts.js";

type Kind = "APPLY" | "RENEW";
type Step = { n: "code" } | { n: "consent"; application: SecApplication } | { n: "run"; application: SecApplication; password: string } | { n: "done"; issued: IssuedSecCertificate; superseded: number; installError: boolean };

/** The consent as the API gives it (the shared terms box, in the tool's look). */
export function ConsentBox(props: { consent: Consent }): JSX.Element {
  return <TermsBox doc={props.consent} versionLabel={sec("consentVersion", { v: props.consent.version })} titleId="consent-title" class="sec-consent" />;
}

function ConsentStep(props: { application: SecApplication; onAgree: (password: string) => void }): JSX.Element {
  const action = useAction();
  const f = useFields({ certPassword: "", certPasswordAgain: "" });
  const [declined, setDeclined] = useState(false);
  if (declined) {
    return (
      <Notice kind="info" live>
        <p>{sec("consentDeclined")}</p>
      </Notice>
    );
  }
  return (
    <>
      <Notice kind="success" live>
        <p>{sec("codeVerified")}</p>
      </Notice>
      <ActionForm
        action={action}
        label={props.application.consent.title}
        onSubmit={async () => {
          await checkCertPassword(f.values.certPassword, f.values.certPasswordAgain, "certPassword", "certPasswordAgain");
          const password = f.values.certPassword;
          f.reset();
          props.onAgree(password);
        }}
      >
        <ConsentBox consent={props.application.consent} />
        <PinField {...f.bind("certPassword")} label={sec("certPassword")} hint={sec("certPasswordHint")} error={action.error} maxLength={10} autoComplete="new-password" />
        <PinField {...f.bind("certPasswordAgain")} label={sec("certPasswordAgain")} error={action.error} maxLength={10} autoComplete="new-password" />
        <Actions>
          <button type="submit" class="btn btn-primary" aria-disabled={action.busy ? "true" : undefined}>
            {sec("consentAccept")}
          </button>
          <button type="button" class="btn" onClick={() => setDeclined(true)}>
            {sec("consentDecline")}
          </button>
        </Actions>
      </ActionForm>
    </>
  );
}

const STEPS: readonly { key: ApplyStep; text: () => string }[] = [
  { key: "key", text: () => sec("stepKey") },
  { key: "csr", text: () => sec("stepCsr") },
  { key: "issue", text: () => sec("stepIssue") },
  { key: "store", text: () => sec("stepStore") },
];

/** MSG-S09 and the steps as they happen; then the server is told of the installation. */
function RunStep(props: { code: string; session: SecSession; firm: SecFirm | undefined; application: SecApplication; password: string; onDone: (s: Step) => void }): JSX.Element {
  const [at, setAt] = useState<ApplyStep>("key");
  const [error, setError] = useState<ShownError | undefined>(undefined);
  useEffect(() => {
    const { application } = props;
    applyInto(
      props.code,
      props.session.customer.nationalId,
      props.password,
      (csr) => secPost<IssuedSecCertificate>(`/applications/${application.applicationId}/certificate`, { consentVersion: application.consent.version, acceptConsent: true, csr }),
      setAt,
    ).then(
      async ({ info, issued }) => {
        let superseded = 0;
        let installError = false;
        try {
          superseded = (await secPost<{ supersededCertificateIds: string[] }>(`/applications/${issued.applicationId}/installed`)).supersededCertificateIds.length;
        } catch {
          installError = true;
        }
        // The new certificate replaces the renewed (or superseded) one in this browser (F-SEC-RENEW);
        // one left behind only shows as revoked in the client panel.
        if (!installError && (application.kind === "RENEW" || superseded > 0)) await dropOlder(props.code, props.session.customer.nationalId, info.id).catch(() => undefined);
        props.onDone({ n: "done", issued, superseded, installError });
      },
      (e) => setError(toShown(e)),
    );
  }, []);
  const i = STEPS.findIndex((s) => s.key === at);
  const idx = i < 0 ? STEPS.length : i;
  if (error) {
    return (
      <>
        <div class="alert alert-error" role="alert">
          <p data-code={error.code}>{error.message}</p>
        </div>
        <Actions>
          <LinkButton href={secPath(props.code, "home")} primary>
            {sec("back")}
          </LinkButton>
        </Actions>
      </>
    );
  }
  return (
    <>
      <Notice kind="info">
        <p>{textOf(props.firm, "MSG-S09")}</p>
      </Notice>
      <StepProgress
        steps={STEPS.map((s) => ({ key: s.key, text: s.text() }))}
        at={idx}
        label={sec("progressLabel")}
        live={sec("stepNow", { step: idx < STEPS.length ? STEPS[idx]!.text() : sec("stepDone") })}
      />
    </>
  );
}

function DoneStep(props: { code: string; session: SecSession; firm: SecFirm | undefined; step: Extract<Step, { n: "done" }> }): JSX.Element {
  const [finished, setFinished] = useState(false);
  return (
    <>
      <Notice kind="success" live>
        <p>{props.step.issued.message}</p>
        {props.step.superseded > 0 ? <p>{sec("superseded")}</p> : null}
      </Notice>
      {props.step.installError ? <Notice kind="warn">{sec("installFailed")}</Notice> : null}
      {finished ? (
        <RefreshedStatuses code={props.code} session={props.session} firm={props.firm} />
      ) : (
        <Actions>
          <button type="button" class="btn btn-primary" onClick={() => navigate(secPath(props.code, "backup"))}>
            【{sec("backupNow")}】
          </button>
          <button type="button" class="btn" onClick={() => setFinished(true)}>
            【{sec("cancel")}】
          </button>
        </Actions>
      )}
    </>
  );
}

function RefreshedStatuses(props: { code: string; session: SecSession; firm: SecFirm | undefined }): JSX.Element {
  const { statuses } = useStatuses(props.code, props.session);
  return statuses ? <StatusPanels code={props.code} statuses={statuses} firm={props.firm} /> : <p role="status">{sec("firmLoading")}</p>;
}

/**
 * 展期 only in the last month (AC-50): the page says when it opens instead of sending an SMS
 * whose code the server would then refuse.
 */
function RenewGate(props: { code: string; children: ComponentChildren }): JSX.Element {
  const firm = useFirm(props.code);
  const [host, setHost] = useState<HostStatus | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    secGet<HostStatus>("/status").then(setHost, () => setFailed(true));
  }, []);
  if (failed) return <>{props.children}</>;
  if (!host) return <Loading />;
  if (host.status === "EXPIRING_SOON") return <>{props.children}</>;
  const opensAt = host.certificate ? formatDateTime(host.certificate.renewalOpensAt, firm?.timeZone ?? "Asia/Taipei") : "";
  return (
    <>
      <Notice kind="info">
        <p>{host.certificate ? sec("renewNotOpen", { opensAt }) : sec("renewNothing")}</p>
      </Notice>
      <Actions>
        <LinkButton href={secPath(props.code, "home")} primary>
          {sec("back")}
        </LinkButton>
      </Actions>
    </>
  );
}

/** 申請 while a valid certificate is registered: say that the new one will replace it everywhere. */
function ReplaceWarning(): JSX.Element | null {
  const [host, setHost] = useState<HostStatus | undefined>(undefined);
  useEffect(() => {
    secGet<HostStatus>("/status").then(setHost, () => undefined);
  }, []);
  if (!host?.certificate) return null;
  return (
    <Notice kind="warn">
      <p>{sec("applyReplaces", { serial: host.certificate.serialHex })}</p>
    </Notice>
  );
}

export function SecApply(props: { code: string; session: SecSession; kind: Kind }): JSX.Element {
  const firm = useFirm(props.code);
  const steps = useSteps<Step>({ n: "code" });
  const step = steps.step;
  const purpose = props.kind;
  const codeStep = (
    <SmsCodeForm
      firm={firm}
      lead={
        <>
          {props.kind === "APPLY" ? <ReplaceWarning /> : null}
          <p>{sec("applyLead")}</p>
        </>
      }
      submitLabel={sec(props.kind === "RENEW" ? "submitRenew" : "submitApply")}
      send={() => secPost<SentCode>("/sms-codes", { purpose })}
      verify={async (code) => {
        const application = await secPost<SecApplication>("/applications", { kind: props.kind, code });
        steps.go({ n: "consent", application }, { replace: true });
      }}
    />
  );
  return (
    <Screen title={sec(props.kind === "RENEW" ? "renewTitle" : "applyTitle")} wide>
      {step.n === "code" ? (props.kind === "RENEW" ? <RenewGate code={props.code}>{codeStep}</RenewGate> : codeStep) : null}
      {step.n === "consent" ? <ConsentStep application={step.application} onAgree={(password) => steps.go({ n: "run", application: step.application, password }, { replace: true })} /> : null}
      {step.n === "run" ? <RunStep code={props.code} session={props.session} firm={firm} application={step.application} password={step.password} onDone={(s) => steps.go(s, { replace: true })} /> : null}
      {step.n === "done" ? <DoneStep code={props.code} session={props.session} firm={firm} step={step} /> : null}
    </Screen>
  );
}
