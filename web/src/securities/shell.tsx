/**
 * The tool's frame (R-SEC-3): the title with the tool version ("寶城證券軟體憑證工具 0.1.0", from
 * GET /firms/:code), and on logged-in pages the seed's menu 憑證查詢與申請 … 登出 plus the way to
 * 電子下單. Logged-in pages load the session first (keeping its CSRF token): none → the login.
 */
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { toShown, type ShownError } from "../app/errors.js";
import { currentLocale } from "../app/i18n.js";
import { navigate } from "../app/router.js";
import { ErrorPage } from "../ui/error-page.js";
import { Loading } from "../ui/screen.js";
import { currentSession, firmFacts, type SecFirm, type SecSession } from "./api.js";
import { sec, type SecKey } from "./texts.js";

export const secPath = (code: string, page = ""): string => `/portal/${code}${page ? `/${page}` : ""}`;

/** The seed's menu order [001 L45–51, L188–194]; 憑證查詢與申請 is the status page. */
const MENU: readonly (readonly [string, SecKey])[] = [
  ["home", "queryApply"],
  ["import", "import"],
  ["backup", "export"],
  ["mobile-upload", "uploadMobile"],
  ["env-check", "envCheck"],
  ["help", "help"],
  ["logout", "logout"],
];

/** The firm's public facts in the page's language (asked again when the language changes). */
export function useFirm(code: string): SecFirm | undefined {
  const [firm, setFirm] = useState<SecFirm | undefined>(undefined);
  const locale = currentLocale();
  useEffect(() => {
    firmFacts(code).then(setFirm, () => undefined);
  }, [code, locale]);
  return firm;
}

export function ToolTitle(props: { firm: SecFirm | undefined }): JSX.Element {
  return <p class="sec-title">{props.firm?.title ?? "\u00a0"}</p>;
}

export function SecMenu(props: { code: string; at: string }): JSX.Element {
  return (
    <nav class="sec-menu" aria-label={sec("menuLabel")}>
      <ul>
        {MENU.map(([page, key]) => (
          <li key={page}>
            <a href={secPath(props.code, page)} aria-current={props.at === page ? "page" : undefined}>
              {sec(key)}
            </a>
          </li>
        ))}
      </ul>
      <p class="sec-menu-orders">
        <a href={secPath(props.code, "orders")}>{sec("orders")}</a>
      </p>
    </nav>
  );
}

/** A page reachable without logging in (login, 密碼中心, 操作說明, 系統環境檢測 before login). */
export function PublicPage(props: { code: string; children: ComponentChildren }): JSX.Element {
  const firm = useFirm(props.code);
  return (
    <div class="sec sec-public">
      <div class="sec-main">
        <ToolTitle firm={firm} />
        {props.children}
      </div>
    </div>
  );
}

/** A logged-in page of the tool: the title, the menu, the screen. */
export function SessionPage(props: { code: string; at: string; children: (s: SecSession) => ComponentChildren }): JSX.Element {
  const firm = useFirm(props.code);
  const [session, setSession] = useState<SecSession | undefined>(undefined);
  const [error, setError] = useState<ShownError | undefined>(undefined);
  useEffect(() => {
    currentSession().then(
      (s) => {
        if (!s || s.app !== "TOOL") navigate(secPath(props.code), { replace: true });
        else setSession(s);
      },
      (e) => setError(toShown(e)),
    );
  }, []);
  if (error) return <ErrorPage error={error} next={sec("loadFailedNext")} homeHref={secPath(props.code)} />;
  if (!session) return <Loading />;
  return (
    <div class="sec">
      <div class="sec-head">
        <ToolTitle firm={firm} />
        <SecMenu code={props.code} at={props.at} />
      </div>
      <div class="sec-main">{props.children(session)}</div>
    </div>
  );
}

/**
 * A page that works with or without a session (操作說明, 系統環境檢測): the menu when logged in
 * to the tool, the plain frame otherwise.
 */
export function OpenPage(props: { code: string; at: string; children: ComponentChildren }): JSX.Element {
  const firm = useFirm(props.code);
  const [session, setSession] = useState<SecSession | null | undefined>(undefined);
  useEffect(() => {
    currentSession().then((s) => setSession(s && s.app === "TOOL" ? s : null), () => setSession(null));
  }, []);
  if (session === undefined) return <Loading />;
  if (!session) return <PublicPage code={props.code}>{props.children}</PublicPage>;
  return (
    <div class="sec">
      <div class="sec-head">
        <ToolTitle firm={firm} />
        <SecMenu code={props.code} at={props.at} />
      </div>
      <div class="sec-main">{props.children}</div>
    </div>
  );
}
