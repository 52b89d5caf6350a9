/**
 * 憑證申請 (F-TWB-APPLY) as the seed's 4-step wizard: 1 選擇申請清單 → 2 確認申請資訊 →
 * 3 申請約定條款 (the full terms in effect, accepted by version) → 4 取得申請結果, then
 * 憑證下載 into the carrier. Steps are history entries: Back returns to the previous step.
 */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { toShown, type ShownError } from "../app/errors.js";
import { useSteps } from "../app/router.js";
import { CheckField } from "../ui/fields.js";
import { ActionForm, useAction } from "../ui/form.js";
import { Actions, Facts, Loading, Notice, Screen } from "../ui/screen.js";
import { TermsBox as SharedTermsBox } from "../ui/terms.js";
import { twGet, twPost, type TwApplication, type TwDownload, type TwOptions, type TwSession, type TwTerms } from "./api.js";
import { CarrierForm, DownloadDone, DownloadRun } from "./download.js";
import { SecurityGate } from "./security.js";
import { tw, type TwKey } from "./texts.js";

const STEP_KEYS: readonly TwKey[] = ["step1", "step2", "step3", "step4"];

/** The wizard header: 1 選擇申請清單 2 確認申請資訊 3 申請約定條款 4 取得申請結果. */
export function WizardHeader(props: { at: number }): JSX.Element {
  return (
    <ol class="tw-wizard" aria-label={tw("stepsLabel")}>
      {STEP_KEYS.map((k, i) => (
        <li key={k} class={i + 1 === props.at ? "current" : i + 1 < props.at ? "done" : "todo"} aria-current={i + 1 === props.at ? "step" : undefined}>
          <span class="tw-wizard-n">{i + 1}</span> {tw(k)}
        </li>
      ))}
    </ol>
  );
}

export const profileName = (p: string): string => (p === "tw-individual" ? tw("profileIndividual") : p === "tw-fxml" ? tw("profileFxml") : p);

/** The terms as the API gives them (the shared box, in the TW look). */
export function TermsBox(props: { terms: TwTerms }): JSX.Element {
  return <SharedTermsBox doc={props.terms} versionLabel={tw("termsVersion", { v: props.terms.version })} titleId="terms-title" class="tw-terms" />;
}

type Step = { n: 1 | 2 | 3 } | { n: 4; application: TwApplication };

function ApplyWizard(props: { code: string; session: TwSession }): JSX.Element {
  const [options, setOptions] = useState<TwOptions | undefined>(undefined);
  const [terms, setTerms] = useState<TwTerms | undefined>(undefined);
  const [loadError, setLoadError] = useState<ShownError | null>(null);
  const [profile, setProfile] = useState("");
  const [accepted, setAccepted] = useState(false);
  const [pin, setPin] = useState<string | undefined>(undefined);
  const [result, setResult] = useState<TwDownload | undefined>(undefined);
  const steps = useSteps<Step>({ n: 1 });
  const action = useAction();

  useEffect(() => {
    twGet<TwOptions>("/applications/options").then((o) => {
      setOptions(o);
      const pending = o.pending.find((a) => a.kind === "APPLY");
      if (pending) steps.go({ n: 4, application: pending }, { replace: true });
      setProfile(o.apply.find((a) => a.eligible)?.profile ?? "");
    }, (e) => setLoadError(toShown(e)));
  }, []);

  if (loadError) return <Notice kind="warn">{loadError.message}</Notice>;
  if (!options) return <Loading />;
  const step = steps.step;
  const eligible = options.apply.filter((a) => a.eligible);

  return (
    <>
      <WizardHeader at={step.n} />
      {step.n === 1 ? (
        eligible.length === 0 ? (
          <Notice kind="info">
            <p>{tw("nothingToApply")}</p>
            {options.apply.map((a) => (a.reason ? <p key={a.profile}>{a.reason}</p> : null))}
          </Notice>
        ) : (
          <ActionForm action={action} submit={tw("next")} onSubmit={async () => steps.go({ n: 2 })}>
            <fieldset class="checks">
              <legend>{tw("step1")}</legend>
              {options.apply.map((a) => (
                <label class="check" key={a.profile}>
                  <input type="radio" name="profile" value={a.profile} disabled={!a.eligible} checked={profile === a.profile} onChange={() => setProfile(a.profile)} />
                  {profileName(a.profile)}
                  {a.eligible ? null : ` — ${tw("notEligible")}`}
                </label>
              ))}
            </fieldset>
          </ActionForm>
        )
      ) : null}
      {step.n === 2 ? (
        <>
          <h2>{tw("step2")}</h2>
          <Facts
            rows={[
              [tw("customer"), `${props.session.customer.name}（${props.session.customer.identifier}）`],
              [tw("userCode"), props.session.user.userCode],
              [tw("profile"), profileName(profile)],
            ]}
          />
          <ActionForm
            action={action}
            submit={tw("next")}
            onSubmit={async () => {
              setTerms(await twGet<TwTerms>("/terms"));
              steps.go({ n: 3 });
            }}
          >
            <Actions>
              <button type="button" class="btn" onClick={steps.back}>
                {tw("back")}
              </button>
            </Actions>
          </ActionForm>
        </>
      ) : null}
      {step.n === 3 && terms ? (
        <ActionForm
          action={action}
          submit={tw("submitApply")}
          onSubmit={async () => {
            const r = await twPost<{ application: TwApplication }>("/applications", { kind: "APPLY", profile, termsVersion: terms.version, acceptTerms: accepted });
            steps.go({ n: 4, application: r.application }, { replace: true });
          }}
        >
          <TermsBox terms={terms} />
          <CheckField name="acceptTerms" legend={tw("acceptLegend")} label={tw("accept")} checked={accepted} onChange={setAccepted} />
        </ActionForm>
      ) : null}
      {step.n === 4 ? (
        <>
          <h2>{tw("step4")}</h2>
          {!pin ? (
            <>
              <Notice kind="success" live>
                <p>{tw("applied")}</p>
              </Notice>
              <h2>{tw("download")}</h2>
              <SecurityGate code={props.code}>
                <CarrierForm code={props.code} submit={tw("download")} onReady={setPin} />
              </SecurityGate>
            </>
          ) : result ? (
            <DownloadDone code={props.code} result={result} />
          ) : (
            <DownloadRun code={props.code} cn={props.session.customer.identifier} pin={pin} applicationId={step.application.applicationId} onDone={setResult} />
          )}
        </>
      ) : null}
    </>
  );
}

export function TwApply(props: { code: string; session: TwSession }): JSX.Element {
  return (
    <Screen title={tw("apply")} wide>
      <ApplyWizard {...props} />
    </Screen>
  );
}
