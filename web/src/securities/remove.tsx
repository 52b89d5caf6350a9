/**
 * 移除憑證 (F-SEC-REMOVE): for a shared or public PC. MSG-S07 asks 「是」/「否」; after 是 the
 * certificate and its key leave this browser (ordering from here fails until an import) and
 * the removal is recorded (audit).
 */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { CertificateInfo } from "../keystore/index.js";
import { ConfirmPrompt } from "../ui/confirm.js";
import { ActionForm, useAction } from "../ui/form.js";
import { Actions, LinkButton, Loading, Notice, Screen } from "../ui/screen.js";
import { secPost, textOf, type SecSession } from "./api.js";
import { certificatesOf, removeFromBrowser } from "./carrier.js";
import { secPath, useFirm } from "./shell.js";
import { sec } from "./texts.js";

function Confirm(props: { cert: CertificateInfo; onYes: () => Promise<void>; onNo: () => void }): JSX.Element {
  const firm = useFirm(props.cert.institutionCode);
  const action = useAction();
  return (
    <ActionForm action={action} label={sec("removeConfirmLegend", { serial: props.cert.serialHex })} onSubmit={props.onYes}>
      <ConfirmPrompt title={sec("removeConfirmLegend", { serial: props.cert.serialHex })} question={textOf(firm, "MSG-S07")} busy={action.busy} onNo={props.onNo} yes={sec("yes")} no={sec("no")} />
    </ActionForm>
  );
}

export function SecRemove(props: { code: string; session: SecSession }): JSX.Element {
  const [certs, setCerts] = useState<CertificateInfo[] | undefined>(undefined);
  const [asking, setAsking] = useState<CertificateInfo | undefined>(undefined);
  const [removed, setRemoved] = useState<string | undefined>(undefined);
  const load = (): void => {
    certificatesOf(props.code, props.session.customer.nationalId).then(setCerts, () => setCerts([]));
  };
  useEffect(load, []);
  return (
    <Screen title={sec("remove")} lead={sec("removeLead")}>
      {removed ? (
        <Notice kind="success" live>
          <p>{sec("removed")}</p>
          <p class="sec-serial">{removed}</p>
        </Notice>
      ) : null}
      {!certs ? (
        <Loading />
      ) : asking ? (
        <Confirm
          cert={asking}
          onNo={() => setAsking(undefined)}
          onYes={async () => {
            await removeFromBrowser(asking.id);
            await secPost("/certificates/client-actions", { action: "REMOVE", serialHex: asking.serialHex }).catch(() => undefined);
            setRemoved(asking.serialHex);
            setAsking(undefined);
            load();
          }}
        />
      ) : certs.length === 0 ? (
        removed ? null : <Notice kind="info">{sec("removeNone")}</Notice>
      ) : (
        <ul class="sec-cert-list" aria-label={sec("removeChoose")}>
          {certs.map((c) => (
            <li key={c.id}>
              <span class="sec-serial">{c.serialHex}</span> （{c.notBefore.toISOString().slice(0, 10)} – {c.notAfter.toISOString().slice(0, 10)}）
              <button type="button" class="btn" aria-label={`${sec("remove")} ${c.serialHex}`} onClick={() => setAsking(c)}>
                {sec("remove")}
              </button>
            </li>
          ))}
        </ul>
      )}
      <Actions>
        <LinkButton href={secPath(props.code, "home")}>{sec("back")}</LinkButton>
      </Actions>
    </Screen>
  );
}
