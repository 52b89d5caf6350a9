/**
 * A history-API router small enough to read: the path is the state, links are real <a href>
 * (keyboard, middle-click and "open in new tab" work), and a screen change moves the focus to
 * the new screen's heading so keyboard and screen-reader users land where the content starts.
 */
import { useEffect, useState } from "preact/hooks";

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
