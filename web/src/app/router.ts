/**
 * A history-API router small enough to read: the path is the state, links are real <a href>
 * (keyboard, middle-click and "open in new tab" work), and a screen change moves the focus to
 * the new screen's heading so keyboard and screen-reader users land where the content starts.
 */
import { useEffect, useRef, useState } from "preact/hooks";

type Listener = (path: string) => void;
const listeners = new Set<Listener>();

const current = (): string => location.pathname;

function notify(): void {
  for (const l of listeners) l(current());
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === current()) return notify();
  if (opts.replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  window.scrollTo(0, 0);
  notify();
}

window.addEventListener("popstate", notify);

/** Same-origin links inside the app are handled here instead of reloading the page. */
document.addEventListener("click", (ev) => {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = (ev.target as Element | null)?.closest?.("a");
  if (!a || a.target || a.hasAttribute("download") || a.origin !== location.origin) return;
  if (!a.pathname.startsWith("/portal") && a.pathname !== "/") return;
  ev.preventDefault();
  navigate(a.pathname);
});

export function usePath(): string {
  const [path, setPath] = useState(current());
  useEffect(() => {
    listeners.add(setPath);
    return () => void listeners.delete(setPath);
  }, []);
  return path;
}

/** Matches "/portal/:code/admin/users/:userId" style patterns; undefined when it does not match. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split("/").filter(Boolean);
  const s = path.replace(/\/+$/, "").split("/").filter(Boolean);
  if (p.length !== s.length) return undefined;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    const val = s[i]!;
    if (seg.startsWith(":")) {
      try {
        out[seg.slice(1)] = decodeURIComponent(val);
      } catch {
        return undefined;
      }
    } else if (seg !== val) return undefined;
  }
  return out;
}

/** What a wizard step's history entry carries: which screen instance, which step. */
interface StepEntry {
  inkanSteps: string;
  step: number;
}
const isStepEntry = (v: unknown): v is StepEntry =>
  typeof v === "object" && v !== null && typeof (v as StepEntry).inkanSteps === "string" && typeof (v as StepEntry).step === "number";

let stepsSeq = 0;

/**
 * The steps of a screen (input → confirmation → …) as history entries on the same path, so the
 * browser's Back button returns to the previous step with its fields as they were filled in —
 * what the seeds' MSG-J06/J08 tell the customer to do. The form values live in the screen's own
 * state, which stays mounted; only the step comes back from the entry.
 *
 * go(step) adds an entry; go(step, { replace: true }) replaces the current one, for a step after
 * which the previous one cannot be redone (the server moved on): Back then skips it. back() is
 * the screen's own 戻る button: the same as the browser's.
 */
export function useSteps<S>(first: S): { step: S; go: (next: S, opts?: { replace?: boolean }) => void; back: () => void; canGoBack: boolean } {
  const id = useRef(`s${++stepsSeq}-${Date.now().toString(36)}`).current;
  const stack = useRef<S[]>([first]);
  const [at, setAt] = useState(0);
  const [, setRenders] = useState(0);
  useEffect(() => {
    const onPop = (ev: PopStateEvent): void => {
      // An entry of this screen restores its step; the path's own entry (no step) is the first step.
      const i = isStepEntry(ev.state) && ev.state.inkanSteps === id ? ev.state.step : 0;
      setAt(i < stack.current.length ? i : 0);
    };
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);
  const go = (next: S, opts: { replace?: boolean } = {}): void => {
    const i = opts.replace ? at : at + 1;
    stack.current = [...stack.current.slice(0, i), next];
    const entry: StepEntry = { inkanSteps: id, step: i };
    if (opts.replace) {
      // Replacing the path's own entry (step 0) keeps it a plain entry of this screen.
      history.replaceState(i === 0 ? null : entry, "", location.pathname);
    } else history.pushState(entry, "", location.pathname);
    window.scrollTo(0, 0);
    setAt(i);
    setRenders((n) => n + 1);
  };
  return { step: stack.current[at] ?? first, go, back: () => history.back(), canGoBack: at > 0 };
}
