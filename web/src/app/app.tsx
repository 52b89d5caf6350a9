/**
 * The portal: the bank's frame (name, language switch, help-desk number) around the screen the
 * path names. The institution comes from the path (/portal/1286/…); its default language is used
 * until the customer picks another.
 */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { get } from "./api.js";
import { applyLocale, chooseLocale, chosenLocale, currentLocale, institutionName, t, type Locale } from "./i18n.js";
import { LanguageSwitch } from "../ui/language-switch.js";
import type { Institution } from "./model.js";
import { match, usePath } from "./router.js";
import { ROUTES } from "./routes.js";
import { Loading } from "./ui.js";
import { BankList, NotFound } from "./home.js";

type TwModule = typeof import("../tw/app.js");
let twModule: Promise<TwModule> | undefined;

/**
 * A Taiwanese bank's portal is the TW certificate platform (web/src/tw), loaded on first need:
 * its code is a chunk of its own, never part of the Shinkin first page.
 */
function TwPlatform(props: { inst: Institution; path: string }): JSX.Element {
  const [mod, setMod] = useState<TwModule | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    twModule ??= import("../tw/app.js");
    twModule.then(setMod, () => {
      twModule = undefined;
      setFailed(true);
    });
  }, []);
  if (failed) return <NotFound inst={props.inst} />;
  if (!mod) return <Loading />;
  return <mod.TwApp inst={props.inst} path={props.path} />;
}

export const isTwInstitution = (inst: Institution): boolean => inst.kind === "TW_BANK";

type SecModule = typeof import("../securities/app.js");
let secModule: Promise<SecModule> | undefined;

/** A securities firm's portal is its software-certificate tool (web/src/securities), a chunk of its own too. */
function SecuritiesTool(props: { inst: Institution; path: string }): JSX.Element {
  const [mod, setMod] = useState<SecModule | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    secModule ??= import("../securities/app.js");
    secModule.then(setMod, () => {
      secModule = undefined;
      setFailed(true);
    });
  }, []);
  if (failed) return <NotFound inst={props.inst} />;
  if (!mod) return <Loading />;
  return <mod.SecApp inst={props.inst} path={props.path} />;
}

/** Screens reached before logging on (or after logging off): no ログオフ in the header there. */
const OUTSIDE = /^\/portal\/[^/]+\/(admin|user)(\/(activation|certificate|login|logoff))?\/?$/;

/** The logged-on area the path is in, if any: its header always offers ログオフ. */
export function sessionAreaOf(path: string): "admin" | "user" | undefined {
  const m = /^\/portal\/[^/]+\/(admin|user)\//.exec(path);
  if (!m || OUTSIDE.test(path)) return undefined;
  return m[1] as "admin" | "user";
}

function Frame(props: { inst: Institution | undefined; path: string; onLocale: (l: Locale) => void; children: JSX.Element }): JSX.Element {
  const { inst } = props;
  const name = inst ? institutionName(inst) : t("appName");
  const area = inst ? sessionAreaOf(props.path) : undefined;
  return (
    <>
      <a class="skip" href="#main">
        {t("skipToContent")}
      </a>
      <header class="top">
        <div class="top-inner">
          <p class="bank">
            {inst ? <a href={`/portal/${inst.code}`}>{name}</a> : name}
            {/* A securities firm's pages are its certificate tool, not internet banking: the tool's title says what they are. */}
            {inst?.kind === "TW_SECURITIES" ? null : <span class="app-name">{t("appName")}</span>}
          </p>
          <LanguageSwitch onChange={props.onLocale} />
          {area ? (
            <a class="btn header-logoff" href={`/portal/${inst!.code}/${area}/logoff`}>
              {t("actLogoff")}
            </a>
          ) : null}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {props.children}
      </main>
      <footer class="bottom">{inst?.contact ? <p>{t("contactLine", { contact: inst.contact })}</p> : null}</footer>
    </>
  );
}

export function App(): JSX.Element {
  const path = usePath();
  const [institutions, setInstitutions] = useState<Institution[] | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  // Bumped on a language choice: the screens re-render in the new language.
  const [, setRenders] = useState(0);

  useEffect(() => {
    get<Institution[]>("/api/portal/institutions").then(setInstitutions, () => setFailed(true));
  }, []);

  const code = /^\/portal\/([^/]+)/.exec(path)?.[1];
  const home = path === "/" || path === "/portal" || path === "/portal/";
  const banks = (institutions ?? []).filter((i) => i.kind === "JP_SHINKIN");
  const single = banks.length === 1 ? banks[0] : undefined;
  const inst = home ? single : institutions?.find((i) => i.code === code);

  // The customer's choice wins; otherwise the bank's default language (SPEC §4).
  const wanted = chosenLocale() ?? inst?.defaultLocale ?? "ja";
  if (wanted !== currentLocale()) applyLocale(wanted);

  const onLocale = (l: Locale): void => {
    chooseLocale(l);
    setRenders((n) => n + 1);
  };

  let screen: JSX.Element;
  if (!institutions) screen = failed ? <NotFound /> : <Loading />;
  else if (home) screen = single ? ROUTES[0]!.render({ code: single.code }, single) : <BankList institutions={banks} />;
  else if (!inst) screen = <NotFound />;
  else if (isTwInstitution(inst)) screen = <TwPlatform inst={inst} path={path} />;
  else if (inst.kind === "TW_SECURITIES") screen = <SecuritiesTool inst={inst} path={path} />;
  // The corporate screens are the Shinkin journey's only.
  else if (inst.kind !== "JP_SHINKIN") screen = <NotFound inst={inst} />;
  else {
    let found: JSX.Element | undefined;
    for (const r of ROUTES) {
      const params = match(r.pattern, path);
      if (params) {
        found = r.render(params, inst);
        break;
      }
    }
    screen = found ?? <NotFound inst={inst} />;
  }
  return (
    <Frame inst={inst} path={path} onLocale={onLocale}>
      {/* A new key per path: every screen starts from its first step. */}
      <div key={path}>{screen}</div>
    </Frame>
  );
}
