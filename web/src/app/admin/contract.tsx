/**
 * The admin's limit settings (SPEC §8.7): ① ご契約先口座情報 — the debit accounts users transfer
 * from, each with its own limit — and ③ ご契約先限度額. A transfer is limited by
 * min(user, account, contract); each change is confirmed with the admin confirmation PIN.
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { ADMIN_API, get, post } from "../api.js";
import { formatAmount, punct, t } from "../i18n.js";
import type { Institution } from "../model.js";
import { accountTypeName } from "../user/transfer.js";
import { ActionForm, DoneScreen, ErrorView, Field, Loading, PinField, Screen, Select, useAction, useFields } from "../ui.js";
import { useLoaded } from "./status.js";

interface Account {
  branchCode: string;
  accountType: string;
  accountNumber: string;
  transferLimit: number | null;
}
interface ContractSettings {
  contractLimit: number | null;
  accounts: Account[];
}
interface Row {
  branchCode: string;
  accountType: string;
  accountNumber: string;
  transferLimit: string;
}

const TYPES = ["ORDINARY", "CURRENT", "SAVINGS", "OTHER"] as const;
const amountOrNull = (v: string): string | null => (v.replace(/[,，\s]/g, "") === "" ? null : v.replace(/[,，\s]/g, ""));

export function AdminAccounts(props: { inst: Institution }): JSX.Element {
  const { data, error } = useLoaded(() => get<ContractSettings>(`${ADMIN_API}/settings/contract`));
  if (error) return <ErrorView error={error} inst={props.inst} />;
  if (!data) return <Loading />;
  return <AccountsForm inst={props.inst} initial={data.accounts} />;
}

function AccountsForm(props: { inst: Institution; initial: Account[] }): JSX.Element {
  const { inst } = props;
  const blank = (): Row => ({ branchCode: "", accountType: "ORDINARY", accountNumber: "", transferLimit: "" });
  const [rows, setRows] = useState<Row[]>(props.initial.length ? props.initial.map((a) => ({ ...a, transferLimit: a.transferLimit === null ? "" : String(a.transferLimit) })) : [blank()]);
  const [saved, setSaved] = useState<Account[] | undefined>(undefined);
  const pin = useFields({ confirmPin: "" });
  const action = useAction();
  const back = `/portal/${inst.code}/admin/status`;
  const set = (i: number, k: keyof Row, v: string): void => setRows(rows.map((r, j) => (j === i ? { ...r, [k]: v } : r)));

  if (action.error?.terminal) return <ErrorView error={action.error} inst={inst} />;
  if (saved)
    return (
      <DoneScreen
        title={t("menuAccounts")}
        notice={
          <>
            <p>{t("accountsSaved", { n: saved.length })}</p>
            <ul>
              {saved.map((a) => (
                <li key={`${a.branchCode}${a.accountNumber}`}>
                  {a.branchCode} {accountTypeName(a.accountType)} {a.accountNumber}
                  {a.transferLimit !== null ? punct.paren(t("limitLine", { amount: formatAmount(a.transferLimit) })) : ""}
                </li>
              ))}
            </ul>
          </>
        }
        links={[[back, t("toStatus")]]}
      />
    );

  return (
    <Screen title={t("menuAccounts")} lead={t("accountsLead")}>
      <ActionForm
        action={action}
        submit={t("save")}
        back={back}
        onSubmit={async () => {
          try {
            const r = await post<{ accounts: Account[] }>(`${ADMIN_API}/settings/accounts`, {
              accounts: rows
                .filter((r) => r.branchCode.trim() || r.accountNumber.trim())
                .map((r) => ({ branchCode: r.branchCode.trim(), accountType: r.accountType, accountNumber: r.accountNumber.trim(), transferLimit: amountOrNull(r.transferLimit) })),
              confirmPin: pin.values.confirmPin,
            });
            setSaved(r.accounts);
          } finally {
            pin.reset();
          }
        }}
      >
        {rows.map((r, i) => (
          <fieldset class="checks" key={i}>
            <legend>{t("accountN", { n: i + 1 })}</legend>
            <Field name={`accounts.${i}.branchCode`} label={t("branchCode")} hint={t("branchCodeHint")} value={r.branchCode} onInput={(e) => set(i, "branchCode", e.currentTarget.value)} inputMode="numeric" maxLength={3} size="short" error={action.error} />
            <Select name={`accounts.${i}.accountType`} label={t("accountType")} value={r.accountType} onInput={(e) => set(i, "accountType", e.currentTarget.value)} options={TYPES.map((a) => [a, accountTypeName(a)] as const)} error={action.error} />
            <Field name={`accounts.${i}.accountNumber`} label={t("accountNumber")} hint={t("accountNumberHint")} value={r.accountNumber} onInput={(e) => set(i, "accountNumber", e.currentTarget.value)} inputMode="numeric" maxLength={7} size="short" error={action.error} />
            <Field name={`accounts.${i}.transferLimit`} label={t("accountLimit")} hint={t("limitHint")} value={r.transferLimit} onInput={(e) => set(i, "transferLimit", e.currentTarget.value)} inputMode="numeric" maxLength={16} error={action.error} />
            <button type="button" class="btn btn-small" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
              {t("removeRow")}
            </button>
          </fieldset>
        ))}
        <p>
          <button type="button" class="btn btn-small" onClick={() => setRows([...rows, blank()])}>
            {t("addAccount")}
          </button>
        </p>
        <PinField {...pin.bind("confirmPin")} label={t("adminConfirmPin")} maxLength={12} error={action.error} />
      </ActionForm>
    </Screen>
  );
}

export function AdminContractLimit(props: { inst: Institution }): JSX.Element {
  const { data, error } = useLoaded(() => get<ContractSettings>(`${ADMIN_API}/settings/contract`));
  if (error) return <ErrorView error={error} inst={props.inst} />;
  if (!data) return <Loading />;
  return <ContractLimitForm inst={props.inst} current={data.contractLimit} />;
}

function ContractLimitForm(props: { inst: Institution; current: number | null }): JSX.Element {
  const { inst } = props;
  const f = useFields({ contractLimit: props.current === null ? "" : String(props.current), confirmPin: "" });
  const action = useAction();
  const [saved, setSaved] = useState<{ value: number | null } | undefined>(undefined);
  const back = `/portal/${inst.code}/admin/status`;
  if (action.error?.terminal) return <ErrorView error={action.error} inst={inst} />;
  if (saved)
    return (
      <DoneScreen
        title={t("menuContractLimit")}
        notice={<p>{saved.value === null ? t("contractLimitNone") : t("contractLimitSaved", { amount: formatAmount(saved.value) })}</p>}
        links={[[back, t("toStatus")]]}
      />
    );
  return (
    <Screen title={t("menuContractLimit")}>
      <ActionForm
        action={action}
        submit={t("save")}
        back={back}
        onSubmit={async () => {
          try {
            const r = await post<{ contractLimit: number | null }>(`${ADMIN_API}/settings/contract-limit`, { contractLimit: amountOrNull(f.values.contractLimit), confirmPin: f.values.confirmPin });
            setSaved({ value: r.contractLimit });
          } finally {
            f.set("confirmPin", "");
          }
        }}
      >
        <Field {...f.bind("contractLimit")} label={t("menuContractLimit")} hint={t("limitHint")} inputMode="numeric" maxLength={16} error={action.error} />
        <PinField {...f.bind("confirmPin")} label={t("adminConfirmPin")} maxLength={12} error={action.error} />
      </ActionForm>
    </Screen>
  );
}
