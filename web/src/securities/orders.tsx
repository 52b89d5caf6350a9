/**
 * 電子下單 (seed 001, R-SEC-2, AC-44): the ordering login (no valid host certificate → MSG-S01
 * and a link to the tool, which opens without logging in), the order entry, the certificate
 * that signs it (the shared picker: revoked or superseded ones listed but not choosable), its
 * password, the signature made in this browser over the canonical text of
 * src/domain/securities/orders.ts with a single-use challenge, the confirmation and the list.
 */
import "./orders-screens.css";
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { orderProblem, orderSigningMessage, type OrderFields } from "../../../src/domain/securities/orders.js";
import { isApiError } from "../app/api.js";
import { keystore, type CertificateInfo } from "../app/certs.js";
import { localError, ScreenError, toShown, type ShownError } from "../app/errors.js";
import { formatDateTime } from "../app/i18n.js";
import { CertificatePicker } from "../ui/certificate-picker.js";
import { Field, Select } from "../ui/fields.js";
import { ActionForm, useAction, useFields } from "../ui/form.js";
import { PinField } from "../ui/pin.js";
import { Actions, Facts, LinkButton, Loading, Notice, Screen } from "../ui/screen.js";
import { certificateDer, certificatesOf, currentSession, firmFacts, secGet, secPost, type SecFirm, type SecOrder, type SecSession } from "./orders-api.js";
import { ot, type OrdersTextKey } from "./texts-orders.js";

export interface SecScreenProps {
  code: string;
  [extra: string]: unknown;
}

export const toolHref = (code: string): string => `/portal/${code}`;
export const ordersHref = (code: string): string => `/portal/${code}/orders`;

/** The next step a refusal of the order calls for, after the server's own message. */
const ORDER_NEXT: Readonly<Record<string, OrdersTextKey>> = {
  CHALLENGE_INVALID: "replayNext",
  CERT_REVOKED: "revokedNext",
  CERT_EXPIRED: "revokedNext",
  CERT_UNKNOWN: "revokedNext",
  SEC_NO_VALID_CERTIFICATE: "revokedNext",
  SEC_ORDER_CERT_NOT_OWNED: "notOwnedNext",
  SEC_ORDER_SIGNATURE_INVALID: "signatureNext",
};

function withNext(e: unknown): ShownError {
  const shown = toShown(e);
  const next = ORDER_NEXT[shown.code];
  return next ? { ...shown, message: `${shown.message} ${ot(next)}`, terminal: false } : shown;
}

export function OrdersScreen(props: SecScreenProps): JSX.Element {
  const [firm, setFirm] = useState<SecFirm | undefined>(undefined);
  const [session, setSession] = useState<SecSession | null | undefined>(undefined);
  const [error, setError] = useState<ShownError | null>(null);
  useEffect(() => {
    Promise.all([firmFacts(props.code), currentSession()]).then(
      ([f, s]) => {
        setFirm(f);
        setSession(s && s.app === "TRADING" ? s : null);
      },
      (e) => setError(toShown(e)),
    );
  }, [props.code]);
  if (error)
    return (
      <Screen title={ot("ordersTitle")}>
        <div class="alert alert-error" role="alert">
          <p>{error.message}</p>
        </div>
      </Screen>
    );
  if (!firm || session === undefined) return <Loading />;
  if (!session) return <TradingLogin code={props.code} onIn={setSession} />;
  return <Trading firm={firm} session={session} onOut={() => setSession(null)} />;
}

/** The ordering login: AC-44's refusal is a notice with the way to the tool, not a dead end. */
function TradingLogin(props: { code: string; onIn: (s: SecSession) => void }): JSX.Element {
  const action = useAction();
  const f = useFields({ nationalId: "", password: "" });
  const [noCertificate, setNoCertificate] = useState<string | null>(null);
  const submit = async (): Promise<void> => {
    setNoCertificate(null);
    const nationalId = f.values.nationalId.trim().toUpperCase();
    try {
      props.onIn(await secPost<SecSession>("/trading/login", { institutionCode: props.code, nationalId, password: f.values.password }));
    } catch (e) {
      if (isApiError(e) && e.code === "SEC_NO_VALID_CERTIFICATE") {
        setNoCertificate(e.message);
        return;
      }
      throw e;
    }
  };
  return (
    <Screen title={ot("tradingLoginTitle")} lead={ot("ordersLead")}>
      {noCertificate ? (
        <div class="sec-no-cert" data-code="SEC_NO_VALID_CERTIFICATE">
          <Notice kind="warn" live title={noCertificate}>
            <p>{ot("noCertNext")}</p>
          </Notice>
          <Actions>
            <LinkButton href={toolHref(props.code)} primary>
              {ot("toTool")}
            </LinkButton>
          </Actions>
        </div>
      ) : null}
      <ActionForm action={action} onSubmit={submit} submit={ot("login")} label={ot("tradingLoginTitle")}>
        <Field label={ot("nationalId")} hint={ot("nationalIdHint")} {...f.bind("nationalId")} error={action.error} autoComplete="username" maxLength={10} size="medium" required />
        <PinField label={ot("password")} showLabel={ot("showPassword")} {...f.bind("password")} error={action.error} autoComplete="current-password" maxLength={10} size="medium" />
      </ActionForm>
    </Screen>
  );
}

