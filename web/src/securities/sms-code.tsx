/**
 * The SMS code step (F-SEC-APPLY 1–4, R-SMS-2) shared by 申請 / 展期, 密碼中心 and the phone's
 * pairing fetch: 【發送認證碼】 → MSG-S04; the 4-digit reference printed before the 6-digit field
 * ("7750-______"); a 180-s countdown (shown every second, announced politely only at a few
 * marks so a screen reader is not flooded); 發送驗證碼 again only when the countdown has ended —
 * or at once when the code is dead (expired, 5 wrong, spent); the seed's notes (1)–(5).
 *
 * The countdown runs on this browser's clock from the moment the answer arrived, with the
 * lengths the server gave (ttlSeconds, resendAt − issue), so a skewed PC clock does not shorten it.
 */
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useId, useRef, useState } from "preact/hooks";
import { isApiError } from "../app/api.js";
import { localError, toShown, type ShownError } from "../app/errors.js";
import { currentLocale } from "../app/i18n.js";
import { FieldHead, inputAttrs, invalidIn } from "../ui/fields.js";
import { ActionForm, useAction, useFormErrorId } from "../ui/form.js";
import { Notice } from "../ui/screen.js";
import { textOf, type SecFirm, type SentCode } from "./api.js";
import { sec } from "./texts.js";

/** Codes after which the code in hand is dead: a new one may be asked at once. */
const DEAD = new Set(["SEC_SMS_CODE_EXPIRED", "SEC_SMS_CODE_LOCKED", "SEC_SMS_CODE_SPENT"]);
/** Seconds left at which the countdown is announced (polite). */
const MARKS = new Set([120, 60, 30, 10]);

interface Sent extends SentCode {
  /** This browser's clock (ms) when the code expires and when a resend is allowed. */
  deadline: number;
  resendFrom: number;
}

/** The answer's lengths laid on this browser's clock (`now`): when the code dies, when a resend may go. */
export function received(r: SentCode, now = Date.now()): Sent {
  const issued = Date.parse(r.expiresAt) - r.ttlSeconds * 1000;
  const resendAfter = Math.max(0, Date.parse(r.resendAt) - issued);
  return { ...r, deadline: now + r.ttlSeconds * 1000, resendFrom: now + resendAfter };
}

