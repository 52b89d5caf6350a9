/**
 * 憑證上傳手機 on the desktop (F-SEC-UPLOAD PROPOSAL): the customer picks the certificate and
 * gives its password; this browser writes a PKCS#12, seals it under a one-time pairing code
 * (pairing-crypto.ts) and uploads only the envelope (POST /pairings). The code is shown here
 * with a QR code of the pairing address and the 10-minute countdown; it never leaves the page.
 */
import "./orders-screens.css";
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { keystore, type CertificateInfo } from "../app/certs.js";
import { localError, toShown, type ShownError } from "../app/errors.js";
import { CertificatePicker } from "../ui/certificate-picker.js";
import { ActionForm, useAction, useFields } from "../ui/form.js";
import { PinField } from "../ui/pin.js";
import { StepProgress } from "../ui/progress.js";
import { Actions, Facts, LinkButton, Loading, Notice, Screen } from "../ui/screen.js";
import { certificatesOf, currentSession, firmFacts, secPost, serverTime, type SecFirm, type SecSession } from "./orders-api.js";
import { toolHref, type SecScreenProps } from "./orders.js";
import { groupCode, newPairingCode, randomPfxPassword, sealForPhone } from "./pairing-crypto.js";
import { ot } from "./texts-orders.js";

export const mobileHref = (code: string, pairingId: string): string => `/portal/${code}/mobile?p=${encodeURIComponent(pairingId)}`;

interface Pairing {
  pairingId: string;
  code: string;
  url: string;
  expiresAt: number;
  /** server clock − this browser's clock, so the countdown follows the server's expiry. */
  skewMs: number;
}

export function MobileUploadScreen(props: SecScreenProps): JSX.Element {
  const [firm, setFirm] = useState<SecFirm | undefined>(undefined);
  const [session, setSession] = useState<SecSession | null | undefined>(undefined);
  const [error, setError] = useState<ShownError | null>(null);
  const [cert, setCert] = useState<CertificateInfo | undefined>(undefined);
  const [pairing, setPairing] = useState<Pairing | undefined>(undefined);
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
  if (error)
    body = (
      <div class="alert alert-error" role="alert">
        <p>{error.message}</p>
      </div>
    );
  else if (!firm || session === undefined) body = <Loading />;
  else if (!session)
    body = (
      <>
        <Notice kind="warn" title={ot("needLogin")}>
          <p>{ot("uploadLead")}</p>
        </Notice>
        <Actions>
          <LinkButton href={toolHref(props.code)} primary>
            {ot("toolHome")}
          </LinkButton>
        </Actions>
      </>
    );
  else if (pairing) body = <PairingShown pairing={pairing} onAgain={() => setPairing(undefined)} />;
  else if (!cert)
    body = (
      <CertificatePicker
        load={() => certificatesOf(firm.code, session.customer.nationalId)}
        institutionCode={firm.code}
        timeZone={firm.timeZone}
        busy={false}
        error={null}
        onPick={setCert}
        texts={{ title: ot("pickTitle"), lead: ot("uploadPickLead"), legend: ot("pickLegend"), none: ot("pickNone"), noneNext: ot("pickNoneNext") }}
      />
    );
  else body = <Seal firm={firm} session={session} cert={cert} onSealed={setPairing} onBack={() => setCert(undefined)} />;

  return (
    <Screen title={ot("uploadTitle")} lead={ot("uploadLead")}>
      {body}
      {session && !pairing ? (
        <Actions>
          <LinkButton href={toolHref(props.code)}>{ot("toolHome")}</LinkButton>
        </Actions>
      ) : null}
    </Screen>
  );
}

const STEPS = ["stepExport", "stepEncrypt", "stepUpload"] as const;

