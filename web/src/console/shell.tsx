/**
 * The console's frame: the header (institution, staff name and role, language, sign-out), the
 * menu of the sections the role may use, and the section the path names. Signed-in screens load
 * the staff session first; none (or one that timed out while a screen was open) leads back to
 * the sign-in screen with a message saying why.
 */
import "./console.css";
import type { ComponentChildren, ComponentType, JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { get, isApiError } from "../app/api.js";
import { applyLocale, chooseLocale, chosenLocale, currentLocale, institutionName, t, type Locale } from "../app/i18n.js";
import type { Institution } from "../app/model.js";
import { navigate, usePath } from "../app/router.js";
import { toShown, type ShownError } from "../app/errors.js";
import { ErrorPage } from "../ui/error-page.js";
import { LanguageSwitch } from "../ui/language-switch.js";
import { AppName, Loading, Notice, Screen } from "../ui/screen.js";
import { bankPost, forgetConsoleSession, loadConsoleSession, onSessionLost, type ConsoleSession } from "./api.js";
import type { ConsoleSection, SectionProps } from "./app.js";
import { SignIn } from "./signin.js";
import { ct, say } from "./texts.js";

const SIGN_IN = "/console/signin";

/** Why the sign-in screen is shown (timed out, signed out), said once. */
let signInReason: "expired" | "signedOut" | undefined;

export function takeSignInReason(): "expired" | "signedOut" | undefined {
  const r = signInReason;
  signInReason = undefined;
  return r;
}

let institutionsOnce: Promise<Institution[]> | undefined;
function institutions(): Promise<Institution[]> {
  institutionsOnce ??= get<Institution[]>("/api/portal/institutions");
  institutionsOnce.catch(() => (institutionsOnce = undefined));
  return institutionsOnce;
}

function Header(props: { inst: Institution | undefined; session: ConsoleSession | undefined; onLocale: (l: Locale) => void }): JSX.Element {
  const { inst, session } = props;
  return (
    <header class="top console-top">
      <div class="top-inner">
        <p class="bank">
          {inst ? institutionName(inst) : (session?.institution.name ?? "")}
          <span class="app-name">{ct("console")}</span>
        </p>
        {session ? (
          <p class="console-who">
            {ct("signedInAs", { name: session.username, role: ct(session.role) })}
          </p>
        ) : null}
        <LanguageSwitch onChange={props.onLocale} />
        {session ? (
          <a class="btn header-logoff" href="/console/signout">
            {ct("signOut")}
          </a>
        ) : null}
      </div>
    </header>
  );
}

function Frame(props: { inst: Institution | undefined; session?: ConsoleSession; onLocale: (l: Locale) => void; children: ComponentChildren; nav?: ComponentChildren }): JSX.Element {
  return (
    <>
      <a class="skip" href="#main">
        {t("skipToContent")}
      </a>
      <Header inst={props.inst} session={props.session} onLocale={props.onLocale} />
      <div class={props.nav ? "console-body" : "console-body console-body-single"}>
        {props.nav}
        <main id="main" tabIndex={-1}>
          {/* The staff member's tab says it is the console, not the customers' portal. */}
          <AppName.Provider value={ct("console")}>{props.children}</AppName.Provider>
        </main>
      </div>
      <footer class="bottom">{props.inst?.contact ? <p>{t("contactLine", { contact: props.inst.contact })}</p> : null}</footer>
    </>
  );
}

function Nav(props: { sections: readonly ConsoleSection[]; at: string | undefined }): JSX.Element {
  return (
    <nav class="console-nav" aria-label={ct("navLabel")}>
      <ul>
        {props.sections.map((s) => (
          <li key={s.path}>
            <a href={`/console/${s.path}`} aria-current={props.at === s.path ? "page" : undefined}>
              {say(s.title)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

const loaded = new Map<string, ComponentType<SectionProps>>();

function SectionView(props: { section: ConsoleSection } & SectionProps): JSX.Element {
  const { section, ...rest } = props;
  const [Comp, setComp] = useState<ComponentType<SectionProps> | undefined>(() => loaded.get(section.path));
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (loaded.has(section.path)) return setComp(() => loaded.get(section.path));
    section.load().then(
      (m) => {
        loaded.set(section.path, m.default);
        setComp(() => m.default);
      },
      () => setFailed(true),
    );
  }, [section.path]);
  if (failed) return <Message text={ct("sectionFailed")} />;
  if (!Comp) return <Loading />;
  return <Comp {...rest} />;
}

function Message(props: { text: string }): JSX.Element {
  return (
    <Screen title={t("errorTitle")}>
      <Notice kind="warn">
        <p>{props.text}</p>
      </Notice>
    </Screen>
  );
}

function Redirect(props: { to: string }): JSX.Element {
  useEffect(() => navigate(props.to, { replace: true }), [props.to]);
  return <Loading />;
}

function SignOut(props: { onDone: () => void }): JSX.Element {
  useEffect(() => {
    const done = (): void => {
      forgetConsoleSession();
      signInReason = "signedOut";
      props.onDone();
      navigate(SIGN_IN, { replace: true });
    };
    bankPost("/logout").then(done, done);
  }, []);
  return <Loading />;
}

export function ConsoleRoot(props: { sections: readonly ConsoleSection[] }): JSX.Element {
  const path = usePath();
  const [list, setList] = useState<Institution[] | undefined>(undefined);
  const [listError, setListError] = useState<ShownError | null>(null);
  const [session, setSession] = useState<ConsoleSession | undefined>(undefined);
  const [sessionError, setSessionError] = useState<ShownError | null>(null);
  /** The institution chosen on the sign-in form (its default language applies there). */
  const [signInCode, setSignInCode] = useState<string | undefined>(undefined);
  const [, setRenders] = useState(0);

  const segments = path.replace(/\/+$/, "").split("/").slice(2);
  const first = segments[0];
  const signingIn = first === "signin";

  useEffect(() => {
    institutions().then(setList, (e: unknown) => setListError(toShown(e)));
    onSessionLost(() => {
      signInReason = "expired";
      setSession(undefined);
      navigate(SIGN_IN, { replace: true });
    });
    return () => {
      onSessionLost(undefined);
    };
  }, []);

  useEffect(() => {
    if (signingIn || first === "signout" || session) return;
    setSessionError(null);
    loadConsoleSession().then(setSession, (e: unknown) => {
      if (isApiError(e) && (e.status === 401 || e.status === 403)) navigate(SIGN_IN, { replace: true });
      else setSessionError(toShown(e));
    });
  }, [signingIn, first, session]);

  const code = session?.institution.code ?? signInCode;
  const inst = list?.find((i) => i.code === code);
  const wanted = chosenLocale() ?? inst?.defaultLocale ?? "ja";
  if (wanted !== currentLocale()) applyLocale(wanted);
  const onLocale = (l: Locale): void => {
    chooseLocale(l);
    setRenders((n) => n + 1);
  };

  if (listError) return <Frame inst={undefined} onLocale={onLocale}><ErrorPage error={listError} next={t("nextRetryLater", { contact: "" })} homeHref="/console" /></Frame>;
  if (signingIn) {
    return (
      <Frame inst={inst} onLocale={onLocale}>
        <div key={path}>
          <SignIn institutions={list} onInstitution={setSignInCode} onSignedIn={(s) => {
            setSession(s);
            navigate("/console", { replace: true });
          }} />
        </div>
      </Frame>
    );
  }
  if (first === "signout") return <Frame inst={inst} onLocale={onLocale}><SignOut onDone={() => setSession(undefined)} /></Frame>;
  if (sessionError) return <Frame inst={inst} onLocale={onLocale}><ErrorPage error={sessionError} next={ct("sessionNext")} homeHref={SIGN_IN} /></Frame>;
  if (!session || !list) return <Frame inst={inst} onLocale={onLocale}><Loading /></Frame>;
  if (!inst) return <Frame inst={inst} session={session} onLocale={onLocale}><Message text={ct("notFound")} /></Frame>;

  const allowed = props.sections.filter((s) => s.roles.includes(session.role) && (!s.kinds || s.kinds.includes(inst.kind)));
  const nav = <Nav sections={allowed} at={first} />;
  let body: JSX.Element;
  if (!first) {
    const home = allowed[0];
    body = home ? <Redirect to={`/console/${home.path}`} /> : <Message text={ct("notAllowed")} />;
  } else {
    const section = allowed.find((s) => s.path === first);
    const exists = props.sections.some((s) => s.path === first);
    body = section ? (
      <SectionView section={section} session={session} inst={inst} rest={segments.slice(1)} base={`/console/${section.path}`} />
    ) : (
      <Message text={ct(exists ? "notAllowed" : "notFound")} />
    );
  }
  return (
    <Frame inst={inst} session={session} onLocale={onLocale} nav={nav}>
      {/* A new key per path: every screen starts from its first step. */}
      <div key={path + location.search}>{body}</div>
    </Frame>
  );
}
