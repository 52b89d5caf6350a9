/**
 * 資金移動 (F-USR-XFER, SPEC §8.13, DESIGN §3): the details, then 資金移動確認 showing exactly
 * the bytes the server will verify (parsed from the payload it returned), signed with the key of
 * the certificate the user logged on with (dynamic linking), plus the confirmation PIN and/or
 * the token's one-time password; then 送信完了.
 */
import type { JSX } from "preact";
import { get, post, USER_API } from "../api.js";
import { signBytes } from "../certs.js";
import { localError } from "../errors.js";
import { formatAmount, formatDateTime, punct, t } from "../i18n.js";
import type { Institution, TransferConfirmation, TransferResult, UserStatus } from "../model.js";
import type { TextKey } from "../texts.js";
import { ActionForm, Actions, ErrorView, Facts, Field, Loading, Notice, PinField, Screen, Select, Submit, useAction, useFields } from "../ui.js";
import { useLoaded } from "../admin/status.js";
import { loginCertificateEntry } from "./session.js";
import { useSteps } from "../router.js";

const ACCOUNT_TYPES = ["ORDINARY", "CURRENT", "SAVINGS", "OTHER"] as const;
export const accountTypeName = (v: string): string => (ACCOUNT_TYPES.includes(v as never) ? t(`acct_${v}` as TextKey) : v);

interface Party {
  bankCode?: string;
  branchCode: string;
  accountType: string;
  accountNumber: string;
  name?: string;
}
/** The signed text (inkan-transfer/2) as the screen shows it: exactly what the key signs. */
interface SignedTransfer {
  transferId: string;
  receptionNumber: string;
  debitAccount: Party;
  payee: Required<Party> & { bankName: string; branchName: string };
  amount: string;
  fee: string;
  feeBearer: "PAYER" | "PAYEE";
  debitAmount: string;
  creditAmount: string;
  currency: string;
  requestedAt: string;
  executionDate: string | null;
}

const accountLine = (a: Party): string => `${a.bankCode ? `${a.bankCode}-` : ""}${a.branchCode} ${accountTypeName(a.accountType)} ${a.accountNumber}`;
/** みずほ（0001） 戸越（123） 普通 7654321: names from the Zengin data beside the codes. */
const payeeLine = (p: SignedTransfer["payee"]): string => `${p.bankName}${punct.paren(p.bankCode)} ${p.branchName}${punct.paren(p.branchCode)} ${accountTypeName(p.accountType)} ${p.accountNumber}`;
const FEE_BEARERS = ["PAYER", "PAYEE"] as const;

type Stage = { at: "input" } | { at: "confirm"; c: TransferConfirmation; shown: SignedTransfer } | { at: "done"; r: TransferResult; shown: SignedTransfer };

