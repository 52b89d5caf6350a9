/**
 * 憑證上傳手機 on the phone (/portal/<code>/mobile?p=<pairing id>): log in with the password,
 * prove the bound number with a MOBILE SMS code, type the pairing code shown on the computer.
 * The envelope is fetched once (the server erases it then) and opened here; a mistyped pairing
 * code is retried against the envelope kept in this page, without another SMS code. The
 * certificate becomes a carrier of this browser under a certificate password chosen here.
 */
import "./orders-screens.css";
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { isApiError } from "../app/api.js";
import { keystore, keystoreModule } from "../app/certs.js";
import { localError, ScreenError, toShown, type ShownError } from "../app/errors.js";
import { Field } from "../ui/fields.js";
import { ActionForm, useAction, useFields } from "../ui/form.js";
import { PinField } from "../ui/pin.js";
import { Actions, LinkButton, Loading, Notice, Screen } from "../ui/screen.js";
import { currentSession, firmFacts, secPost, type SecFirm, type SecSession, type SentCode } from "./orders-api.js";
import { ordersHref, toolHref, type SecScreenProps } from "./orders.js";
import { isPairingCode, normalizeCode, openOnPhone, PairingCodeWrong } from "./pairing-crypto.js";
import { ot } from "./texts-orders.js";

const pairingIdOf = (): string => new URLSearchParams(location.search).get("p") ?? "";

export function MobileReceiveScreen(props: SecScreenProps): JSX.Element {
  const pairingId = pairingIdOf();
  const [firm, setFirm] = useState<SecFirm | undefined>(undefined);
  const [session, setSession] = useState<SecSession | null | undefined>(undefined);
  const [error, setError] = useState<ShownError | null>(null);
  const [installed, setInstalled] = useState<string | undefined>(undefined);
  useEffect(() => {
    Promise.all([firmFacts(props.code), currentSession()]).then(
      ([f, s]) => {
        setFirm(f);
        setSession(s ?? null);
      },
      (e) => setError(toShown(e)),
    );
  }, [props.code]);

  let body: JSX.Element;
  if (!pairingId)
    body = (
      <Notice kind="warn" title={ot("noPairing")}>
        <p>{ot("pairingNotFoundNext")}</p>
      </Notice>
    );
  else if (error)
    body = (
      <div class="alert alert-error" role="alert">
        <p>{error.message}</p>
      </div>
    );
  else if (!firm || session === undefined) body = <Loading />;
  else if (installed)
    body = (
      <>
        <Notice kind="success" live title={ot("installedTitle")}>
          <p>{ot("installedNotice", { serial: installed })}</p>
        </Notice>
        <Actions>
          <LinkButton href={ordersHref(firm.code)} primary>
            {ot("toOrders")}
          </LinkButton>
          <LinkButton href={toolHref(firm.code)}>{ot("toolHome")}</LinkButton>
        </Actions>
      </>
    );
  else if (!session) body = <PhoneLogin code={props.code} onIn={setSession} />;
  else body = <Receive firm={firm} session={session} pairingId={pairingId} onInstalled={setInstalled} />;
  return (
    <Screen title={ot("receiveTitle")} lead={ot("receiveLead")}>
      {body}
    </Screen>
  );
}

function PhoneLogin(props: { code: string; onIn: (s: SecSession) => void }): JSX.Element {
  const action = useAction();
  const f = useFields({ nationalId: "", password: "" });
  const submit = async (): Promise<void> => {
    props.onIn(await secPost<SecSession>("/login", { institutionCode: props.code, nationalId: f.values.nationalId.trim().toUpperCase(), password: f.values.password }));
  };
  return (
    <ActionForm action={action} onSubmit={submit} submit={ot("login")} label={ot("login")}>
      <Field label={ot("nationalId")} hint={ot("nationalIdHint")} {...f.bind("nationalId")} error={action.error} autoComplete="username" maxLength={10} size="medium" required />
      <PinField label={ot("password")} showLabel={ot("showPassword")} {...f.bind("password")} error={action.error} autoComplete="current-password" maxLength={10} size="medium" />
    </ActionForm>
  );
}

/** Seconds until `at` (ISO), ticking. */
function useCountdown(at: string | undefined): number {
  const left = (): number => (at ? Math.max(0, Math.ceil((Date.parse(at) - Date.now()) / 1000)) : 0);
  const [s, setS] = useState(left);
  useEffect(() => {
    setS(left());
    if (!at) return;
    const id = setInterval(() => setS(left()), 1000);
    return () => clearInterval(id);
  }, [at]);
  return s;
}