type Phase = { at: "entry" } | { at: "pick"; order: OrderFields } | { at: "sign"; order: OrderFields; cert: CertificateInfo } | { at: "done"; order: SecOrder };

const sideText = (s: "BUY" | "SELL"): string => ot(s === "BUY" ? "buy" : "sell");

function OrderSummary(props: { order: OrderFields }): JSX.Element {
  const o = props.order;
  return (
    <section aria-labelledby="order-summary">
      <h2 id="order-summary">{ot("summary")}</h2>
      <Facts
        rows={[
          [ot("stockCode"), o.stockCode],
          [ot("side"), sideText(o.side)],
          [ot("quantity"), o.quantity.toLocaleString("en-US")],
          [ot("limitPrice"), o.limitPrice],
        ]}
      />
    </section>
  );
}

function Trading(props: { firm: SecFirm; session: SecSession; onOut: () => void }): JSX.Element {
  const { firm, session } = props;
  const [phase, setPhase] = useState<Phase>({ at: "entry" });
  const [listKey, setListKey] = useState(0);
  const logout = async (): Promise<void> => {
    await secPost("/logout").catch(() => undefined);
    props.onOut();
  };
  let body: JSX.Element;
  if (phase.at === "entry") body = <OrderEntry onOrder={(order) => setPhase({ at: "pick", order })} />;
  else if (phase.at === "pick") body = <PickCertificate firm={firm} session={session} order={phase.order} onPick={(cert) => setPhase({ at: "sign", order: phase.order, cert })} onBack={() => setPhase({ at: "entry" })} />;
  else if (phase.at === "sign")
    body = (
      <SignOrder
        firm={firm}
        session={session}
        order={phase.order}
        cert={phase.cert}
        onDone={(order) => {
          setPhase({ at: "done", order });
          setListKey((k) => k + 1);
        }}
        onBack={() => setPhase({ at: "pick", order: phase.order })}
      />
    );
  else {
    const o = phase.order;
    body = (
      <section aria-labelledby="order-done" class="sec-order-done">
        <h2 id="order-done">{ot("doneTitle")}</h2>
        <Notice kind="success" live>
          <p>{ot("doneNotice", { id: o.orderId, side: sideText(o.side), stockCode: o.stockCode, quantity: o.quantity.toLocaleString("en-US"), limitPrice: o.limitPrice })}</p>
        </Notice>
        <Actions>
          <button type="button" class="btn btn-primary" onClick={() => setPhase({ at: "entry" })}>
            {ot("newOrder")}
          </button>
        </Actions>
      </section>
    );
  }
  return (
    <Screen title={ot("ordersTitle")} lead={`${session.firm.name} — ${session.customer.name}`}>
      {body}
      <OrderList key={listKey} timeZone={firm.timeZone} />
      <Actions>
        <LinkButton href={toolHref(firm.code)}>{ot("toolHome")}</LinkButton>
        <button type="button" class="btn" onClick={() => void logout()}>
          {ot("logout")}
        </button>
      </Actions>
    </Screen>
  );
}

const FIELD_TEXT: Record<keyof OrderFields, OrdersTextKey> = { stockCode: "badStockCode", side: "badSide", quantity: "badQuantity", limitPrice: "badLimitPrice" };

/** Order entry, checked here with the server's own rules before anything is signed. */
function OrderEntry(props: { onOrder: (o: OrderFields) => void }): JSX.Element {
  const action = useAction();
  const f = useFields({ stockCode: "", side: "BUY", quantity: "", limitPrice: "" });
  const submit = async (): Promise<void> => {
    const q = f.values.quantity.replace(/[,\s]/g, "");
    const order = {
      stockCode: f.values.stockCode.trim().toUpperCase(),
      side: f.values.side as "BUY" | "SELL",
      quantity: /^\d{1,7}$/.test(q) ? Number(q) : Number.NaN,
      limitPrice: f.values.limitPrice.trim(),
    };
    const bad = orderProblem(order);
    if (bad) throw localError("SEC_ORDER_INVALID", ot(FIELD_TEXT[bad]), [bad]);
    props.onOrder(order);
  };
  return (
    <section aria-labelledby="order-entry">
      <h2 id="order-entry">{ot("entryTitle")}</h2>
      <ActionForm action={action} onSubmit={submit} submit={ot("next")} label={ot("entryTitle")}>
        <Field label={ot("stockCode")} hint={ot("stockCodeHint")} {...f.bind("stockCode")} error={action.error} maxLength={6} size="short" required />
        <Select label={ot("side")} {...f.bind("side")} error={action.error} options={[["BUY", ot("buy")], ["SELL", ot("sell")]]} />
        <Field label={ot("quantity")} hint={ot("quantityHint")} {...f.bind("quantity")} error={action.error} inputMode="numeric" maxLength={7} size="short" required />
        <Field label={ot("limitPrice")} hint={ot("limitPriceHint")} {...f.bind("limitPrice")} error={action.error} inputMode="decimal" maxLength={9} size="short" required />
      </ActionForm>
    </section>
  );
}

