/**
 * 憑證載具密碼變更 (the key re-wrapped in the browser under the new PIN; a wrong old PIN is
 * MSG-T11 and counts toward the carrier's retry limit; the server records that it happened,
 * never the PIN), 憑證暫禁 (confirmed with the login password, or with the carrier PIN: the
 * carrier's key signs the server's "tw-suspend" challenge; afterwards the certificate shows
 * 暫禁), the FAQ and the platform's home page.
 */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { localError, toShown } from "../app/errors.js";
import { currentLocale } from "../app/i18n.js";
import type { CertificateInfo } from "../keystore/index.js";
import { Select } from "../ui/fields.js";
import { ActionForm, useAction, useFields } from "../ui/form.js";
import { PinField } from "../ui/pin.js";
import { Actions, LinkButton, Loading, Notice, Screen } from "../ui/screen.js";
import { twPost, type TwCertificate, type TwSession } from "./api.js";
import { carrierOfSerial, carriersOf, changePin, checkNewPin, suspendWithCarrier } from "./carrier.js";
import { CertFacts, useCertificates } from "./query.js";
import { SecurityGate } from "./security.js";
import { twPath } from "./shell.js";
import { FAQ, tw } from "./texts.js";

function CarrierPinForm(props: { code: string; session: TwSession }): JSX.Element {
  const [carriers, setCarriers] = useState<CertificateInfo[] | undefined>(undefined);
  const [chosen, setChosen] = useState("");
  const [done, setDone] = useState(false);
  const action = useAction();
  const f = useFields({ oldPin: "", newPin: "", newPinAgain: "" });
  const { list } = useCertificates();
  useEffect(() => {
    carriersOf(props.code).then(
      (l) => {
        setCarriers(l);
        setChosen(l.find((c) => !c.locked)?.id ?? "");
      },
      (e) => {
        setCarriers([]);
        action.setError(toShown(e));
      },
    );
  }, []);
  if (!carriers) return <Loading />;
  if (done) {
    return (
      <>
        <Notice kind="success" live>
          <p>{tw("pinDone")}</p>
        </Notice>
        <Actions>
          <LinkButton href={twPath(props.code, "home")} primary>
            {tw("home")}
          </LinkButton>
        </Actions>
      </>
    );
  }
  if (carriers.length === 0) return <p>{tw("carrierNone")}</p>;
  return (
    <ActionForm
      action={action}
      submit={tw("pinChange")}
      onSubmit={async () => {
        await checkNewPin(f.values.newPin, "newPin");
        if (f.values.newPin !== f.values.newPinAgain) throw localError("CARRIER_PIN_MISMATCH", tw("carrierPinMismatch"), ["newPinAgain"]);
        await changePin(chosen, f.values.oldPin, f.values.newPin);
        const carrier = carriers.find((c) => c.id === chosen);
        const cert = list?.find((c) => carrier && c.serialHex.replace(/^0+/, "") === carrier.serialHex.replace(/^0+/, ""));
        // The PIN changed in the browser already; the audit record follows (never the PIN).
        await twPost("/carrier/pin-changed", { ...(cert ? { certificateId: cert.certificateId } : {}), carrierLabel: carrier?.cn.slice(0, 64).replace(/[^\w .:-]/g, "") ?? "" });
        setDone(true);
      }}
    >
      <Select
        name="carrier"
        label={tw("pinChooseCarrier")}
        value={chosen}
        onInput={(e) => setChosen(e.currentTarget.value)}
        options={carriers.map((c) => [c.id, `${c.cn} ${c.serialHex}${c.locked ? " ✕" : ""}`] as const)}
      />
      <PinField {...f.bind("oldPin")} label={tw("pinOld")} error={action.error} maxLength={16} />
      <PinField {...f.bind("newPin")} label={tw("pinNew")} hint={tw("carrierPinHint")} error={action.error} maxLength={16} />
      <PinField {...f.bind("newPinAgain")} label={tw("pinNewAgain")} error={action.error} maxLength={16} />
    </ActionForm>
  );
}

export function TwCarrierPin(props: { code: string; session: TwSession }): JSX.Element {
  return (
    <Screen title={tw("carrierPin")}>
      <SecurityGate code={props.code}>
        <CarrierPinForm {...props} />
      </SecurityGate>
    </Screen>
  );
}

type SuspendHow = "password" | "carrier";

