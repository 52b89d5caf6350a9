/**
 * The securities software-certificate tool (軟體憑證工具, SPEC §13) under /portal/<code> of a
 * TW_SECURITIES firm, loaded by the portal with a dynamic import (a chunk of its own).
 *
 * SEC_ROUTES is the route table: a page name (the path after /portal/<code>/), whether it needs
 * the tool's login (then it is framed with the title and the menu and gets the session), and
 * what it renders. 電子下單 and the phone's side of 憑證上傳手機 have their own logins.
 */
import "./securities.css";
import type { JSX } from "preact";
import type { Institution } from "../app/model.js";
import { NotFound } from "../app/home.js";
import type { SecSession } from "./api.js";
import { SecApply } from "./apply.js";
import { SecBackup } from "./backup.js";
import { SecEnvCheck } from "./env-check.js";
import { SecHelp } from "./help.js";
import { SecImport } from "./import.js";
import { SecLogin, SecLogout } from "./login.js";
import { MobileReceiveScreen } from "./mobile-receive.js";
import { MobileUploadScreen } from "./mobile-upload.js";
import { OrdersScreen } from "./orders.js";
import { SecPasswordCenter } from "./password-center.js";
import { SecRemove } from "./remove.js";
import { AppName } from "../ui/screen.js";
import { OpenPage, SessionPage } from "./shell.js";
import { sec } from "./texts.js";
import { SecHome } from "./status.js";

export interface SecRouteProps {
  code: string;
  /** The tool session, for pages with `session: true`. */
  session?: SecSession;
}
export interface SecRoute {
  page: string;
  /** "session": the tool's login first, menu frame; "open": menu when logged in; "public": own frame. */
  access: "session" | "open" | "public";
  render: (p: SecRouteProps) => JSX.Element;
}

const withSession = (f: (code: string, s: SecSession) => JSX.Element) => (p: SecRouteProps): JSX.Element => f(p.code, p.session!);

export const SEC_ROUTES: readonly SecRoute[] = [
  { page: "", access: "public", render: (p) => <SecLogin code={p.code} /> },
  { page: "login", access: "public", render: (p) => <SecLogin code={p.code} /> },
  { page: "logout", access: "public", render: (p) => <SecLogout code={p.code} /> },
  { page: "password", access: "public", render: (p) => <SecPasswordCenter code={p.code} /> },
  { page: "home", access: "session", render: withSession((code, s) => <SecHome code={code} session={s} />) },
  { page: "apply", access: "session", render: withSession((code, s) => <SecApply code={code} session={s} kind="APPLY" />) },
  { page: "renew", access: "session", render: withSession((code, s) => <SecApply code={code} session={s} kind="RENEW" />) },
  { page: "backup", access: "session", render: withSession((code, s) => <SecBackup code={code} session={s} />) },
  { page: "import", access: "session", render: withSession((code, s) => <SecImport code={code} session={s} />) },
  { page: "remove", access: "session", render: withSession((code, s) => <SecRemove code={code} session={s} />) },
  { page: "env-check", access: "open", render: (p) => <SecEnvCheck code={p.code} /> },
  { page: "help", access: "open", render: (p) => <SecHelp code={p.code} /> },
  // 電子下單 and the phone's receiving page log in on their own (trading login, AC-44).
  { page: "orders", access: "public", render: (p) => <OrdersScreen code={p.code} /> },
  { page: "mobile", access: "public", render: (p) => <MobileReceiveScreen code={p.code} /> },
  { page: "mobile-upload", access: "session", render: (p) => <MobileUploadScreen code={p.code} session={p.session} /> },
];

export function SecApp(props: { inst: Institution; path: string }): JSX.Element {
  const code = props.inst.code;
  const page = props.path.replace(/\/+$/, "").split("/").slice(3).join("/");
  const route = SEC_ROUTES.find((r) => r.page === page);
  // The tool's tabs say they are the certificate tool, not internet banking.
  return <AppName.Provider value={sec("appName")}>{secRoute(route, code, page, props.inst)}</AppName.Provider>;
}

function secRoute(route: SecRoute | undefined, code: string, page: string, inst: Institution): JSX.Element {
  if (!route) return <NotFound inst={inst} />;
  if (route.access === "session") return <SessionPage code={code} at={page} children={(s) => route.render({ code, session: s })} />;
  if (route.access === "open") return <OpenPage code={code} at={page} children={route.render({ code })} />;
  return route.render({ code });
}

export default SecApp;
