/**
 * Console sign-in (issue 11): institution, user name and password (first factor), then on the
 * first sign-in the authenticator enrolment — the QR code and the base32 text, shown once — and
 * the TOTP code that confirms it and opens the full session. A reload mid-way starts again.
 */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { institutionName } from "../app/i18n.js";
import type { Institution } from "../app/model.js";
import { toShown, type ShownError } from "../app/errors.js";
import { Field, Select } from "../ui/fields.js";
import { ActionForm, useAction, useFields } from "../ui/form.js";
import { Actions, Loading, Notice, Screen } from "../ui/screen.js";
import { bankCall, type BankRole, type ConsoleSession } from "./api.js";
import { takeSignInReason } from "./shell.js";
import { ct } from "./texts.js";

interface FirstFactor {
  username: string;
  role: BankRole;
  institution: { code: string; name: string };
  next: "TOTP" | "ENROL";
  csrfToken: string;
}
interface Enrolment {
  secret: string;
  otpauthUri: string;
  qrSvg: string;
}

const LAST_INSTITUTION = "inkan_console_institution";

/** The base32 seed in groups of four, easier to type into an app. */
const grouped = (secret: string): string => secret.replace(/(.{4})(?=.)/g, "$1 ");

function CodeForm(props: { title: string; lead: string; label: string; submit: string; onSignedIn: (s: ConsoleSession) => void; children?: JSX.Element; onRestart: () => void }): JSX.Element {
  const action = useAction();
  const f = useFields({ code: "" });
  return (
    <Screen title={props.title} lead={props.lead}>
      {props.children}
      <ActionForm
        action={action}
        submit={props.submit}
        onSubmit={async () => {
          const code = f.values.code.replace(/\s+/g, "");
          const s = await bankCall<ConsoleSession>("POST", "/console/totp", { code }, { signedIn: false });
          props.onSignedIn(s);
        }}
      >
        <Field {...f.bind("code")} label={props.label} hint={ct("totpHint")} error={action.error} inputMode="numeric" autoComplete="one-time-code" maxLength={7} size="short" required />
      </ActionForm>
      <Actions>
        <button type="button" class="btn" onClick={props.onRestart}>
          {ct("restart")}
        </button>
      </Actions>
    </Screen>
  );
}

function Enrol(props: { onSignedIn: (s: ConsoleSession) => void; onRestart: () => void }): JSX.Element {
  const [data, setData] = useState<Enrolment | undefined>(undefined);
  const [error, setError] = useState<ShownError | null>(null);
  useEffect(() => {
    bankCall<Enrolment>("POST", "/console/totp/enrol", {}, { signedIn: false }).then(setData, (e: unknown) => setError(toShown(e)));
  }, []);
  if (error) {
    return (
      <Screen title={ct("enrolTitle")}>
        <div class="alert alert-error" role="alert">
          <p data-code={error.code}>{error.message}</p>
        </div>
        <Actions>
          <button type="button" class="btn btn-primary" onClick={props.onRestart}>
            {ct("restart")}
          </button>
        </Actions>
      </Screen>
    );
  }
  if (!data) return <Loading />;
  // img-src allows data: — the SVG is drawn as an image, never inserted as markup.
  const qr = `data:image/svg+xml;base64,${btoa(data.qrSvg)}`;
  return (
    <CodeForm title={ct("enrolTitle")} lead={ct("enrolLead")} label={ct("enrolCode")} submit={ct("enrolConfirm")} onSignedIn={props.onSignedIn} onRestart={props.onRestart}>
      <div class="console-enrol">
        <img class="console-qr" src={qr} alt={ct("enrolQr")} width={200} height={200} />
        <div>
          <p class="console-secret-label" id="totp-secret-label">
            {ct("enrolSecret")}
          </p>
          <p class="mono console-secret" aria-labelledby="totp-secret-label" data-secret={data.secret}>
            {grouped(data.secret)}
          </p>
        </div>
      </div>
    </CodeForm>
  );
}

export function SignIn(props: { institutions: Institution[] | undefined; onInstitution: (code: string) => void; onSignedIn: (s: ConsoleSession) => void }): JSX.Element {
  const [reason] = useState(takeSignInReason);
  const [step, setStep] = useState<"password" | "ENROL" | "TOTP">("password");
  const action = useAction();
  const list = props.institutions ?? [];
  const f = useFields({ institutionCode: "", username: "", password: "" });
  // The institution this browser signed in to last, else the first one served here.
  const remembered = list.find((i) => i.code === localStorage.getItem(LAST_INSTITUTION))?.code;
  const code = f.values.institutionCode || remembered || list[0]?.code || "";
  useEffect(() => {
    if (code) props.onInstitution(code);
  }, [code]);
  const restart = (): void => {
    f.reset({ institutionCode: code });
    setStep("password");
  };
  if (!props.institutions) return <Loading />;
  if (step === "ENROL") return <Enrol onSignedIn={props.onSignedIn} onRestart={restart} />;
  if (step === "TOTP") return <CodeForm title={ct("totpTitle")} lead={ct("totpLead")} label={ct("totpCode")} submit={ct("signIn")} onSignedIn={props.onSignedIn} onRestart={restart} />;
  return (
    <Screen title={ct("signInTitle")} lead={ct("signInLead")}>
      {reason ? (
        <Notice kind={reason === "expired" ? "warn" : "success"} live>
          <p>{ct(reason)}</p>
        </Notice>
      ) : null}
      <ActionForm
        action={action}
        submit={ct("next")}
        onSubmit={async () => {
          const r = await bankCall<FirstFactor>("POST", "/console/login", { institutionCode: code, username: f.values.username.trim(), password: f.values.password }, { signedIn: false });
          f.set("password", "");
          localStorage.setItem(LAST_INSTITUTION, code);
          setStep(r.next);
        }}
      >
        <Select
          name="institutionCode"
          label={ct("institution")}
          value={code}
          onInput={(e) => f.set("institutionCode", e.currentTarget.value)}
          options={list.map((i) => [i.code, `${i.code} ${institutionName(i)}`] as const)}
          error={action.error}
        />
        <Field {...f.bind("username")} label={ct("username")} error={action.error} autoComplete="username" maxLength={64} required />
        <Field {...f.bind("password")} label={ct("password")} error={action.error} type="password" autoComplete="current-password" maxLength={256} required />
      </ActionForm>
    </Screen>
  );
}
