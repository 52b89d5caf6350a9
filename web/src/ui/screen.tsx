/**
 * The frame of every screen and the small pieces around forms: the heading takes the focus when a
 * screen opens (keyboard and screen-reader users land where the content starts), action rows,
 * notices, fact lists (status pages, confirmations) and the loading line. Nothing uses an inline
 * style: the CSP allows only the site's own stylesheet.
 */
import { createContext, type ComponentChildren, type JSX } from "preact";
import { useContext, useEffect, useRef } from "preact/hooks";
import { t } from "../app/i18n.js";

/**
 * The name a surface gives its windows ("<screen> | <name>"): each app's shell provides its own
 * (the console, the securities tool); without one, the portal's internet-banking name.
 */
export const AppName = createContext<string | undefined>(undefined);

/** A screen: its heading gets the focus and names the window. */
export function Screen(props: { title: string; lead?: ComponentChildren; children?: ComponentChildren; wide?: boolean }): JSX.Element {
  const h1 = useRef<HTMLHeadingElement>(null);
  const app = useContext(AppName) ?? t("appName");
  useEffect(() => {
    document.title = `${props.title} | ${app}`;
  }, [props.title, app]);
  useEffect(() => {
    h1.current?.focus();
  }, [props.title]);
  return (
    <section class={props.wide ? "screen screen-wide" : "screen"} aria-labelledby="screen-title">
      <h1 id="screen-title" tabIndex={-1} ref={h1}>
        {props.title}
      </h1>
      {props.lead ? <p class="lead">{props.lead}</p> : null}
      {props.children}
    </section>
  );
}

export function Actions(props: { children: ComponentChildren }): JSX.Element {
  return <div class="actions">{props.children}</div>;
}

/** A plain link styled as a button (the secondary action of a row, e.g. 戻る). */
export function LinkButton(props: { href: string; primary?: boolean; children: ComponentChildren }): JSX.Element {
  return (
    <a class={props.primary ? "btn btn-primary" : "btn"} href={props.href}>
      {props.children}
    </a>
  );
}

export function Notice(props: { kind?: "info" | "warn" | "success"; children: ComponentChildren; live?: boolean; title?: string }): JSX.Element {
  return (
    <div class={`notice notice-${props.kind ?? "info"}`} role={props.live ? "status" : undefined}>
      {props.title ? <p class="notice-title">{props.title}</p> : null}
      {props.children}
    </div>
  );
}

/** Definition list of facts (status pages, confirmation screens). */
export function Facts(props: { rows: readonly (readonly [string, ComponentChildren])[] }): JSX.Element {
  return (
    <dl class="facts">
      {props.rows.map(([k, v]) => (
        <div class="fact" key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Loading(): JSX.Element {
  return (
    <p class="loading" role="status">
      {t("loading")}
    </p>
  );
}

/**
 * The screen after an action succeeded: what happened (announced), anything more to say, and
 * where to go next — the first link is the primary one.
 */
export function DoneScreen(props: { title: string; notice: ComponentChildren; children?: ComponentChildren; links: readonly (readonly [string, string])[] }): JSX.Element {
  return (
    <Screen title={props.title}>
      <Notice kind="success" live>
        {props.notice}
      </Notice>
      {props.children}
      <Actions>
        {props.links.map(([href, label], i) => (
          <LinkButton key={href} href={href} primary={i === 0}>
            {label}
          </LinkButton>
        ))}
      </Actions>
    </Screen>
  );
}