function Receive(props: { firm: SecFirm; session: SecSession; pairingId: string; onInstalled: (serial: string) => void }): JSX.Element {
  const send = useAction();
  const action = useAction();
  const [sent, setSent] = useState<SentCode | undefined>(undefined);
  // Local wait for the resend, measured from when the answer arrived (the server decides anyway).
  const [resendAt, setResendAt] = useState<string | undefined>(undefined);
  const wait = useCountdown(resendAt);
  const [envelope, setEnvelope] = useState<string | undefined>(undefined);
  const [gone, setGone] = useState<string | null>(null);
  const f = useFields({ smsCode: "", pairingCode: "", newPin: "", newPinAgain: "" });

  const sendCode = async (): Promise<void> => {
    const r = await secPost<SentCode>("/sms-codes", { purpose: "MOBILE" });
    setSent(r);
    setResendAt(new Date(Date.now() + Math.max(0, Date.parse(r.resendAt) - Date.parse(r.expiresAt) + r.ttlSeconds * 1000)).toISOString());
  };

  const submit = async (): Promise<void> => {
    const code = normalizeCode(f.values.pairingCode);
    if (!envelope && !/^\d{6}$/.test(f.values.smsCode.trim())) throw localError("SEC_SMS_CODE_WRONG", ot("smsCodeHint", { ref: sent?.reference ?? "" }), ["smsCode"]);
    if (!isPairingCode(code)) throw localError("PAIRING_CODE_WRONG", ot("pairingCodeHint"), ["pairingCode"]);
    // The 憑證密碼 follows the .pfx password's rule (4–10 characters), as everywhere in the tool.
    await keystoreModule();
    const pfx = await import("../keystore/pfx.js");
    await pfx.checkPfxPassword(f.values.newPin).catch(() => {
      throw localError("SEC_CERT_PASSWORD_FORMAT", ot("newCertPasswordHint"), ["newPin"]);
    });
    if (f.values.newPin !== f.values.newPinAgain) throw localError("PIN_MISMATCH", ot("passwordMismatch"), ["newPinAgain"]);
    let env = envelope;
    if (!env) {
      try {
        env = (await secPost<{ ciphertext: string }>(`/pairings/${encodeURIComponent(props.pairingId)}/fetch`, { code: f.values.smsCode.trim() })).ciphertext;
      } catch (e) {
        if (isApiError(e) && e.code === "SEC_PAIRING_NOT_FOUND") {
          setGone(`${e.message} ${ot("pairingNotFoundNext")}`);
          return;
        }
        if (isApiError(e) && e.code.startsWith("SEC_SMS_CODE")) throw new ScreenError({ ...toShown(e), fields: ["smsCode"] });
        throw e;
      }
      setEnvelope(env);
    }
    let payload;
    try {
      payload = await openOnPhone(env, code, { firmCode: props.firm.code, nationalId: props.session.customer.nationalId });
    } catch (e) {
      if (e instanceof PairingCodeWrong) throw localError("PAIRING_CODE_WRONG", ot("wrongPairingCode"), ["pairingCode"]);
      throw e;
    }
    const ks = await keystore();
    const info = await ks.importPfx(payload.pfx, payload.password, { institutionCode: props.firm.code, pin: f.values.newPin });
    payload.pfx.fill(0);
    ks.lockCarrier(info.id);
    // The audit record; the certificate is installed whatever its answer.
    await secPost("/certificates/client-actions", { action: "IMPORT", serialHex: info.serialHex }).catch(() => undefined);
    props.onInstalled(info.serialHex);
  };

  if (gone)
    return (
      <div data-code="SEC_PAIRING_NOT_FOUND">
        <Notice kind="warn" live>
          <p>{gone}</p>
        </Notice>
        <Actions>
          <LinkButton href={toolHref(props.firm.code)}>{ot("toolHome")}</LinkButton>
        </Actions>
      </div>
    );
  return (
    <>
      {!envelope ? (
        <ActionForm action={send} onSubmit={sendCode} label={ot("sendCode")}>
          {sent ? (
            <Notice kind="info" live>
              <p>{sent.message}</p>
            </Notice>
          ) : null}
          <Actions>
            {wait > 0 ? (
              <p class="hint" role="timer">
                {ot("resendIn", { s: wait })}
              </p>
            ) : (
              <button type="submit" class={sent ? "btn" : "btn btn-primary"} aria-disabled={send.busy ? "true" : undefined}>
                {ot("sendCode")}
              </button>
            )}
          </Actions>
        </ActionForm>
      ) : null}
      {sent || envelope ? (
        <ActionForm action={action} onSubmit={submit} submit={ot("install")} label={ot("install")}>
          {!envelope ? (
            <Field label={`${ot("smsCode")} ${sent?.reference ?? ""}-`} hint={ot("smsCodeHint", { ref: sent?.reference ?? "" })} {...f.bind("smsCode")} error={action.error} inputMode="numeric" autoComplete="one-time-code" maxLength={6} size="short" required />
          ) : null}
          <Field label={ot("pairingCode")} hint={ot("pairingCodeHint")} {...f.bind("pairingCode")} error={action.error} inputMode="numeric" maxLength={20} size="medium" required />
          <PinField label={ot("newCertPassword")} hint={ot("newCertPasswordHint")} {...f.bind("newPin")} error={action.error} autoComplete="new-password" maxLength={10} size="medium" />
          <PinField label={ot("newCertPasswordAgain")} {...f.bind("newPinAgain")} error={action.error} autoComplete="new-password" maxLength={10} size="medium" />
        </ActionForm>
      ) : null}
    </>
  );
}
