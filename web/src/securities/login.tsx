/**
 * The tool's login (R-SEC-3): MSG-S02, 身分證字號 + 登入密碼 with 顯示密碼明文, 【登入】; MSG-S03
 * is shown above the status panel the login leads to. The tool opens without the ordering
 * login (AC-44: 電子下單 sends a customer without a certificate here). And 登出.
 */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { navigate } from "../app/router.js";
import { Field } from "../ui/fields.js";
import { ActionForm, useAction, useFields } from "../ui/form.js";
import { PinField } from "../ui/pin.js";
import { Actions, LinkButton, Loading, Notice, Screen } from "../ui/screen.js";
import { forgetSecSession, secPost, textOf, type SecSession } from "./api.js";
import { PublicPage, secPath, useFirm } from "./shell.js";
import { sec } from "./texts.js";

/** MSG-S03 of the login just made, shown once on the status page it leads to. */
let greeting: string | undefined;
export function takeGreeting(): string | undefined {
  const g = greeting;
  greeting = undefined;
  return g;
}

/** 身分證字號 as the server folds it: full-width and lower case are the same ID. */
export const foldNationalId = (v: string): string => v.normalize("NFKC").trim().toUpperCase();

export function SecLogin(props: { code: string }): JSX.Element {
  const firm = useFirm(props.code);
  const action = useAction();
  const f = useFields({ nationalId: "", password: "" });
  return (
    <PublicPage code={props.code}>
      <Screen title={sec("login")} lead={textOf(firm, "MSG-S02") || undefined}>
        <ActionForm
          action={action}
          submit={sec("login")}
          onSubmit={async () => {
            const s = await secPost<SecSession>("/login", { institutionCode: props.code, nationalId: foldNationalId(f.values.nationalId), password: f.values.password });
            greeting = s.message;
            navigate(secPath(props.code, "home"), { replace: true });
          }}
        >
          <Field {...f.bind("nationalId")} label={sec("nationalId")} hint={sec("nationalIdHint")} error={action.error} required maxLength={20} autoComplete="username" size="short" />
          <PinField {...f.bind("password")} label={sec("password")} showLabel={sec("showPassword")} error={action.error} maxLength={64} autoComplete="current-password" />
        </ActionForm>
        <p>
          <a href={secPath(props.code, "password")}>{sec("forgotPassword")}</a>
        </p>
        <p class="hint">{sec("noCertLead")}</p>
        <ul class="sec-links">
          <li>
            <a href={secPath(props.code, "help")}>{sec("help")}</a>
          </li>
          <li>
            <a href={secPath(props.code, "env-check")}>{sec("envCheck")}</a>
          </li>
          <li>
            <a href={secPath(props.code, "orders")}>{sec("orders")}</a>
          </li>
        </ul>
      </Screen>
    </PublicPage>
  );
}

export function SecLogout(props: { code: string }): JSX.Element {
  const [done, setDone] = useState(false);
  useEffect(() => {
    secPost("/logout")
      .catch(() => undefined)
      .finally(() => {
        forgetSecSession();
        setDone(true);
      });
  }, []);
  return (
    <PublicPage code={props.code}>
      {done ? (
        <Screen title={sec("logout")}>
          <Notice kind="success" live>
            <p>{sec("loggedOut")}</p>
          </Notice>
          <Actions>
            <LinkButton href={secPath(props.code)} primary>
              {sec("toLogin")}
            </LinkButton>
          </Actions>
        </Screen>
      ) : (
        <Loading />
      )}
    </PublicPage>
  );
}
