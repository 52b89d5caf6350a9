/**
 * b., c., f.–i. of 利用者情報登録／変更 (SPEC §8.4, §8.6): the names, the e-mail address,
 * whether a certificate may be issued, the permitted services and the limits of the
 * amount-bearing ones — the same fields when registering a user and when changing one.
 */
import type { ComponentChildren, JSX } from "preact";
import { useState } from "preact/hooks";
import type { ShownError } from "../errors.js";
import { t } from "../i18n.js";
import { CheckField, EmailField, Field, useFields } from "../ui.js";
import { serviceName } from "./status.js";
import type { UserView } from "./user-shared.js";

const LIMITED = ["TRANSFER", "FILE_TRANSFER"] as const;

const limitsBody = (limits: Record<string, string>, contracted: readonly string[]): Record<string, string | null> =>
  Object.fromEntries(LIMITED.filter((c) => contracted.includes(c)).map((c) => [c, limits[c]?.replace(/[,，\s]/g, "") ? limits[c]!.replace(/[,，\s]/g, "") : null]));

/** h. and i.: the contracted services as checkboxes, a limit for the amount-bearing ones. */
function PermissionFields(props: {
  contracted: readonly string[];
  permissions: readonly string[];
  limits: Record<string, string>;
  onToggle: (code: string, on: boolean) => void;
  onLimit: (code: string, v: string) => void;
  error: ShownError | null;
}): JSX.Element {
  return (
    <>
      <fieldset class="checks">
        <legend>h. {t("permissions")}</legend>
        {props.contracted.map((code) => (
          <label class="check" key={code}>
            <input type="checkbox" name={`permission-${code}`} checked={props.permissions.includes(code)} onChange={(e) => props.onToggle(code, e.currentTarget.checked)} />
            {serviceName(code)}
          </label>
        ))}
      </fieldset>
      {LIMITED.filter((c) => props.contracted.includes(c)).map((code) => (
        <Field
          key={code}
          name={`serviceLimits.${code}`}
          label={`i. ${t("limitFor", { service: serviceName(code) })}`}
          hint={t("limitHint")}
          value={props.limits[code] ?? ""}
          onInput={(e) => props.onLimit(code, e.currentTarget.value)}
          inputMode="numeric"
          maxLength={16}
          error={props.error}
        />
      ))}
    </>
  );
}

/** The profile's state, its request body and its fields (`between` goes after c., where registration asks for the temporary PINs). */
export function useProfile(
  contracted: readonly string[],
  initial?: UserView,
): { body: () => Record<string, unknown>; reset: () => void; fields: (error: ShownError | null, between?: ComponentChildren) => JSX.Element } {
  const f = useFields({ nameKana: initial?.nameKana ?? "", nameKanji: initial?.nameKanji ?? "", email: initial?.email ?? "" });
  const [certIssuable, setCertIssuable] = useState(initial?.certIssuable ?? true);
  const [permissions, setPermissions] = useState<string[] | undefined>(initial?.permissions);
  const [limits, setLimits] = useState<Record<string, string>>(initial ? Object.fromEntries(Object.entries(initial.serviceLimits).map(([k, v]) => [k, String(v)])) : {});
  // Until the admin ticks something, a new user gets every contracted service.
  const perms = permissions ?? contracted;
  return {
    body: () => ({
      nameKana: f.values.nameKana.trim(),
      nameKanji: f.values.nameKanji.trim() || null,
      email: f.values.email.trim() || null,
      certIssuable,
      permissions: perms,
      serviceLimits: limitsBody(limits, contracted),
    }),
    reset: () => f.reset(),
    fields: (error, between) => (
      <>
        <Field {...f.bind("nameKana")} label={`b. ${t("nameKana")}`} hint={t("nameKanaHint")} maxLength={30} required error={error} />
        <Field {...f.bind("nameKanji")} label={`c. ${t("nameKanji")}`} maxLength={30} error={error} />
        {between}
        <EmailField {...f.bind("email")} label={`f. ${t("userEmail")}`} error={error} />
        <CheckField name="certIssuable" legend={`g. ${t("certIssuable")}`} label={t("certIssuableLabel")} checked={certIssuable} onChange={setCertIssuable} />
        <PermissionFields
          contracted={contracted}
          permissions={perms}
          limits={limits}
          onToggle={(code, on) => setPermissions(on ? [...perms, code] : perms.filter((p) => p !== code))}
          onLimit={(code, v) => setLimits({ ...limits, [code]: v })}
          error={error}
        />
      </>
    ),
  };
}