function PickCertificate(props: { firm: SecFirm; session: SecSession; order: OrderFields; onPick: (c: CertificateInfo) => void; onBack: () => void }): JSX.Element {
  return (
    <>
      <OrderSummary order={props.order} />
      <section aria-labelledby="order-pick">
        <h2 id="order-pick">{ot("pickTitle")}</h2>
        <CertificatePicker
          load={() => certificatesOf(props.firm.code, props.session.customer.nationalId)}
          institutionCode={props.firm.code}
          timeZone={props.firm.timeZone}
          busy={false}
          error={null}
          onPick={props.onPick}
          texts={{ title: ot("pickTitle"), lead: ot("pickLead"), legend: ot("pickLegend"), none: ot("pickNone"), noneNext: ot("pickNoneNext") }}
          onNone={() => (
            <Actions>
              <LinkButton href={toolHref(props.firm.code)} primary>
                {ot("toTool")}
              </LinkButton>
            </Actions>
          )}
        />
      </section>
      <Actions>
        <button type="button" class="btn" onClick={props.onBack}>
          {ot("back")}
        </button>
      </Actions>
    </>
  );
}

/**
 * The signature: a fresh single-use challenge, the canonical text with this certificate's
 * serial, the key unlocked by the certificate password only for this signature.
 */
function SignOrder(props: { firm: SecFirm; session: SecSession; order: OrderFields; cert: CertificateInfo; onDone: (o: SecOrder) => void; onBack: () => void }): JSX.Element {
  const action = useAction();
  const f = useFields({ pin: "" });
  const carrier = props.cert.kind === "carrier";
  const submit = async (): Promise<void> => {
    if (carrier && !f.values.pin) throw localError("KEYSTORE_INPUT_INVALID", ot("certPasswordHint"), ["pin"]);
    const ks = await keystore();
    const c = await secPost<{ challengeId: string; nonce: string; origin: string }>("/orders/challenge");
    const message = orderSigningMessage({ origin: c.origin, nonce: c.nonce, nationalId: props.session.customer.nationalId, serialHex: props.cert.serialHex, ...props.order });
    let signature: string;
    try {
      signature = await ks.signBytes(props.cert.id, message, carrier ? { pin: f.values.pin } : {});
    } finally {
      if (carrier) ks.lockCarrier(props.cert.id);
    }
    try {
      props.onDone(await secPost<SecOrder>("/orders", { challengeId: c.challengeId, certificate: await certificateDer(props.cert.id), signature, ...props.order }));
    } catch (e) {
      throw new ScreenError(withNext(e));
    }
  };
  const shownError = action.error;
  return (
    <>
      <OrderSummary order={props.order} />
      <section aria-labelledby="order-sign">
        <h2 id="order-sign">{ot("signAndSend")}</h2>
        <Facts rows={[[ot("colCert"), <span class="mono">{props.cert.serialHex}</span>]]} />
        <ActionForm action={action} onSubmit={submit} submit={ot("signAndSend")} label={ot("signAndSend")}>
          {carrier ? <PinField label={ot("certPassword")} hint={ot("certPasswordHint")} {...f.bind("pin")} error={shownError} autoComplete="off" maxLength={16} size="medium" /> : null}
        </ActionForm>
      </section>
      <Actions>
        <button type="button" class="btn" onClick={props.onBack}>
          {ot("back")}
        </button>
      </Actions>
    </>
  );
}

function OrderList(props: { timeZone: string }): JSX.Element {
  const [orders, setOrders] = useState<SecOrder[] | undefined>(undefined);
  const [error, setError] = useState<ShownError | null>(null);
  useEffect(() => {
    secGet<{ orders: SecOrder[] }>("/orders").then(
      (r) => setOrders(r.orders),
      (e) => setError(toShown(e)),
    );
  }, []);
  return (
    <section aria-labelledby="order-list" class="sec-order-list">
      <h2 id="order-list">{ot("listTitle")}</h2>
      {error ? (
        <p class="alert alert-error" role="alert">
          {error.message}
        </p>
      ) : !orders ? (
        <Loading />
      ) : orders.length === 0 ? (
        <p>{ot("listEmpty")}</p>
      ) : (
        <ol class="sec-orders">
          {orders.map((o) => (
            <li key={o.orderId} data-order-id={o.orderId}>
              <p class="sec-order-line">
                <strong>{`${sideText(o.side)} ${o.stockCode}`}</strong> {`${o.quantity.toLocaleString("en-US")} @ ${o.limitPrice}`}
              </p>
              <p class="sec-order-meta">
                {`${ot("colTime")}: ${formatDateTime(o.createdAt, props.timeZone)}`}
                <br />
                {`${ot("colCert")}: `}
                <span class="mono">{o.certificateSerialHex}</span>
              </p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
