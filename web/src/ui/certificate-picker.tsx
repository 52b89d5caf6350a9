/**
 * Certificate selection (電子証明書の選択), in place of the operating system's dialog of the
 * seeds: the certificates of this browser with CN, issuer, validity and the status the bank
 * reports for them, as a radio group (arrow keys move, Enter submits). Revoked, superseded,
 * suspended, expired and unknown certificates are listed last, say why, and cannot be chosen;
 * the chosen one is asked about once more right before its key signs anything. Any surface
 * (Shinkin portal, TW platform, securities tool) gives it its list and what a choice leads to.
 */
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { CertificateInfo } from "../app/certs.js";
import { toShown, type ShownError } from "../app/errors.js";
import { formatDate, formatDateTime, t } from "../app/i18n.js";
import { checkCertificates, pickOrder, type CheckedCertificate, type CheckedList, type PickStatus } from "./certificate-picker-status.js";
import { pickStatusLabel, pt, type PickerTextKey } from "./certificate-picker-texts.js";
import { Form, Submit } from "./form.js";
import { Actions, Loading, Notice } from "./screen.js";

const WHY: Partial<Record<PickStatus, PickerTextKey>> = {
  "not-yet-valid": "whyNotYet",
  suspended: "whySuspended",
  expired: "whyExpired",
  superseded: "whySuperseded",
  revoked: "whyRevoked",
  unknown: "whyUnknown",
};

export { pickStatusLabel };

/** The issuer's CN (the full DN is long and says little to a customer). */
export function issuerName(dn: string): string {
  return /(?:^|,\s*)CN=([^,]+)/.exec(dn)?.[1] ?? dn;
}

/** Issuer, validity, status (and why it cannot be used), kind — as the picker and the certificate list show them. */
export function CertificateFacts(props: { c: CheckedCertificate; timeZone: string; id?: string; extra?: ComponentChildren }): JSX.Element {
  const { c, timeZone: tz } = props;
  const why = WHY[c.known];
  return (
    <div class="pick-about" id={props.id}>
      <dl class="pick-facts">
        <div>
          <dt>{t("colIssuer")}</dt>
          <dd>{issuerName(c.issuer)}</dd>
        </div>
        <div>
          <dt>{t("colValidity")}</dt>
          <dd>{t("validityRange", { from: formatDate(c.notBefore, tz), to: formatDateTime(c.notAfter, tz) })}</dd>
        </div>
        <div>
          <dt>{t("colStatus")}</dt>
          <dd class={`status status-${c.known}`} data-status={c.known}>
            {pickStatusLabel(c.known)}
          </dd>
        </div>
        {c.revokedAt ? (
          <div>
            <dt>{pt(c.known === "suspended" ? "colSuspendedAt" : "colRevokedAt")}</dt>
            <dd>{formatDateTime(c.revokedAt, tz)}</dd>
          </div>
        ) : null}
        {props.extra}
        <div>
          <dt>{t("colKind")}</dt>
          <dd>{c.kind === "device" ? t("kindDevice") : t("kindCarrier")}</dd>
        </div>
      </dl>
      {why ? <p class="pick-why">{pt(why)}</p> : null}
    </div>
  );
}

/** The bank's answer time, or why the list shows only this computer's reading. */
export function CheckNote(props: { list: CheckedList; timeZone: string }): JSX.Element | null {
  const { list } = props;
  if (list.checkFailed)
    return (
      <Notice kind="warn">
        <p>{pt("checkFailed", { reason: list.checkFailed.message })}</p>
      </Notice>
    );
  if (list.checkedAt) return <p class="pick-checked">{pt("checkedAt", { time: formatDateTime(list.checkedAt, props.timeZone) })}</p>;
  return null;
}

/** This browser's certificates with the bank's status, loaded (and asked about) again when `reloadKey` changes. */
export function useCheckedCertificates(load: () => Promise<CertificateInfo[]>, institutionCode: string, reloadKey: string): { list: CheckedList | undefined; error: ShownError | null; set: (l: CheckedList) => void; reload: () => void } {
  const [list, setList] = useState<CheckedList | undefined>(undefined);
  const [error, setError] = useState<ShownError | null>(null);
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    load()
      .then((l) => checkCertificates(institutionCode, l))
      .then(
        (l) => live && setList(l),
        (e: unknown) => live && setError(toShown(e)),
      );
    return () => {
      live = false;
    };
  }, [reloadKey, n]);
  return { list, error, set: setList, reload: () => setN((k) => k + 1) };
}

