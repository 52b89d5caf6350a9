/**
 * MSG-J06 / MSG-J08 as the seeds have them: the wrong-credential message on a page of its own,
 * which says "go back to the input screen with the browser's Back button". So that this is
 * true, the page is a history step after the form (router.ts useSteps): the browser's Back —
 * or the 戻る button here, which does the same — shows the form again with what was typed
 * (PINs excepted where the screen clears them) and the fields flagged.
 */
import type { JSX } from "preact";
import { ApiError } from "./api.js";
import { t } from "./i18n.js";
import { useSteps } from "./router.js";
import { Actions, Screen } from "../ui/screen.js";

const AUTH_FAILED = new Set(["ADMIN_AUTH_FAILED", "USER_AUTH_FAILED"]);

/** A wrong contract ID / user ID / PIN answer (MSG-J06, MSG-J08). */
export const isAuthFailure = (e: unknown): e is ApiError => e instanceof ApiError && AUTH_FAILED.has(e.code);

export function AuthFailedPage(props: { code: string; message: string; onBack: () => void }): JSX.Element {
  return (
    <Screen title={t("errorTitle")}>
      <div class="alert alert-error" role="alert">
        <p data-code={props.code}>{props.message}</p>
      </div>
      <Actions>
        <button type="button" class="btn btn-primary" onClick={props.onBack}>
          {t("back")}
        </button>
      </Actions>
    </Screen>
  );
}

type AuthFailed = { at: "authFailed"; code: string; message: string };

/**
 * A screen's steps (router.ts useSteps) with the wrong-credential page as a step of its own:
 * `authFailed` is the catch handler of a request that can answer MSG-J06 / MSG-J08, and `page` is
 * that page while it is shown (render it first). `go` replaces the current entry unless `pushed`
 * says the next step is one Back should return from.
 */
export function useAuthSteps<S extends { at: string }>(
  first: S,
  pushed: (next: S) => boolean = () => false,
): { step: S; go: (next: S) => void; authFailed: (e: unknown) => never; page: JSX.Element | null } {
  const steps = useSteps<S | AuthFailed>(first);
  const cur = steps.step;
  return {
    step: cur.at === "authFailed" ? first : (cur as S),
    go: (next) => steps.go(next, { replace: !pushed(next) }),
    authFailed: (e) => {
      if (isAuthFailure(e)) steps.go({ at: "authFailed", code: e.code, message: e.message });
      throw e;
    },
    page: cur.at === "authFailed" ? <AuthFailedPage code={(cur as AuthFailed).code} message={(cur as AuthFailed).message} onBack={steps.back} /> : null,
  };
}