export function TwSuspend(props: { code: string }): JSX.Element {
  const { list, error } = useCertificates();
  const [chosen, setChosen] = useState("");
  const [how, setHow] = useState<SuspendHow>("password");
  const [carrier, setCarrier] = useState<CertificateInfo | null | undefined>(undefined);
  const [suspended, setSuspended] = useState<TwCertificate | undefined>(undefined);
  const action = useAction();
  const f = useFields({ password: "", pin: "" });
  const valid = list?.filter((c) => c.status === "VALID") ?? [];
  useEffect(() => {
    if (list && !chosen) setChosen(valid[0]?.certificateId ?? "");
  }, [list]);
  // The carrier of the chosen certificate in this browser, if there is one.
  useEffect(() => {
    const serial = valid.find((c) => c.certificateId === chosen)?.serialHex;
    setCarrier(undefined);
    if (!serial) return;
    carrierOfSerial(props.code, serial).then(
      (c) => setCarrier(c ?? null),
      () => setCarrier(null),
    );
  }, [chosen]);
  return (
    <Screen title={tw("suspend")} lead={tw("suspendLead")}>
      {error ? <Notice kind="warn">{error.message}</Notice> : null}
      {!list && !error ? <Loading /> : null}
      {suspended ? (
        <>
          <Notice kind="success" live>
            <p>{tw("suspendDone")}</p>
          </Notice>
          <CertFacts c={suspended} />
          <Actions>
            <LinkButton href={twPath(props.code, "query")} primary>
              {tw("query")}
            </LinkButton>
          </Actions>
        </>
      ) : list && valid.length === 0 ? (
        <p>{tw("suspendNone")}</p>
      ) : list ? (
        <ActionForm
          action={action}
          submit={tw("suspendAction")}
          danger
          onSubmit={async () => {
            if (how === "carrier") {
              if (!carrier) throw localError("TW_NO_CARRIER", tw("suspendNoCarrier"), ["how"]);
              setSuspended(await suspendWithCarrier<TwCertificate>(carrier.id, f.values.pin, chosen));
            } else {
              setSuspended(await twPost<TwCertificate>(`/certificates/${chosen}/suspend`, { password: f.values.password }));
            }
          }}
        >
          <Select name="certificateId" label={tw("suspendChoose")} value={chosen} onInput={(e) => setChosen(e.currentTarget.value)} options={valid.map((c) => [c.certificateId, `${c.serialHex} (${c.validTo})`] as const)} />
          <fieldset class="checks">
            <legend>{tw("suspendHow")}</legend>
            {(["password", "carrier"] as const).map((h) => (
              <label class="check" key={h}>
                <input type="radio" name="how" value={h} checked={how === h} onChange={() => setHow(h)} />
                {tw(h === "password" ? "suspendByPassword" : "suspendByCarrier")}
              </label>
            ))}
          </fieldset>
          {how === "password" ? (
            <PinField {...f.bind("password")} label={tw("suspendPassword")} error={action.error} maxLength={256} autoComplete="current-password" />
          ) : carrier === null ? (
            <p class="hint">{tw("suspendNoCarrier")}</p>
          ) : (
            <PinField {...f.bind("pin")} label={tw("carrierPinLabel")} hint={carrier ? `${carrier.cn} ${carrier.serialHex}` : undefined} error={action.error} maxLength={16} autoComplete="off" />
          )}
        </ActionForm>
      ) : null}
    </Screen>
  );
}

export function TwFaq(): JSX.Element {
  const l = currentLocale();
  return (
    <Screen title={tw("faq")}>
      {FAQ.map((item, i) => (
        <section key={i} class="tw-faq" aria-labelledby={`faq-${i}`}>
          <h2 id={`faq-${i}`}>{item.q[l]}</h2>
          <p>{item.a[l]}</p>
        </section>
      ))}
    </Screen>
  );
}

export function TwHome(props: { code: string; session: TwSession }): JSX.Element {
  const { session } = props;
  return (
    <Screen title={tw("homeTitle")}>
      <p>{tw("welcome", { name: session.customer.name, userCode: session.user.userCode })}</p>
      <ul class="tw-home-links">
        {(
          [
            ["apply", "apply"],
            ["renew", "renew"],
            ["query", "query"],
            ["proof", "proof"],
          ] as const
        ).map(([page, key]) => (
          <li key={page}>
            <a href={twPath(props.code, page)}>{tw(key)}</a>
          </li>
        ))}
      </ul>
    </Screen>
  );
}
