/**
 * The frame of the FXML 憑證管理 pages (seed 000): the left menu (憑證申請 … 登出) and, on every
 * page, the query date/time line (MSG-T03: ROC date and time in the bank's time zone, as the
 * server's answer gives it). Logged-in pages load the session first: no session → the login page.
 */
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { isApiError } from "../app/api.js";
import { currentLocale } from "../app/i18n.js";
import { navigate } from "../app/router.js";
import { toShown, type ShownError } from "../app/errors.js";
import { ErrorPage } from "../ui/error-page.js";
import { Loading } from "../ui/screen.js";
import { twGet, type QueryTime, type TwSession } from "./api.js";
import { tw, type TwKey } from "./texts.js";

export const twPath = (code: string, page = ""): string => `/portal/${code}${page ? `/${page}` : ""}`;

const MENU: readonly (readonly [string, TwKey])[] = [
  ["apply", "apply"],
  ["renew", "renew"],
  ["query", "query"],
  ["proof", "proof"],
  ["carrier-pin", "carrierPin"],
  ["carrier-backup", "carrierBackup"],
  ["suspend", "suspend"],
  ["faq", "faq"],
  ["home", "home"],
  ["logout", "logout"],
];

export function TimeLine(props: { q: QueryTime | undefined }): JSX.Element {
  return <p class="tw-time">{props.q?.line ?? "\u00a0"}</p>;
}

export function TwMenu(props: { code: string; at: string }): JSX.Element {
  return (
    <nav class="tw-menu" aria-label={tw("menuLabel")}>
      <p class="tw-brand">{tw("platform")}</p>
      <ul>
        {MENU.map(([page, key]) => (
          <li key={page}>
            <a href={twPath(props.code, page)} aria-current={props.at === page ? "page" : undefined}>
              {tw(key)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** A page outside the session (login, hand-off, logged out): the time line, no menu. */
export function PublicPage(props: { q: QueryTime | undefined; children: ComponentChildren }): JSX.Element {
  return (
    <div class="tw tw-public">
      <div class="tw-main">
        <TimeLine q={props.q} />
        {props.children}
      </div>
    </div>
  );
}

/** A logged-in page: session loaded, menu at the left, the time line above the screen. */
export function SessionPage(props: { code: string; at: string; children: (s: TwSession) => ComponentChildren }): JSX.Element {
  const [session, setSession] = useState<TwSession | undefined>(undefined);
  const [error, setError] = useState<ShownError | undefined>(undefined);
  // Asked again when the language changes: the time line (MSG-T03) is the server's, in the page's language.
  const locale = currentLocale();
  useEffect(() => {
    twGet<TwSession>("/session").then(
      (s) => {
        if (s.stage !== "FULL") navigate(twPath(props.code, "password"), { replace: true });
        else setSession(s);
      },
      (e) => {
        if (isApiError(e) && (e.status === 401 || e.code === "SESSION_REQUIRED")) navigate(twPath(props.code), { replace: true });
        else setError(toShown(e));
      },
    );
  }, [locale]);
  if (error) return <ErrorPage error={error} next="" homeHref={twPath(props.code)} />;
  if (!session) return <Loading />;
  return (
    <div class="tw">
      <TwMenu code={props.code} at={props.at} />
      <div class="tw-main">
        <TimeLine q={session.queryTime} />
        {props.children(session)}
      </div>
    </div>
  );
}
