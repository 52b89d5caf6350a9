/**
 * The steps of a certificate logon, as every surface has them: choose a certificate of this
 * browser (its key signs the server's challenge: possession, not a password), then the PIN, then
 * — where the institution asks for it — the customer card's positions. Each step is a screen of
 * its own; the caller keeps the stage and says what each answer leads to.
 */
import type { ComponentChildren, JSX } from "preact";
import { post } from "../app/api.js";
import { signChallenge, type CertificateInfo, type Role } from "../app/certs.js";
import type { ShownError } from "../app/errors.js";
import { seed, t } from "../app/i18n.js";
import type { CardChallenge, Challenge, Institution } from "../app/model.js";
import { CertificatePicker } from "../app/picker.js";
import { ActionForm, useFields, type Action } from "./form.js";
import { CardOtpField, PinField } from "./pin.js";
import { Actions, LinkButton, Screen } from "./screen.js";

/** Asks `${api}/login/challenge` for a challenge, signs it with the certificate's key, presents it at `${api}/login/certificate`. */
export async function signedLogin<T>(api: string, institutionCode: string, entryId: string): Promise<T> {
  const ch = await post<Challenge>(`${api}/login/challenge`, { institutionCode });
  return post<T>(`${api}/login/certificate`, await signChallenge(entryId, ch));
}

/** On the error page of a refused (revoked, unknown) certificate: the way to a new one. */
export function refusedCertificateLink(error: ShownError, certificateHref: string): JSX.Element | null {
  return error.code === "CERT_REVOKED" || error.code === "CERT_UNKNOWN" ? (
    <LinkButton primary href={certificateHref}>
      {t("actCertificate")}
    </LinkButton>
  ) : null;
}

/** 電子証明書の選択: the role's certificates in this browser; with none, the way to acquire one. */
export function CertificateStep(props: { inst: Institution; role: Role; action: Action; certificateHref: string; backHref: string; onPick: (c: CertificateInfo) => Promise<void> }): JSX.Element {
  const { action } = props;
  return (
    <Screen title={t("pickTitle")}>
      {/* MSG-J13, for this browser: no OS prompt for the key, say what OK does instead. */}
      <p class="hint">{seed("MSG-J13")}</p>
      <CertificatePicker
        inst={props.inst}
        role={props.role}
        busy={action.busy}
        error={action.error}
        onPick={(c) => action.run(() => props.onPick(c))}
        onNone={() => (
          <Actions>
            <LinkButton primary href={props.certificateHref}>
              {t("actCertificate")}
            </LinkButton>
            <LinkButton href={props.backHref}>{t("back")}</LinkButton>
          </Actions>
        )}
      />
    </Screen>
  );
}

/** Where a portal role's certificate is obtained (from the logon, and from the page a refused certificate leads to). */
export const portalCertificateHref = (inst: Institution, role: Role): string => `/portal/${inst.code}/${role}/certificate`;

/** The portal logon's first step for `role`: its certificate, the signed challenge at `api`, then `onSigned` with the answer. */
export function PortalCertificateStep<T>(props: { inst: Institution; role: Role; api: string; action: Action; onSigned: (answer: T, c: CertificateInfo) => void }): JSX.Element {
  const { inst, role } = props;
  return (
    <CertificateStep
      inst={inst}
      role={role}
      action={props.action}
      certificateHref={portalCertificateHref(inst, role)}
      backHref={`/portal/${inst.code}/${role}`}
      onPick={async (c) => props.onSigned(await signedLogin<T>(props.api, inst.code, c.id), c)}
    />
  );
}

/** The logon PIN; the field is emptied after every attempt, right or wrong. */
export function PinStep(props: { lead: string; label: string; action: Action; notice?: ComponentChildren; onPin: (pin: string) => Promise<void> }): JSX.Element {
  const { action } = props;
  const f = useFields({ pin: "" });
  return (
    <Screen title={t("pinTitle")} lead={props.lead}>
      {props.notice}
      <ActionForm
        action={action}
        submit={t("actLogon")}
        onSubmit={async () => {
          try {
            await props.onPin(f.values.pin);
          } finally {
            f.set("pin", "");
          }
        }}
      >
        <PinField {...f.bind("pin")} label={props.label} maxLength={12} error={action.error} autoComplete="current-password" />
      </ActionForm>
    </Screen>
  );
}

/**
 * The customer card's positions ("イ・カ"). Every attempt gets a new challenge (P-CARD): after a
 * wrong answer the positions now asked are fetched and shown.
 */
export function CardStep(props: {
  title: string;
  lead: string;
  action: Action;
  card: CardChallenge;
  children?: ComponentChildren;
  onAnswer: (answer: string) => Promise<void>;
  current: () => Promise<CardChallenge | undefined>;
  onCard: (card: CardChallenge) => void;
}): JSX.Element {
  const { action } = props;
  const f = useFields({ answer: "" });
  return (
    <Screen title={props.title} lead={props.lead}>
      {props.children}
      <ActionForm
        action={action}
        submit={t("ok")}
        onSubmit={async () => {
          try {
            await props.onAnswer(f.values.answer);
          } catch (e) {
            f.set("answer", "");
            const card = await props.current().catch(() => undefined);
            if (card) props.onCard(card);
            throw e;
          }
        }}
      >
        <CardOtpField {...f.bind("answer")} label={props.card.label} positions={props.card.positions.length} error={action.error} />
      </ActionForm>
    </Screen>
  );
}
