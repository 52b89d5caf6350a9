/**
 * ご契約先認証情報変更 (SPEC §8.14): ご契約先暗証番号変更, ご契約先確認暗証番号変更 (the
 * current PIN and the new one twice) and 管理者Eメールアドレス変更 (authorised with the
 * confirmation PIN). Each change mails the admin; PIN advice (R-PIN-3, R-PIN-8) is shown.
 */
import type { JSX } from "preact";
import { ADMIN_API } from "../api.js";
import { t } from "../i18n.js";
import type { Institution } from "../model.js";
import { EmailChangeForm, PinChangeForm } from "../../ui/pin-change.js";
import { ErrorView } from "../ui.js";

export function AdminPinChange(props: { inst: Institution; which: "login-pin" | "confirm-pin" }): JSX.Element {
  return (
    <PinChangeForm
      key={props.which}
      title={props.which === "login-pin" ? t("menuLoginPin") : t("menuConfirmPin")}
      url={`${ADMIN_API}/settings/${props.which}`}
      backHref={`/portal/${props.inst.code}/admin/status`}
      errorPage={(e) => <ErrorView error={e} inst={props.inst} />}
      hint={t("pinRuleHint")}
    />
  );
}

export function AdminEmailChange(props: { inst: Institution }): JSX.Element {
  return (
    <EmailChangeForm
      title={t("menuEmail")}
      url={`${ADMIN_API}/settings/email`}
      backHref={`/portal/${props.inst.code}/admin/status`}
      errorPage={(e) => <ErrorView error={e} inst={props.inst} />}
      pinLabel={t("adminConfirmPin")}
    />
  );
}
