/**
 * The portal's view of the shared building blocks in web/src/ui (fields, PIN entry, forms,
 * notices, status tables, progress), plus the error page as the Shinkin portal words it: what to
 * do next from the error code, the bank's help desk, and a way back to the bank's top page.
 */
import type { ComponentChildren, JSX } from "preact";
import { ErrorPage } from "../ui/error-page.js";
import { nextStepOf, type ShownError } from "./errors.js";
import { seed, t } from "./i18n.js";
import type { Institution } from "./model.js";

export { Actions, DoneScreen, Facts, LinkButton, Loading, Notice, Screen } from "../ui/screen.js";
export { ActionForm, Form, FormActions, FormError, Submit, useFormErrorId, useAction, useFields, type Action } from "../ui/form.js";
export { CheckField, EmailField, Field, Select } from "../ui/fields.js";
export { CardOtpField, PinField } from "../ui/pin.js";
export { AdviceList } from "../ui/advice.js";

/** The error page: the message as the server gave it, and what to do next. */
export function ErrorView(props: { error: ShownError; inst: Institution; links?: ComponentChildren }): JSX.Element {
  return (
    <ErrorPage
      error={props.error}
      next={t(nextStepOf(props.error.code), { contact: props.inst.contact })}
      more={props.error.code === "CSRF_INVALID" ? <p>{seed("MSG-J19")}</p> : null}
      links={props.links}
      homeHref={`/portal/${props.inst.code}`}
    />
  );
}
