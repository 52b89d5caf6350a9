/**
 * 電子証明書取得 for a user (F-USR-CERT, SPEC §8.10): contract ID, user ID, the login PIN
 * (the temporary one before activation) and the institution's second factor — the token's
 * one-time password (Variant T) and/or the confirmation PIN (Variant P).
 */
import type { JSX } from "preact";
import { post, USER_API } from "../api.js";
import { Acquisition } from "../acquire.js";
import { seed, t } from "../i18n.js";
import type { Institution, IssuedCertificate } from "../model.js";
import { Field, PinField, useFields } from "../ui.js";

export function UserCertificate(props: { inst: Institution }): JSX.Element {
  const { inst } = props;
  const factors = inst.userCertAcquisitionFactors;
  const needConfirm = factors.includes("CONFIRM_PIN");
  const needOtp = factors.includes("TOKEN_OTP");
  const f = useFields({ contractId: "", userId: "", loginPin: "", confirmPin: "", otp: "" });
  return (
    <Acquisition
      inst={inst}
      lead={t("certLeadUser")}
      cn={() => `${f.values.contractId.trim()}${f.values.userId.trim()}${inst.code.padStart(4, "0")}`.slice(0, 64) || inst.code}
      issue={(csr) =>
        post<IssuedCertificate>(`${USER_API}/certificate`, {
          institutionCode: inst.code,
          contractId: f.values.contractId.trim(),
          userId: f.values.userId.trim(),
          loginPin: f.values.loginPin,
          ...(needConfirm ? { confirmPin: f.values.confirmPin } : {}),
          ...(needOtp ? { otp: f.values.otp.trim() } : {}),
          csr,
        })
      }
      fields={(error) => (
        <>
          <Field {...f.bind("contractId")} label={t("contractId")} hint={t("contractIdHint", { length: inst.contractIdLength })} inputMode="numeric" maxLength={inst.contractIdLength} required error={error} />
          <Field {...f.bind("userId")} label={t("userId")} maxLength={30} required error={error} autoComplete="username" />
          <PinField {...f.bind("loginPin")} label={t("userLoginPin")} hint={t("userPinFirstTimeHint")} maxLength={12} error={error} />
          {needConfirm ? <PinField {...f.bind("confirmPin")} label={t("userConfirmPin")} hint={t("userPinFirstTimeHint")} maxLength={12} error={error} /> : null}
          {needOtp ? <Field {...f.bind("otp")} label={t("tokenOtp")} hint={t("tokenOtpHint", { digits: inst.tokenOtpDigits })} inputMode="numeric" maxLength={inst.tokenOtpDigits} size="short" required error={error} autoComplete="one-time-code" /> : null}
        </>
      )}
      doneTitle={seed("MSG-J11-TITLE")}
      logonHref={`/portal/${inst.code}/user/login`}
      backHref={`/portal/${inst.code}/user`}
    />
  );
}
