/**
 * The TW certificate platform (憑證管理平台, SPEC §12) under /portal/<code> of a TW_BANK
 * institution. Loaded by the portal with a dynamic import, so none of it is in the Shinkin
 * first page. Paths: /portal/<code> (login), /handoff, /password, /home, /apply, /renew, /query,
 * /proof, /carrier-pin, /carrier-backup, /carrier-import, /suspend, /faq, /logout.
 */
import "./tw.css";
import type { JSX } from "preact";
import type { Institution } from "../app/model.js";
import { NotFound } from "../app/home.js";
import { TwApply } from "./apply.js";
import { TwCarrierBackup, TwCarrierImport } from "./backup.js";
import { TwHandoff, TwLogin, TwLogout, TwPasswordChange } from "./login.js";
import { TwCarrierPin, TwFaq, TwHome, TwSuspend } from "./manage.js";
import { TwProofPage } from "./proof.js";
import { TwQuery } from "./query.js";
import { TwRenew } from "./renew.js";
import { SessionPage } from "./shell.js";

export function TwApp(props: { inst: Institution; path: string }): JSX.Element {
  const code = props.inst.code;
  const page = props.path.replace(/\/+$/, "").split("/").slice(3).join("/");
  switch (page) {
    case "":
    case "login":
      return <TwLogin code={code} />;
    case "handoff":
      return <TwHandoff code={code} />;
    case "password":
      return <TwPasswordChange code={code} />;
    case "logout":
      return <TwLogout code={code} />;
  }
  const screens: Record<string, (s: import("./api.js").TwSession) => JSX.Element> = {
    home: (s) => <TwHome code={code} session={s} />,
    apply: (s) => <TwApply code={code} session={s} />,
    renew: (s) => <TwRenew code={code} session={s} />,
    query: () => <TwQuery />,
    proof: () => <TwProofPage code={code} />,
    "carrier-pin": (s) => <TwCarrierPin code={code} session={s} />,
    "carrier-backup": (s) => <TwCarrierBackup code={code} session={s} />,
    "carrier-import": () => <TwCarrierImport code={code} />,
    suspend: () => <TwSuspend code={code} />,
    faq: () => <TwFaq />,
  };
  const render = screens[page];
  if (!render) return <NotFound inst={props.inst} />;
  return <SessionPage code={code} at={page} children={render} />;
}

export default TwApp;
