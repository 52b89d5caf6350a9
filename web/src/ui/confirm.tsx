/**
 * Asking before an action that is not simply undone (disabling an account, resetting a second
 * factor, removing a certificate): no dialog — the question stands inside the form with 是/否
 * (はい/いいえ, Yes/No) buttons, takes the focus when it appears so it is read out, and 否 hands
 * the focus back to the button that asked.
 */
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useId, useRef, useState } from "preact/hooks";
import { t } from "../app/i18n.js";
import { ActionForm, type Action } from "./form.js";
import { Actions } from "./screen.js";

/** The question and its buttons: 是 submits the enclosing form, 否 calls `onNo`. */
export function ConfirmPrompt(props: { title?: string; question: ComponentChildren; busy?: boolean; onNo: () => void; yes?: string; no?: string }): JSX.Element {
  const id = useId();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.focus(), []);
  return (
    <div class="confirm" role="group" aria-labelledby={id}>
      <div class="notice notice-warn" id={id} tabIndex={-1} ref={box}>
        {props.title ? <p class="notice-title">{props.title}</p> : null}
        {typeof props.question === "string" ? <p>{props.question}</p> : props.question}
      </div>
      <Actions>
        <button type="submit" class="btn btn-primary btn-danger-fill" aria-disabled={props.busy ? "true" : undefined}>
          {props.busy ? t("processing") : (props.yes ?? t("yes"))}
        </button>
        <button type="button" class="btn" onClick={props.onNo}>
          {props.no ?? t("no")}
        </button>
      </Actions>
    </div>
  );
}

/**
 * A one-button form (no fields of its own needed) whose action runs only after 是: its button
 * first puts the question in its place.
 */
export function ConfirmForm(props: {
  action: Action;
  label: string;
  submit: string;
  question: ComponentChildren;
  onConfirm: () => Promise<void>;
  danger?: boolean;
  children?: ComponentChildren;
}): JSX.Element {
  const [asking, setAsking] = useState(false);
  const ask = useRef<HTMLButtonElement>(null);
  const backToButton = useRef(false);
  useEffect(() => {
    if (asking || !backToButton.current) return;
    backToButton.current = false;
    ask.current?.focus();
  }, [asking]);
  const { action } = props;
  return (
    <ActionForm
      action={action}
      label={props.label}
      onSubmit={async () => {
        if (!asking) {
          setAsking(true);
          return;
        }
        await props.onConfirm();
        setAsking(false);
      }}
    >
      {props.children}
      {asking ? (
        <ConfirmPrompt
          question={props.question}
          busy={action.busy}
          onNo={() => {
            backToButton.current = true;
            action.setError(null);
            setAsking(false);
          }}
        />
      ) : (
        <Actions>
          <button type="submit" ref={ask} class={props.danger ? "btn btn-primary btn-danger-fill" : "btn btn-primary"} aria-disabled={action.busy ? "true" : undefined}>
            {props.submit}
          </button>
        </Actions>
      )}
    </ActionForm>
  );
}