function useSecondsLeft(deadline: number | undefined): number {
  const left = (): number => (deadline === undefined ? 0 : Math.max(0, Math.ceil((deadline - Date.now()) / 1000)));
  const [s, setS] = useState(left);
  useEffect(() => {
    setS(left());
    if (deadline === undefined) return;
    const timer = setInterval(() => {
      const v = left();
      setS(v);
      if (v === 0) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [deadline]);
  return s;
}

/** Notes (1)–(5) under the code field [001 L82–86], as the firm words them. */
export function SmsNotes(props: { firm: SecFirm | undefined }): JSX.Element {
  const ids = ["SEC-NOTE-1", "SEC-NOTE-2", "SEC-NOTE-3", "MSG-S10", "SEC-NOTE-5"];
  return (
    <section class="sec-notes" aria-labelledby="sec-notes-title">
      <h2 id="sec-notes-title">{sec("notesTitle")}</h2>
      <ol>
        {ids.map((id) => (
          <li key={id}>{textOf(props.firm, id)}</li>
        ))}
      </ol>
    </section>
  );
}

/** The 6 digits with the reference printed before them; the hint says where they are in the SMS. */
function CodeField(props: { reference: string; value: string; onInput: (v: string) => void; error: ReturnType<typeof useAction>["error"] }): JSX.Element {
  const id = useId();
  const errorId = useFormErrorId();
  const invalid = invalidIn(props.error, "code");
  const p = { name: "code", label: sec("codeLabel"), value: props.value, onInput: () => undefined, hint: sec("codeHint", { ref: props.reference }), inputMode: "numeric" as const, autoComplete: "one-time-code", size: "short" as const };
  return (
    <div class={invalid ? "field field-invalid" : "field"}>
      <FieldHead id={id} label={p.label} hint={p.hint} required />
      <div class="sec-code-row">
        <span class="sec-code-ref">
          <span class="sec-sr">{sec("codeRef")} </span>
          {props.reference}-
        </span>
        <input {...inputAttrs(p, id, invalid, errorId)} onInput={(e) => props.onInput(e.currentTarget.value)} type="text" maxLength={6} pattern="[0-9]*" />
      </div>
    </div>
  );
}

function Countdown(props: { seconds: number; total: number }): JSX.Element {
  const [announce, setAnnounce] = useState("");
  useEffect(() => {
    if (props.seconds === 0) setAnnounce(sec("countdownOver"));
    else if (MARKS.has(props.seconds)) setAnnounce(sec("countdownAnnounce", { s: props.seconds }));
  }, [props.seconds]);
  return (
    <div class="sec-countdown">
      <span role="timer" aria-label={sec("countdownLabel")} aria-live="off" class={props.seconds === 0 ? "sec-countdown-over" : undefined}>
        ({sec("countdown", { s: props.seconds })})
      </span>
      <progress max={props.total} value={props.seconds} aria-hidden="true" />
      <p class="sec-sr" aria-live="polite">
        {announce}
      </p>
    </div>
  );
}

/** Two sentences as one message: a space between them in English only. */
const joined = (a: string, b: string): string => (currentLocale() === "en" ? `${a} ${b}` : `${a}${b}`);

/** The next step a code error needs, said with it. */
function withNextStep(e: unknown, contact: string): unknown {
  if (!isApiError(e)) return e;
  const s = toShown(e);
  if (s.code === "SEC_MOBILE_NOT_BOUND") return localError(s.code, joined(s.message, sec("notBoundNext", { contact })), []);
  if (DEAD.has(s.code)) return localError(s.code, joined(s.message, sec("codeSpentNext")), ["code"]);
  if (s.code === "SEC_SMS_CODE_WRONG") return localError(s.code, s.message, ["code"]);
  return e;
}

/**
 * 發送認證碼 and the code. `verify` runs with the 6 digits (and whatever `children` fields the
 * caller adds, e.g. 密碼中心's new password); its failures are shown with their next step.
 */
export function SmsCodeForm(props: {
  firm: SecFirm | undefined;
  send: () => Promise<SentCode>;
  verify: (code: string) => Promise<void>;
  submitLabel: string;
  /** More fields of the same form (密碼中心's new password), given the form's error to flag them. */
  fields?: (error: ShownError | null) => ComponentChildren;
  lead?: ComponentChildren;
  /** A code the previous step already sent (密碼中心: with the national ID). */
  initialSent?: SentCode;
}): JSX.Element {
  const [sent, setSent] = useState<Sent | undefined>(() => (props.initialSent ? received(props.initialSent) : undefined));
  const [code, setCode] = useState("");
  const [dead, setDead] = useState(false);
  const sendAction = useAction();
  const action = useAction();
  const left = useSecondsLeft(sent?.deadline);
  const resendLeft = useSecondsLeft(sent?.resendFrom);
  const form = useRef<HTMLDivElement>(null);
  const contact = props.firm?.contact ?? "";

  const send = (): Promise<void> =>
    sendAction.run(async () => {
      try {
        const r = received(await props.send());
        setSent(r);
        setDead(false);
        setCode("");
        action.setError(null);
      } catch (e) {
        throw withNextStep(e, contact);
      }
    });
  useEffect(() => {
    if (sent) form.current?.querySelector<HTMLInputElement>('input[name="code"]')?.focus();
  }, [sent?.reference, sent?.deadline]);

  const canResend = !!sent && (resendLeft === 0 || dead);
  return (
    <div class="sec-sms">
      {props.lead}
      {!sent || canResend ? (
        <ActionForm action={sendAction} submit={sent ? sec("resendCode") : sec("sendCode")} onSubmit={send} label={sec("sendCode")}>
          {null}
        </ActionForm>
      ) : (
        <p class="hint">{sec("resendWhen")}</p>
      )}
      {sent ? (
        <div ref={form}>
          {dead ? null : (
            <Notice kind="success" live>
              <p>{sent.message}</p>
            </Notice>
          )}
          <ActionForm
            action={action}
            submit={props.submitLabel}
            label={sec("codeLabel")}
            onSubmit={async () => {
              const digits = code.normalize("NFKC").replace(/\s/g, "");
              if (!/^[0-9]{6}$/.test(digits)) throw localError("SEC_SMS_CODE_FORMAT", sec("codeHint", { ref: sent.reference }), ["code"]);
              try {
                await props.verify(digits);
              } catch (e) {
                if (isApiError(e) && DEAD.has(e.code)) setDead(true);
                throw withNextStep(e, contact);
              }
            }}
          >
            <CodeField reference={sent.reference} value={code} onInput={setCode} error={action.error} />
            {dead ? null : <Countdown seconds={left} total={sent.ttlSeconds} />}
            {props.fields?.(action.error)}
          </ActionForm>
        </div>
      ) : null}
      <SmsNotes firm={props.firm} />
    </div>
  );
}
