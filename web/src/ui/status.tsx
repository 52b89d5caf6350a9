/**
 * Status pages (after login) and what they are made of: data loaded for the session, the page
 * with its facts beside the menu, the menu itself, the certificate's validity, the renewal banner
 * inside the renewal window, and the log-off page.
 */
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useId, useState } from "preact/hooks";
import { toShown, type ShownError } from "../app/errors.js";
import { currentLocale, formatDateTime, punct, t } from "../app/i18n.js";
import { Actions, LinkButton, Loading, Notice, Screen } from "./screen.js";

/** Loads something after login (again when the language changes: the server's texts follow); a missing session becomes the error page. */
export function useLoaded<T>(load: () => Promise<T>, deps: readonly unknown[] = []): { data: T | undefined; error: ShownError | null; reload: () => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ShownError | null>(null);
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (d) => live && setData(d),
      (e: unknown) => live && setError(toShown(e)),
    );
    return () => {
      live = false;
    };
  }, [n, currentLocale(), ...deps]);
  return { data, error, reload: () => setN((x) => x + 1) };
}

/** A menu entry: a link, or a group of links under a heading. */
export type MenuItem = { href: string; label: string } | { group: string; items: readonly { href: string; label: string }[] };

export function Menu(props: { label: string; items: readonly MenuItem[] }): JSX.Element {
  return (
    <nav class="menu" aria-label={props.label}>
      <h2>{props.label}</h2>
      <ul>
        {props.items.map((m) =>
          "group" in m ? (
            <li key={m.group}>
              <span class="menu-group">{m.group}</span>
              <ul>
                {m.items.map((i) => (
                  <li key={i.href}>
                    <a href={i.href}>{i.label}</a>
                  </li>
                ))}
              </ul>
            </li>
          ) : (
            <li key={m.href}>
              <a href={m.href}>{m.label}</a>
            </li>
          ),
        )}
      </ul>
    </nav>
  );
}

/**
 * A status page: the heading with whom it greets, notices above (renewal banner, advice), the
 * facts in the first column and the menu beside them.
 */
export function StatusLayout(props: { title: string; lead: string; notices?: ComponentChildren; children: ComponentChildren; menu: ComponentChildren }): JSX.Element {
  return (
    <Screen title={props.title} lead={props.lead} wide>
      {props.notices}
      <div class="columns">
        <div>{props.children}</div>
        {props.menu}
      </div>
    </Screen>
  );
}

export interface CertificateSummary {
  cn: string;
  notBefore: string;
  notAfter: string;
  status: string;
}

/** The logged-on certificate as a status page shows it: CN, validity, valid or expiring soon. */
export function certificateValidity(cert: CertificateSummary | null | undefined, tz: string): ComponentChildren {
  if (!cert) return "—";
  return (
    <>
      <span class="mono">{cert.cn}</span>
      <br />
      {t("validityRange", { from: formatDateTime(cert.notBefore, tz), to: formatDateTime(cert.notAfter, tz) })}
      {punct.paren(cert.status === "VALID" ? t("statusValid") : t("statusExpiring"))}
    </>
  );
}

/** 前回ログオン日時: the logon before this one, or that this is the first. */
export function previousLogon(at: string | null, tz: string): string {
  return at ? formatDateTime(at, tz) : t("firstLogon");
}

/** A service on a status page: a way in when this site offers it, else plainly not available. */
export interface ServiceItem {
  code: string;
  name: string;
  provided: boolean;
  href?: string;
  extra?: ComponentChildren;
}

/**
 * The services of a status page. One this deployment does not offer is no link and no button
 * that looks pressable: it is marked aria-disabled, dashed, and the note under the list (tied
 * by aria-describedby) says why and whom to ask.
 */
export function ServiceList(props: { items: readonly ServiceItem[]; contact: string }): JSX.Element {
  const noteId = useId();
  const missing = props.items.some((s) => !s.provided);
  return (
    <>
      <ul class="services">
        {props.items.map((s) => (
          <li key={s.code} data-service={s.code}>
            {s.provided && s.href ? (
              <LinkButton primary href={s.href}>
                {s.name}
              </LinkButton>
            ) : s.provided ? (
              <span class="service">{s.name}</span>
            ) : (
              <button type="button" class="service service-unavailable" disabled aria-disabled="true" aria-describedby={noteId}>
                {s.name}
                <span class="hint">{punct.paren(t("serviceNotProvided"))}</span>
              </button>
            )}
            {s.extra}
          </li>
        ))}
      </ul>
      {missing ? (
        <p class="hint service-note" id={noteId}>
          {t("serviceNotProvidedNote", { contact: props.contact })}
        </p>
      ) : null}
    </>
  );
}

export function RenewalBanner(props: { notAfter: string; timeZone: string; href: string }): JSX.Element {
  return (
    <Notice kind="warn" live>
      <p>{t("renewalBanner", { date: formatDateTime(props.notAfter, props.timeZone) })}</p>
      <p>
        <LinkButton primary href={props.href}>
          {t("renewalAction")}
        </LinkButton>
      </p>
    </Notice>
  );
}

/** ログオフ: ends the session (a failure to reach the server still forgets it here), then says what to do next. */
export function LogoffScreen(props: { logout: () => Promise<unknown>; forget: () => void; notice: ComponentChildren; kind: "info" | "warn"; againHref: string }): JSX.Element {
  const [done, setDone] = useState(false);
  useEffect(() => {
    props
      .logout()
      .catch(() => undefined)
      .finally(() => {
        props.forget();
        setDone(true);
      });
  }, []);
  if (!done) return <Loading />;
  return (
    <Screen title={t("loggedOffTitle")}>
      <Notice kind={props.kind} live>
        {props.notice}
      </Notice>
      <Actions>
        <LinkButton href={props.againHref}>{t("logonAgain")}</LinkButton>
      </Actions>
    </Screen>
  );
}
