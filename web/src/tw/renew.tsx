/**
 * 憑證更新／展期 (F-TWB-RENEW, AC-39), in the seed's order: the renewable certificates (inside
 * the renewal window) → [確定] → security component → insert the carrier + its PIN → the terms
 * → [更新] → "please wait a minute" with real progress → MSG-T01 → MSG-T02. EDI customers are
 * then led to the proof sheet (F-TWB-EDI).
 */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { toShown, type ShownError } from "../app/errors.js";
import { useSteps } from "../app/router.js";
import { CheckField } from "../ui/fields.js";
import { ActionForm, useAction } from "../ui/form.js";
import { Loading, Notice, Screen } from "../ui/screen.js";
import { textOf, twGet, twPost, type TwApplication, type TwCertificate, type TwDownload, type TwOptions, type TwSession, type TwTerms } from "./api.js";
import { TermsBox } from "./apply.js";
import { CarrierForm, DownloadDone, DownloadRun } from "./download.js";
import { CertFacts } from "./query.js";
import { SecurityGate } from "./security.js";
import { twPath } from "./shell.js";
import { tw } from "./texts.js";

type Step = { n: "list" } | { n: "carrier" } | { n: "terms" } | { n: "download"; application: TwApplication; wait: string };

export function TwRenew(props: { code: string; session: TwSession }): JSX.Element {
  const [options, setOptions] = useState<TwOptions | undefined>(undefined);
  const [loadError, setLoadError] = useState<ShownError | null>(null);
  const [chosen, setChosen] = useState("");
  const [pin, setPin] = useState("");
  const [terms, setTerms] = useState<TwTerms | undefined>(undefined);
  const [accepted, setAccepted] = useState(false);
  const [result, setResult] = useState<TwDownload | undefined>(undefined);
  const steps = useSteps<Step>({ n: "list" });
  const action = useAction();
  useEffect(() => {
    twGet<TwOptions>("/applications/options").then((o) => {
      setOptions(o);
      setChosen(o.renew.find((c) => c.renewal.renewable)?.certificateId ?? "");
    }, (e) => setLoadError(toShown(e)));
  }, []);
  const renewable = options?.renew.filter((c) => c.renewal.renewable) ?? [];
  const cert: TwCertificate | undefined = renewable.find((c) => c.certificateId === chosen);
  const step = steps.step;
  return (
    <Screen title={tw("renew")} wide>
      {loadError ? <Notice kind="warn">{loadError.message}</Notice> : null}
      {!options && !loadError ? <Loading /> : null}
      {options && step.n === "list" ? (
        renewable.length === 0 ? (
          <Notice kind="info">
            <p>{tw("renewNone")}</p>
          </Notice>
        ) : (
          <ActionForm action={action} submit={tw("confirm")} onSubmit={async () => steps.go({ n: "carrier" })}>
            <p>{tw("renewLead")}</p>
            <fieldset class="checks">
              <legend>{tw("renew")}</legend>
              {renewable.map((c) => (
                <label class="check tw-cert-choice" key={c.certificateId}>
                  <input type="radio" name="certificateId" value={c.certificateId} checked={chosen === c.certificateId} onChange={() => setChosen(c.certificateId)} />
                  <span>
                    <span class="mono tw-break">{c.serialHex}</span> — {tw("validTo")} {c.validTo}
                  </span>
                </label>
              ))}
            </fieldset>
          </ActionForm>
        )
      ) : null}
      {step.n === "carrier" && cert ? (
        <>
          <CertFacts c={cert} />
          <SecurityGate code={props.code}>
            <CarrierForm
              code={props.code}
              preferSerial={cert.serialHex}
              submit={tw("confirm")}
              onReady={async (p) => {
                setPin(p);
                setTerms(await twGet<TwTerms>("/terms"));
                steps.go({ n: "terms" });
              }}
            />
          </SecurityGate>
        </>
      ) : null}
      {step.n === "terms" && terms && cert ? (
        <ActionForm
          action={action}
          submit={tw("renewAction")}
          back={twPath(props.code, "renew")}
          backLabel={tw("renewBackToList")}
          onSubmit={async () => {
            const r = await twPost<{ application: TwApplication; texts: { id: string; text: string }[] }>("/applications", {
              kind: "RENEW",
              certificateId: cert.certificateId,
              termsVersion: terms.version,
              acceptTerms: accepted,
            });
            steps.go({ n: "download", application: r.application, wait: textOf(r.texts, "TW-RENEW-WAIT") }, { replace: true });
          }}
        >
          <TermsBox terms={terms} />
          <CheckField name="acceptTerms" legend={tw("acceptLegend")} label={tw("accept")} checked={accepted} onChange={setAccepted} />
        </ActionForm>
      ) : null}
      {step.n === "download" ? (
        <>
          {/* The seed's step 5 prompt stays while the renewal runs and after it. */}
          {step.wait ? <Notice kind="info">{step.wait}</Notice> : null}
          {result ? (
            <DownloadDone code={props.code} result={result} />
          ) : (
            <DownloadRun code={props.code} cn={props.session.customer.identifier} pin={pin} applicationId={step.application.applicationId} onDone={setResult} />
          )}
        </>
      ) : null}
    </Screen>
  );
}
