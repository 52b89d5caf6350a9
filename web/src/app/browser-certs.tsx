/**
 * このブラウザの電子証明書: every certificate this browser holds for the bank, with its facts and
 * the status the bank reports (revoked, superseded… as the picker shows them); 書き出し (a .pfx
 * backup) offered only for keys that can leave the browser — device-bound keys are
 * non-extractable (R-CERT-4) and get no button at all — and 削除 (after a confirmation: the
 * computer can no longer log on with it).
 */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { keystore, keystoreModule, type CertificateInfo } from "./certs.js";
import type { ShownError } from "./errors.js";
import { t } from "./i18n.js";
import type { Institution } from "./model.js";
import { CertificateFacts, CheckNote, useCheckedCertificates } from "../ui/certificate-picker.js";
import { Actions, Form, Loading, Notice, PinField, Screen, Submit, useAction, useFields } from "./ui.js";

type Mode = { at: "list" } | { at: "export"; c: CertificateInfo } | { at: "remove"; c: CertificateInfo };

function ExportForm(props: { c: CertificateInfo; timeZone: string; onDone: () => void }): JSX.Element {
  const action = useAction();
  const f = useFields({ pin: "", password: "" });
  const [href, setHref] = useState<{ url: string; name: string } | undefined>(undefined);
  useEffect(() => () => href && URL.revokeObjectURL(href.url), [href]);
  return (
    <Form
      busy={action.busy}
      error={action.error}
      label={t("exportTitle")}
      onSubmit={() =>
        action.run(async () => {
          const ks = await keystore();
          const m = await keystoreModule();
          const bytes = await ks.exportPfx(props.c.id, { pin: f.values.pin, password: f.values.password });
          f.reset();
          setHref({ url: URL.createObjectURL(new Blob([bytes], { type: "application/x-pkcs12" })), name: m.pfxFileName(props.c.cn.replace(/[^A-Za-z0-9]/g, "").slice(-20) || "certificate", new Date(), props.timeZone) });
        })
      }
    >
      {href ? (
        <Notice kind="success" live>
          <p>
            <a href={href.url} download={href.name}>
              {t("exportDownload", { name: href.name })}
            </a>
          </p>
        </Notice>
      ) : (
        <>
          <PinField {...f.bind("pin")} label={t("carrierPin")} maxLength={64} error={action.error} />
          <PinField {...f.bind("password")} label={t("exportPassword")} hint={t("exportPasswordHint")} maxLength={10} error={action.error} autoComplete="new-password" />
        </>
      )}
      <Actions>
        {href ? null : <Submit busy={action.busy}>{t("exportAction")}</Submit>}
        <button type="button" class="btn" onClick={props.onDone}>
          {t("back")}
        </button>
      </Actions>
    </Form>
  );
}

export function BrowserCertificates(props: { inst: Institution }): JSX.Element {
  const { inst } = props;
  const loaded = useCheckedCertificates(
    () => keystore().then((ks) => ks.listCertificates({ institutionCode: inst.code, renewalWindowMonths: inst.renewalWindowMonths, timeZone: inst.timeZone })),
    inst.code,
    inst.code,
  );
  const [mode, setMode] = useState<Mode>({ at: "list" });
  const [message, setMessage] = useState<string | undefined>(undefined);
  const action = useAction();
  const loadError: ShownError | null = loaded.error;
  const list = loaded.list?.certificates;

  if (loadError)
    return (
      <Screen title={t("browserCertsLink")}>
        <div class="alert alert-error" role="alert">
          <p>{loadError.message}</p>
        </div>
      </Screen>
    );
  if (!list) return <Loading />;

  if (mode.at === "export")
    return (
      <Screen title={t("exportTitle")} lead={mode.c.cn}>
        <ExportForm c={mode.c} timeZone={inst.timeZone} onDone={() => setMode({ at: "list" })} />
      </Screen>
    );

  if (mode.at === "remove")
    return (
      <Screen title={t("removeTitle")} lead={mode.c.cn}>
        <Form
          busy={action.busy}
          error={action.error}
          onSubmit={() =>
            action.run(async () => {
              await (await keystore()).remove(mode.c.id);
              setMessage(t("removed", { cn: mode.c.cn }));
              setMode({ at: "list" });
              loaded.reload();
            })
          }
        >
          <Notice kind="warn">
            <p>{t("removeConfirm")}</p>
          </Notice>
          <Actions>
            <Submit busy={action.busy}>{t("removeAction")}</Submit>
            <button type="button" class="btn" onClick={() => setMode({ at: "list" })}>
              {t("cancel")}
            </button>
          </Actions>
        </Form>
      </Screen>
    );

  const tz = inst.timeZone;
  return (
    <Screen title={t("browserCertsLink")} lead={t("browserCertsLead")}>
      {message ? (
        <Notice kind="success" live>
          <p>{message}</p>
        </Notice>
      ) : null}
      <div class={action.error ? "alert alert-error" : "alert-empty"} role="alert">
        {action.error ? <p>{action.error.message}</p> : null}
      </div>
      {list.length === 0 ? <p>{t("pickNone")}</p> : <CheckNote list={loaded.list!} timeZone={tz} />}
      <ul class="user-cards">
        {list.map((c) => (
          <li class="user-card" key={c.id}>
            <h2 class="mono">{c.cn}</h2>
            <CertificateFacts
              c={c}
              timeZone={tz}
              extra={
                <div>
                  <dt>{t("colSerial")}</dt>
                  <dd class="mono">{c.serialHex}</dd>
                </div>
              }
            />
            <Actions>
              {c.exportable ? (
                <button type="button" class="btn btn-small" onClick={() => setMode({ at: "export", c })}>
                  {t("exportAction")}
                </button>
              ) : null}
              <button type="button" class="btn btn-small btn-danger" onClick={() => setMode({ at: "remove", c })}>
                {t("removeAction")}
              </button>
            </Actions>
          </li>
        ))}
      </ul>
      <Actions>
        <a class="btn" href={`/portal/${inst.code}`}>
          {t("toTop")}
        </a>
      </Actions>
    </Screen>
  );
}
