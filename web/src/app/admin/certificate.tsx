/** 電子証明書取得 for the administrator (F-ADM-CERT, SPEC §8.2): contract ID, both admin PINs. */
import type { JSX } from "preact";
import { ADMIN_API, post } from "../api.js";
import { Acquisition } from "../acquire.js";
import { t } from "../i18n.js";
import type { Institution, IssuedCertificate } from "../model.js";
import { Field, PinField, useFields } from "../ui.js";

export function AdminCertificate(props: { inst: Institution }): JSX.Element {
  const { inst } = props;
  const f = useFields({ contractId: "", loginPin: "", confirmPin: "" });
  return (
    <Acquisition
      inst={inst}
      lead={t("certLeadAdmin")}
      cn={() => `${f.values.contractId.trim()}${inst.code.padStart(4, "0")}`.slice(0, 64) || inst.code}
      issue={(csr) =>
        post<IssuedCertificate>(`${ADMIN_API}/certificate`, {
          institutionCode: inst.code,
          contractId: f.values.contractId.trim(),
          loginPin: f.values.loginPin,
          confirmPin: f.values.confirmPin,
          csr,
        })
      }
      fields={(error) => (
        <>
          <Field {...f.bind("contractId")} label={t("contractId")} hint={t("contractIdHint", { length: inst.contractIdLength })} inputMode="numeric" maxLength={inst.contractIdLength} required error={error} />
          <PinField {...f.bind("loginPin")} label={t("adminLoginPin")} maxLength={12} error={error} autoComplete="current-password" />
          <PinField {...f.bind("confirmPin")} label={t("adminConfirmPin")} maxLength={12} error={error} />
        </>
      )}
      doneTitle={t("certTitle")}
      logonHref={`/portal/${inst.code}/admin/login`}
      backHref={`/portal/${inst.code}/admin`}
    />
  );
}