function Seal(props: { firm: SecFirm; session: SecSession; cert: CertificateInfo; onSealed: (p: Pairing) => void; onBack: () => void }): JSX.Element {
  const action = useAction();
  const f = useFields({ pin: "" });
  const [at, setAt] = useState(-1);
  const submit = async (): Promise<void> => {
    if (!f.values.pin) throw localError("KEYSTORE_INPUT_INVALID", ot("certPasswordHint"), ["pin"]);
    const ks = await keystore();
    try {
      setAt(0);
      const password = randomPfxPassword();
      const pfx = await ks.exportPfx(props.cert.id, { pin: f.values.pin, password });
      setAt(1);
      const code = newPairingCode();
      const ciphertext = await sealForPhone({ pfx, password }, code, { firmCode: props.firm.code, nationalId: props.session.customer.nationalId });
      pfx.fill(0);
      setAt(2);
      const before = Date.now();
      const [created, time] = await Promise.all([secPost<{ pairingId: string; expiresAt: string }>("/pairings", { ciphertext }), serverTime()]);
      const skewMs = time.epochMs - Math.round((before + Date.now()) / 2);
      setAt(3);
      props.onSealed({ pairingId: created.pairingId, code, url: new URL(mobileHref(props.firm.code, created.pairingId), location.origin).href, expiresAt: Date.parse(created.expiresAt), skewMs });
    } catch (e) {
      setAt(-1);
      throw e;
    }
  };
  return (
    <section aria-labelledby="upload-seal">
      <h2 id="upload-seal">{ot("uploadGo")}</h2>
      <Facts rows={[[ot("colCert"), <span class="mono">{props.cert.serialHex}</span>]]} />
      {at >= 0 ? <StepProgress steps={STEPS.map((k) => ({ key: k, text: ot(k) }))} at={at} label={ot("uploadSteps")} live={at < STEPS.length ? ot(STEPS[at]!) : ""} /> : null}
      <ActionForm action={action} onSubmit={submit} submit={ot("uploadGo")} label={ot("uploadGo")}>
        <PinField name="pin" label={ot("certPassword")} hint={ot("certPasswordHint")} value={f.values.pin} onInput={f.bind("pin").onInput} error={action.error} autoComplete="off" maxLength={16} size="medium" />
      </ActionForm>
      <Actions>
        <button type="button" class="btn" onClick={props.onBack}>
          {ot("back")}
        </button>
      </Actions>
    </section>
  );
}

/** The QR code drawn as one SVG path (no inline style or script: the page's CSP stays strict). */
export function QrCode(props: { text: string; label: string }): JSX.Element | null {
  const [path, setPath] = useState<{ d: string; size: number } | undefined>(undefined);
  useEffect(() => {
    void import("qrcode").then((m) => {
      const qr = m.create(props.text, { errorCorrectionLevel: "M" });
      const n = qr.modules.size;
      let d = "";
      for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) if (qr.modules.get(x, y)) d += `M${x + 4} ${y + 4}h1v1h-1z`;
      setPath({ d, size: n + 8 });
    });
  }, [props.text]);
  if (!path) return null;
  return (
    <svg class="sec-qr" role="img" aria-label={props.label} viewBox={`0 0 ${path.size} ${path.size}`} xmlns="http://www.w3.org/2000/svg" shape-rendering="crispEdges">
      <rect width={path.size} height={path.size} fill="#fff" />
      <path d={path.d} fill="#000" />
    </svg>
  );
}

function useRemaining(expiresAt: number, skewMs: number): number {
  const left = (): number => Math.max(0, Math.ceil((expiresAt - (Date.now() + skewMs)) / 1000));
  const [s, setS] = useState(left);
  useEffect(() => {
    const id = setInterval(() => setS(left()), 1000);
    return () => clearInterval(id);
  }, [expiresAt, skewMs]);
  return s;
}

function PairingShown(props: { pairing: Pairing; onAgain: () => void }): JSX.Element {
  const p = props.pairing;
  const left = useRemaining(p.expiresAt, p.skewMs);
  return (
    <section aria-labelledby="pairing-title" class="sec-pairing-box" data-pairing-id={p.pairingId}>
      <h2 id="pairing-title">{ot("pairingTitle")}</h2>
      {left > 0 ? (
        <>
          <p>{ot("pairingHow")}</p>
          <div class="sec-pairing">
            <div>
              <p id="pairing-code-label">{ot("pairingCode")}</p>
              <p class="sec-pairing-code" aria-labelledby="pairing-code-label" data-code={p.code}>
                {groupCode(p.code)}
              </p>
              <p>
                {`${ot("remaining")}: `}
                <span class="sec-countdown" role="timer" aria-live="off">
                  {ot("remainingValue", { m: Math.floor(left / 60), s: String(left % 60).padStart(2, "0") })}
                </span>
              </p>
            </div>
            <QrCode text={p.url} label={ot("qrAlt")} />
          </div>
          <p>{ot("pairingUrl")}:</p>
          <p class="sec-pairing-url mono">
            <a href={p.url}>{p.url}</a>
          </p>
        </>
      ) : (
        <>
          <Notice kind="warn" live>
            <p>{ot("expired")}</p>
          </Notice>
          <Actions>
            <button type="button" class="btn btn-primary" onClick={props.onAgain}>
              {ot("uploadAgain")}
            </button>
          </Actions>
        </>
      )}
    </section>
  );
}