export function CertificatePicker(props: {
  load: () => Promise<CertificateInfo[]>;
  institutionCode: string;
  timeZone: string;
  busy: boolean;
  error: ShownError | null;
  onPick: (c: CertificateInfo) => void | Promise<void>;
  /** Shown when this browser has no usable certificate (e.g. the way to acquire one). */
  onNone?: () => JSX.Element;
  /** The surface's own wording, where it differs from the portal's. */
  texts?: Partial<Record<"title" | "lead" | "legend" | "none" | "noneNext", string>>;
}): JSX.Element {
  const text = { title: t("pickTitle"), lead: t("pickLead"), legend: t("pickLegend"), none: t("pickNone"), noneNext: t("pickNoneNext"), ...props.texts };
  const loaded = useCheckedCertificates(props.load, props.institutionCode, props.institutionCode);
  const [chosen, setChosen] = useState<string>("");
  const [checking, setChecking] = useState(false);
  const [refused, setRefused] = useState<ShownError | null>(null);
  const list = loaded.list;

  useEffect(() => {
    if (list && !list.certificates.some((c) => c.id === chosen && c.usable)) setChosen(list.certificates.find((c) => c.usable)?.id ?? "");
  }, [list]);

  if (loaded.error)
    return (
      <div class="alert alert-error" role="alert">
        <p>{loaded.error.message}</p>
      </div>
    );
  if (!list) return <Loading />;
  if (list.certificates.length === 0)
    return (
      <>
        <Notice kind="warn" live title={text.none}>
          <p>{text.noneNext}</p>
        </Notice>
        {props.onNone?.()}
      </>
    );

  const usable = list.certificates.filter((c) => c.usable);
  const submit = async (): Promise<void> => {
    const c = usable.find((x) => x.id === chosen);
    if (!c) return;
    setRefused(null);
    setChecking(true);
    // Asked again right before signing: the bank may have revoked it since the list was drawn.
    const again = await checkCertificates(props.institutionCode, [c]).finally(() => setChecking(false));
    const fresh = again.certificates[0]!;
    if (!again.checkFailed && !fresh.usable) {
      loaded.set({ ...list, certificates: list.certificates.map((x) => (x.id === c.id ? fresh : x)).sort(pickOrder), ...(again.checkedAt ? { checkedAt: again.checkedAt } : {}) });
      setRefused({ code: "CERT_NOT_USABLE", message: pt("becameUnusable", { status: pickStatusLabel(fresh.known) }), fields: [], terminal: false });
      return;
    }
    await props.onPick(c);
  };

  return (
    <Form onSubmit={submit} busy={props.busy || checking} error={props.error ?? refused} label={text.title}>
      {usable.length ? (
        <p>{text.lead}</p>
      ) : (
        <Notice kind="warn" title={pt("noneUsable")}>
          <p>{text.noneNext}</p>
        </Notice>
      )}
      <CheckNote list={list} timeZone={props.timeZone} />
      <fieldset class="picker">
        <legend>{text.legend}</legend>
        {list.certificates.map((c) => {
          const id = `cert-${c.id}`;
          return (
            <div class={`pick pick-${c.known}${c.usable ? "" : " pick-unusable"}`} key={c.id}>
              <input
                type="radio"
                name="certificate"
                id={id}
                value={c.id}
                checked={chosen === c.id}
                disabled={!c.usable}
                onChange={() => setChosen(c.id)}
                aria-describedby={`${id}-facts`}
              />
              <label for={id} class="pick-cn">
                {c.cn}
              </label>
              <CertificateFacts
                c={c}
                timeZone={props.timeZone}
                id={`${id}-facts`}
                extra={
                  // Two certificates of one CN (a renewal, a second PC) differ by serial.
                  <div>
                    <dt>{t("colSerial")}</dt>
                    <dd class="mono">{c.serialHex}</dd>
                  </div>
                }
              />
            </div>
          );
        })}
      </fieldset>
      {usable.length ? (
        <Actions>
          <Submit busy={props.busy || checking}>{t("ok")}</Submit>
        </Actions>
      ) : (
        props.onNone?.()
      )}
    </Form>
  );
}