export function UserTransfer(props: { inst: Institution }): JSX.Element {
  const { inst } = props;
  const status = useLoaded(() => get<UserStatus>(`${USER_API}/status`));
  // Each step is a history entry: the browser's Back (and 戻る) return to the filled-in form.
  const steps = useSteps<Stage>({ at: "input" });
  const stage = steps.step;
  const action = useAction();
  const f = useFields({ debit: "", bankCode: "", branchCode: "", accountType: "ORDINARY", accountNumber: "", name: "", amount: "", feeBearer: "PAYER", executionDate: "", confirmPin: "", otp: "" });
  const back = `/portal/${inst.code}/user/status`;

  if (status.error) return <ErrorView error={status.error} inst={inst} />;
  if (action.error?.terminal) return <ErrorView error={action.error} inst={inst} />;
  const s = status.data;
  if (!s) return <Loading />;
  if (!s.services.some((x) => x.code === "TRANSFER"))
    return (
      <Screen title={t("transferTitle")}>
        <Notice kind="warn">
          <p>{t("transferNotPermitted")}</p>
        </Notice>
        <Actions>
          <a class="btn" href={back}>
            {t("toStatus")}
          </a>
        </Actions>
      </Screen>
    );

  const accounts = s.accounts.map((a) => [`${a.branchCode}|${a.accountType}|${a.accountNumber}`, accountLine(a)] as const);
  const debit = f.values.debit || accounts[0]?.[0] || "";

  if (stage.at === "input")
    return (
      <Screen title={t("transferTitle")} lead={t("transferLead")}>
        {accounts.length === 0 ? (
          <Notice kind="warn">
            <p>{t("noDebitAccounts")}</p>
          </Notice>
        ) : null}
        <ActionForm
          action={action}
          submit={t("next")}
          back={back}
          onSubmit={async () => {
            const [branchCode, accountType, accountNumber] = debit.split("|");
            const c = await post<TransferConfirmation>(`${USER_API}/transfers`, {
              debitAccount: { branchCode, accountType, accountNumber },
              payee: { bankCode: f.values.bankCode.trim(), branchCode: f.values.branchCode.trim(), accountType: f.values.accountType, accountNumber: f.values.accountNumber.trim(), name: f.values.name.trim() },
              amount: f.values.amount.replace(/[,，\s]/g, ""),
              feeBearer: f.values.feeBearer,
              executionDate: f.values.executionDate.trim() || null,
            });
            steps.go({ at: "confirm", c, shown: JSON.parse(c.payload) as SignedTransfer });
          }}
        >
          <Select name="debitAccount" label={t("debitAccount")} value={debit} onInput={(e) => f.set("debit", e.currentTarget.value)} options={accounts} error={action.error} />
          <fieldset class="checks">
            <legend>{t("payee")}</legend>
            <Field {...f.bind("bankCode")} name="payee.bankCode" label={t("bankCode")} hint={t("bankCodeHint")} inputMode="numeric" maxLength={4} size="short" required error={action.error} />
            <Field {...f.bind("branchCode")} name="payee.branchCode" label={t("branchCode")} hint={t("branchCodeHint")} inputMode="numeric" maxLength={3} size="short" required error={action.error} />
            <Select name="payee.accountType" label={t("accountType")} value={f.values.accountType} onInput={(e) => f.set("accountType", e.currentTarget.value)} options={ACCOUNT_TYPES.map((a) => [a, accountTypeName(a)] as const)} error={action.error} />
            <Field {...f.bind("accountNumber")} name="payee.accountNumber" label={t("accountNumber")} hint={t("accountNumberHint")} inputMode="numeric" maxLength={7} size="short" required error={action.error} />
            <Field {...f.bind("name")} name="payee.name" label={t("payeeName")} maxLength={48} size="long" required error={action.error} />
          </fieldset>
          <Field {...f.bind("amount")} label={t("amountYen")} inputMode="numeric" maxLength={16} size="medium" required error={action.error} />
          <Select name="feeBearer" label={t("feeBearer")} value={f.values.feeBearer} onInput={(e) => f.set("feeBearer", e.currentTarget.value)} options={FEE_BEARERS.map((b) => [b, t(`feeBearer_${b}`)] as const)} error={action.error} />
          <Field {...f.bind("executionDate")} label={t("executionDate")} hint={t("executionDateHint")} type="date" size="medium" error={action.error} />
        </ActionForm>
      </Screen>
    );

  const yen = (v: string): string => t("yen", { amount: formatAmount(Number(v)) });
  const shownFacts = (x: SignedTransfer): (readonly [string, JSX.Element | string])[] => [
    [t("transferId"), <span class="mono">{x.receptionNumber}</span>],
    [t("debitAccount"), accountLine(x.debitAccount)],
    [t("payee"), payeeLine(x.payee)],
    [t("payeeName"), x.payee.name],
    [t("amountYen"), <strong class="amount">{yen(x.amount)}</strong>],
    [t("fee"), `${yen(x.fee)}${punct.paren(t(`feeBearer_${x.feeBearer}`))}`],
    // With a fee, what leaves the account and what the payee gets differ from the amount.
    ...(x.fee !== "0"
      ? ([
          [x.feeBearer === "PAYER" ? t("debitAmount") : t("debitAmountPayee"), yen(x.debitAmount)],
          [t("creditAmount"), yen(x.creditAmount)],
        ] as const)
      : []),
    [t("executionDate"), x.executionDate ?? t("immediate")],
  ];

  if (stage.at === "confirm") {
    const needPin = stage.c.requiredFactors.includes("CONFIRM_PIN");
    const needOtp = stage.c.requiredFactors.includes("TOKEN_OTP");
    return (
      <Screen title={t("transferConfirmTitle")} lead={t("transferConfirmLead")}>
        <Facts rows={shownFacts(stage.shown)} />
        <ActionForm
          action={action}
          onSubmit={async () => {
            const entry = await loginCertificateEntry(s.certificate?.serialHex);
            if (!entry) throw localError("NO_LOGIN_CERTIFICATE", t("pickNone"));
            const signature = await signBytes(entry, new TextEncoder().encode(stage.c.payload));
            try {
              const r = await post<TransferResult>(`${USER_API}/transfers/${encodeURIComponent(stage.c.transferId)}/confirm`, {
                signature,
                ...(needPin ? { confirmPin: f.values.confirmPin } : {}),
                ...(needOtp ? { otp: f.values.otp.trim() } : {}),
              });
              // Sent: Back must not offer this confirmation again, so 送信完了 takes its entry.
              steps.go({ at: "done", r, shown: stage.shown }, { replace: true });
            } finally {
              f.set("confirmPin", "");
              f.set("otp", "");
            }
          }}
        >
          {needPin ? <PinField {...f.bind("confirmPin")} label={t("userConfirmPin")} maxLength={12} error={action.error} /> : null}
          {needOtp ? <Field {...f.bind("otp")} label={t("tokenOtp")} hint={t("tokenOtpHint", { digits: inst.tokenOtpDigits })} inputMode="numeric" maxLength={inst.tokenOtpDigits} size="short" required error={action.error} autoComplete="one-time-code" /> : null}
          <Notice>
            <p>{t("signNotice")}</p>
          </Notice>
          <Actions>
            <Submit busy={action.busy}>{t("confirmAndSend")}</Submit>
            <button type="button" class="btn" onClick={steps.back}>
              {t("back")}
            </button>
            <a class="btn" href={back}>
              {t("cancel")}
            </a>
          </Actions>
        </ActionForm>
      </Screen>
    );
  }

  return (
    <Screen title={t("transferDoneTitle")}>
      <Notice kind="success" live>
        {stage.r.messages.length ? stage.r.messages.map((m) => <p key={m.id}>{m.text}</p>) : <p>{stage.r.status === "RESERVED" ? t("transferScheduled") : t("transferSent")}</p>}
      </Notice>
      <Facts
        rows={[
          ...shownFacts(stage.shown),
          [t("confirmedAt"), stage.r.confirmedAt ? formatDateTime(stage.r.confirmedAt, inst.timeZone) : "—"],
        ]}
      />
      <Actions>
        <a class="btn btn-primary" href={back}>
          {t("toStatus")}
        </a>
      </Actions>
    </Screen>
  );
}
