/**
 * Certificate selection (電子証明書の選択), in place of the operating system's dialog of the
 * seeds: the certificates of this browser a role may log on with, each with its CN, issuer,
 * validity and status, as a radio group (arrow keys move, Enter submits).
 */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { certificatesFor, type CertificateInfo, type Role } from "./certs.js";
import { toShown, type ShownError } from "./errors.js";
import { formatDate, formatDateTime, t } from "./i18n.js";
import type { Institution } from "./model.js";
import { Actions, Form, Loading, Notice, Submit } from "./ui.js";

const STATUS_TEXT = { valid: "statusValid", expiring: "statusExpiring", expired: "statusExpired", "not-yet-valid": "statusNotYet" } as const;

export function statusLabel(c: Pick<CertificateInfo, "status">): string {
  return t(STATUS_TEXT[c.status]);
}

/** The issuer's CN (the full DN is long and says little to a customer). */
export function issuerName(dn: string): string {
  return /(?:^|,\s*)CN=([^,]+)/.exec(dn)?.[1] ?? dn;
}

export function CertificatePicker(props: {
  inst: Institution;
  role: Role;
  busy: boolean;
  error: ShownError | null;
  onPick: (c: CertificateInfo) => void | Promise<void>;
  onNone?: () => JSX.Element;
}): JSX.Element {
  const [certs, setCerts] = useState<CertificateInfo[] | undefined>(undefined);
  const [loadError, setLoadError] = useState<ShownError | null>(null);
  const [chosen, setChosen] = useState<string>("");

  useEffect(() => {
    certificatesFor(props.inst, props.role).then(
      (list) => {
        setCerts(list);
        setChosen(list.find((c) => c.status === "valid" || c.status === "expiring")?.id ?? list[0]?.id ?? "");
      },
      (e: unknown) => setLoadError(toShown(e)),
    );
  }, [props.inst.code, props.role]);

  if (loadError)
    return (
      <div class="alert alert-error" role="alert">
        <p>{loadError.message}</p>
      </div>
    );
  if (!certs) return <Loading />;
  if (certs.length === 0)
    return (
      <>
        <Notice kind="warn" live title={t("pickNone")}>
          <p>{t("pickNoneNext")}</p>
        </Notice>
        {props.onNone?.()}
      </>
    );

  const tz = props.inst.timeZone;
  return (
    <Form onSubmit={() => props.onPick(certs.find((c) => c.id === chosen)!)} busy={props.busy} error={props.error} label={t("pickTitle")}>
      <p>{t("pickLead")}</p>
      <fieldset class="picker">
        <legend>{t("pickLegend")}</legend>
        {certs.map((c) => {
          const id = `cert-${c.id}`;
          return (
            <div class={`pick pick-${c.status}`} key={c.id}>
              <input type="radio" name="certificate" id={id} value={c.id} checked={chosen === c.id} onChange={() => setChosen(c.id)} aria-describedby={`${id}-facts`} />
              <label for={id} class="pick-cn">
                {c.cn}
              </label>
              <dl class="pick-facts" id={`${id}-facts`}>
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
                  <dd class={`status status-${c.status}`}>{statusLabel(c)}</dd>
                </div>
                <div>
                  <dt>{t("colKind")}</dt>
                  <dd>{c.kind === "device" ? t("kindDevice") : t("kindCarrier")}</dd>
                </div>
              </dl>
            </div>
          );
        })}
      </fieldset>
      <Actions>
        <Submit busy={props.busy}>{t("ok")}</Submit>
      </Actions>
    </Form>
  );
}
