/** The error page of a procedure that cannot go on: the message as the server gave it, and what to do next. */
import type { ComponentChildren, JSX } from "preact";
import type { ShownError } from "../app/errors.js";
import { t } from "../app/i18n.js";
import { Actions, LinkButton, Screen } from "./screen.js";

export function ErrorPage(props: { error: ShownError; next: string; more?: ComponentChildren; links?: ComponentChildren; homeHref: string }): JSX.Element {
  return (
    <Screen title={t("errorTitle")}>
      <div class="alert alert-error" role="alert">
        <p data-code={props.error.code}>{props.error.message}</p>
      </div>
      <h2>{t("whatNext")}</h2>
      <p>{props.next}</p>
      {props.more}
      <Actions>
        {props.links}
        <LinkButton href={props.homeHref}>{t("toTop")}</LinkButton>
      </Actions>
    </Screen>
  );
}
