/**
 * Entry to the platform (R-TWB-1/2): the platform's own login (身分證字號／統一編號 + 使用者代號
 * + 密碼; MSG-T10 for a type-4 user other than SUPER001; lock messages as the server words
 * them), the first-login password change the API may ask for, the hand-off page the bank's
 * internet banking sends the browser to (#assertion=<JWS>, never sent to a server log), and 登出.
 */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { currentLocale } from "../app/i18n.js";
import { navigate } from "../app/router.js";
import { toShown, type ShownError } from "../app/errors.js";
import { Field } from "../ui/fields.js";
import { ActionForm, useAction, useFields } from "../ui/form.js";
import { PinField } from "../ui/pin.js";
import { Actions, LinkButton, Loading, Notice, Screen } from "../ui/screen.js";
import { forgetTwSession, twGet, twPost, type TwBank, type TwSession } from "./api.js";
import { PublicPage, twPath } from "./shell.js";
import { tw } from "./texts.js";

function useBank(code: string): TwBank | undefined {
  const [bank, setBank] = useState<TwBank | undefined>(undefined);
  const locale = currentLocale();
  useEffect(() => {
    twGet<TwBank>(`/banks/${code}`).then(setBank, () => undefined);
  }, [code, locale]);
  return bank;
}

const afterLogin = (code: string, s: TwSession): void => navigate(twPath(code, s.stage === "FULL" ? "home" : "password"), { replace: true });

export function TwLogin(props: { code: string }): JSX.Element {
  const bank = useBank(props.code);
  const action = useAction();
  const f = useFields({ identifier: "", userCode: "", password: "" });
  return (
    <PublicPage q={bank?.queryTime}>
      <Screen title={tw("loginTitle")} lead={tw("loginLead")}>
        <ActionForm
          action={action}
          submit={tw("login")}
          onSubmit={async () => {
            const s = await twPost<TwSession>("/login", { institutionCode: props.code, ...f.values, identifier: f.values.identifier.trim().toUpperCase() });
            afterLogin(props.code, s);
          }}
        >
          <Field {...f.bind("identifier")} label={tw("identifier")} hint={tw("identifierHint")} error={action.error} required maxLength={20} autoComplete="username" />
          <Field {...f.bind("userCode")} label={tw("userCode")} error={action.error} required maxLength={16} />
          <PinField {...f.bind("password")} label={tw("password")} error={action.error} maxLength={256} autoComplete="current-password" />
        </ActionForm>
        <h2>{tw("fromBank")}</h2>
        <p>{tw("fromBankText")}</p>
      </Screen>
    </PublicPage>
  );
}

/** The page the bank's internet banking links to: /portal/<code>/handoff#assertion=<JWS>. */
export function TwHandoff(props: { code: string }): JSX.Element {
  const bank = useBank(props.code);
  const [error, setError] = useState<ShownError | undefined>(undefined);
  useEffect(() => {
    const assertion = new URLSearchParams(location.hash.slice(1)).get("assertion");
    // The assertion is single use: drop it from the address bar and history at once.
    history.replaceState(null, "", location.pathname);
    if (!assertion) {
      setError({ code: "TW_HANDOFF_INVALID", message: tw("handoffMissing"), fields: [], terminal: true });
      return;
    }
    twPost<TwSession>("/handoff", { institutionCode: props.code, assertion }).then((s) => afterLogin(props.code, s), (e) => setError(toShown(e)));
  }, []);
  return (
    <PublicPage q={bank?.queryTime}>
      <Screen title={tw("handoffTitle")}>
        {error ? (
          <div class="alert alert-error" role="alert">
            <p data-code={error.code}>{error.message}</p>
          </div>
        ) : (
          <p role="status">{tw("handoffWorking")}</p>
        )}
        {error ? (
          <Actions>
            <LinkButton href={twPath(props.code)} primary>
              {tw("toLogin")}
            </LinkButton>
          </Actions>
        ) : null}
      </Screen>
    </PublicPage>
  );
}

/** First login with a bank-issued password: it is replaced before anything else. */
export function TwPasswordChange(props: { code: string }): JSX.Element {
  const bank = useBank(props.code);
  const action = useAction();
  const f = useFields({ currentPassword: "", newPassword: "", newPasswordAgain: "" });
  return (
    <PublicPage q={bank?.queryTime}>
      <Screen title={tw("pwTitle")} lead={tw("pwLead")}>
        <ActionForm
          action={action}
          submit={tw("pwChange")}
          onSubmit={async () => {
            await twPost("/password", f.values);
            navigate(twPath(props.code, "home"), { replace: true });
          }}
        >
          <PinField {...f.bind("currentPassword")} label={tw("pwCurrent")} error={action.error} autoComplete="current-password" />
          <PinField {...f.bind("newPassword")} label={tw("pwNew")} hint={tw("pwHint")} error={action.error} autoComplete="new-password" maxLength={20} />
          <PinField {...f.bind("newPasswordAgain")} label={tw("pwNewAgain")} error={action.error} autoComplete="new-password" maxLength={20} />
        </ActionForm>
      </Screen>
    </PublicPage>
  );
}

export function TwLogout(props: { code: string }): JSX.Element {
  const bank = useBank(props.code);
  const [done, setDone] = useState(false);
  useEffect(() => {
    twPost("/logout")
      .catch(() => undefined)
      .finally(() => {
        forgetTwSession();
        setDone(true);
      });
  }, []);
  return (
    <PublicPage q={bank?.queryTime}>
      {done ? (
        <Screen title={tw("logoutTitle")}>
          <Notice kind="success" live>
            <p>{tw("loggedOut")}</p>
          </Notice>
          <Actions>
            <LinkButton href={twPath(props.code)} primary>
              {tw("toLogin")}
            </LinkButton>
          </Actions>
        </Screen>
      ) : (
        <Loading />
      )}
    </PublicPage>
  );
}
