/**
 * 電子証明書更新 (SPEC §8.15 PROPOSAL), admin and user alike, inside the renewal window: a new device-bound key made
 * here, its CSR with the confirmation PIN, the new certificate stored beside it, then proof that
 * this browser holds the new key (the renewal challenge signed with it); the server then
 * supersedes the old certificate, and this browser forgets the old key.
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { ADMIN_API, get, post, USER_API } from "../api.js";
import { Progress } from "../acquire.js";
import { keystore, pemBlocks, type AcquisitionStep } from "../certs.js";
import { toBase64Url } from "../../../../src/domain/signing.js";
import { formatDateTime, seed, t } from "../i18n.js";
import type { Challenge, Institution, IssuedCertificate, ScreenMessage, UserStatus } from "../model.js";
import { Actions, ErrorView, Facts, Form, Loading, Notice, PinField, Screen, Submit, useAction, useFields } from "../ui.js";
import { useLoaded } from "../admin/status.js";
import { loginCertificateEntry, rememberLoginCertificate } from "./session.js";
import { pt } from "../../ui/certificate-picker-texts.js";

interface Installed {
  cn: string;
  serialHex: string;
  notAfter: string;
  messages: ScreenMessage[];
  /** The old certificate's key was found in this browser and removed. */
  oldRemoved?: boolean;
}

interface Renewable {
  certificate: UserStatus["certificate"];
}

export function UserRenewal(props: { inst: Institution }): JSX.Element {
  return <Renewal inst={props.inst} api={USER_API} back={`/portal/${props.inst.code}/user/status`} pinLabel={t("userConfirmPin")} />;
}

export function AdminRenewal(props: { inst: Institution }): JSX.Element {
  return <Renewal inst={props.inst} api={ADMIN_API} back={`/portal/${props.inst.code}/admin/status`} pinLabel={t("adminConfirmPin")} />;
}

function Renewal(props: { inst: Institution; api: string; back: string; pinLabel: string }): JSX.Element {
  const { inst, api } = props;
  const status = useLoaded(() => get<Renewable>(`${api}/status`));
  const action = useAction();
  const f = useFields({ confirmPin: "" });
  const [step, setStep] = useState<AcquisitionStep | undefined>(undefined);
  const [done, setDone] = useState<Installed | undefined>(undefined);
  const back = props.back;

  if (status.error) return <ErrorView error={status.error} inst={inst} />;
  if (action.error?.terminal) return <ErrorView error={action.error} inst={inst} />;
  if (!status.data) return <Loading />;
  const s = status.data;

  if (done)
    return (
      <Screen title={t("renewalTitle")}>
        <Progress step="done" />
        <Notice kind="success" live>
          {(done.messages.length ? done.messages.map((m) => m.text) : [seed("MSG-J11")]).map((x) => (
            <p key={x}>{x}</p>
          ))}
          <p>{pt(done.oldRemoved ? "renewedOldRemoved" : "renewedOldRevoked")}</p>
        </Notice>
        <Facts
          rows={[
            [t("colCn"), <span class="mono">{done.cn}</span>],
            [t("colSerial"), <span class="mono">{done.serialHex}</span>],
            [t("colValidity"), formatDateTime(done.notAfter, inst.timeZone)],
          ]}
        />
        <Actions>
          <a class="btn btn-primary" href={back}>
            {t("toStatus")}
          </a>
        </Actions>
      </Screen>
    );

  return (
    <Screen title={t("renewalTitle")} lead={s.certificate ? t("renewalBanner", { date: formatDateTime(s.certificate.notAfter, inst.timeZone) }) : undefined}>
      <Form
        busy={action.busy}
        error={action.error}
        onSubmit={() =>
          action.run(async () => {
            const oldEntry = await loginCertificateEntry(s.certificate?.serialHex);
            const ks = await keystore();
            setStep("key");
            const pending = await ks.generateKey({ kind: "device", institutionCode: inst.code, cn: s.certificate?.cn ?? inst.code });
            let issued: IssuedCertificate & { install: Challenge };
            try {
              setStep("issue");
              issued = await post<IssuedCertificate & { install: Challenge }>(`${api}/renewal`, { csr: pending.csrPem, confirmPin: f.values.confirmPin });
            } catch (e) {
              await ks.abandon(pending.entryId).catch(() => undefined);
              setStep(undefined);
              throw e;
            } finally {
              f.set("confirmPin", "");
            }
            setStep("install");
            await ks.install(pending.entryId, issued.certificatePem, pemBlocks(issued.pemChain).slice(1));
            const cert = await ks.getCertificate(pending.entryId);
            const signature = await ks.signChallenge(pending.entryId, { origin: issued.install.origin, purpose: issued.install.purpose, nonce: issued.install.nonce });
            const r = await post<Installed>(`${api}/renewal/installed`, { challengeId: issued.install.challengeId, certificate: toBase64Url(cert.certDer), signature });
            if (api === USER_API) rememberLoginCertificate(pending.entryId);
            const oldRemoved = !!oldEntry && oldEntry !== pending.entryId && (await ks.remove(oldEntry).then(() => true, () => false));
            setStep("done");
            setDone({ ...r, oldRemoved });
          })
        }
      >
        <p>{t("renewalLead")}</p>
        <PinField {...f.bind("confirmPin")} label={props.pinLabel} maxLength={12} error={action.error} />
        {step ? <Progress step={step} /> : null}
        <Actions>
          <Submit busy={action.busy}>{t("renewalAction")}</Submit>
          <a class="btn" href={back}>
            {t("back")}
          </a>
        </Actions>
      </Form>
    </Screen>
  );
}
