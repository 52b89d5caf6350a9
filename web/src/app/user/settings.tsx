/** 利用者情報変更 (SPEC §8.14): 利用者暗証番号変更, 確認暗証番号変更, 利用者Eメールアドレス変更. */
import type { JSX } from "preact";
import { USER_API } from "../api.js";
import { t } from "../i18n.js";
import type { Institution } from "../model.js";
import { EmailChangeForm, PinChangeForm } from "../../ui/pin-change.js";
import { ErrorView } from "../ui.js";

export function UserPinChange(props: { inst: Institution; which: "login-pin" | "confirm-pin" }): JSX.Element {
  return (
    <PinChangeForm
      key={props.which}
      title={props.which === "login-pin" ? t("menuUserLoginPin") : t("menuUserConfirmPin")}
      url={`${USER_API}/settings/${props.which}`}
      backHref={`/portal/${props.inst.code}/user/status`}
      errorPage={(e) => <ErrorView error={e} inst={props.inst} />}
      hint={t("pinRuleHint")}
    />
  );
}

export function UserEmailChange(props: { inst: Institution }): JSX.Element {
  return (
    <EmailChangeForm
      title={t("menuUserEmail")}
      url={`${USER_API}/settings/email`}
      backHref={`/portal/${props.inst.code}/user/status`}
      errorPage={(e) => <ErrorView error={e} inst={props.inst} />}
      pinLabel={t("userConfirmPin")}
    />
  );
}
