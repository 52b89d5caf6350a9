/** BO-1: register a contract (HQ); the answer's card goes straight to its print page. */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { t } from "../../app/i18n.js";
import { navigate } from "../../app/router.js";
import { Field, Select } from "../../ui/fields.js";
import { CheckGroup } from "../../ui/fields-extra.js";
import { ActionForm, useAction, useFields } from "../../ui/form.js";
import { Screen } from "../../ui/screen.js";
import { bankPost } from "../api.js";
import type { SectionProps } from "../app.js";
import { holdCard, SERVICES, type CardView, type Contract } from "./model.js";
import { cx } from "./texts.js";

export function RegisterContract(props: SectionProps): JSX.Element {
  const action = useAction();
  const f = useFields({ contractId: "", companyName: "", applicationDate: "", registrationPin: "", lockMode: "LINKED", locale: props.inst.defaultLocale, contractLimit: "" });
  const [services, setServices] = useState<string[]>([...SERVICES]);
  return (
    <Screen title={cx("newContract")}>
      <ActionForm
        action={action}
        submit={cx("register")}
        back={props.base}
        onSubmit={async () => {
          const v = f.values;
          const limit = v.contractLimit.replace(/[,\s]/g, "");
          const r = await bankPost<{ contract: Contract; card: CardView }>("/contracts", {
            contractId: v.contractId.trim(),
            companyName: v.companyName.trim(),
            applicationDate: v.applicationDate,
            registrationPin: v.registrationPin,
            contractedServices: services,
            lockMode: v.lockMode,
            locale: v.locale,
            ...(limit ? { contractLimit: /^\d+$/.test(limit) ? Number(limit) : limit } : {}),
          });
          f.set("registrationPin", "");
          holdCard({ contractId: r.contract.contractId, companyName: r.contract.companyName, card: r.card });
          navigate(`${props.base}/${r.contract.contractId}/card-print`, { replace: true });
        }}
      >
        <Field {...f.bind("contractId")} label={cx("contractId")} inputMode="numeric" maxLength={20} size="medium" error={action.error} required />
        <Field {...f.bind("companyName")} label={cx("companyName")} maxLength={60} size="long" error={action.error} required />
        <Field {...f.bind("applicationDate")} label={cx("applicationDate")} hint={cx("applicationDateHint")} type="date" error={action.error} required />
        <Field {...f.bind("registrationPin")} label={cx("registrationPin")} hint={cx("registrationPinHint")} type="password" inputMode="numeric" maxLength={4} size="short" error={action.error} required />
        <CheckGroup name="contractedServices" legend={cx("services")} options={SERVICES.map((s) => [s, t(`svc_${s}`)] as const)} checked={services} onChange={setServices} error={action.error} />
        <Select {...f.bind("lockMode")} label={cx("lockMode")} options={[["LINKED", cx("LINKED")], ["NON_LINKED", cx("NON_LINKED")]]} error={action.error} />
        <Select {...f.bind("locale")} label={cx("locale")} options={[["ja", "日本語"], ["zh-TW", "繁體中文"], ["en", "English"]]} error={action.error} />
        <Field {...f.bind("contractLimit")} label={cx("contractLimit")} inputMode="numeric" maxLength={20} size="medium" error={action.error} />
      </ActionForm>
    </Screen>
  );
}
