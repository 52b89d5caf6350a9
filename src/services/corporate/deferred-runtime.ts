import type { PkiRuntime } from "../pki-runtime.js";

/**
 * A runtime whose publications wait for the commit: the OCSP cache and the CRL must not show a
 * revocation the transaction may still roll back (and on PGlite, the CRL's own queries would
 * wait on the open transaction).
 */
export function deferredRuntime(runtime: PkiRuntime | undefined): { runtime: PkiRuntime | undefined; flush(): Promise<void> } {
  if (!runtime) return { runtime, flush: async () => undefined };
  const held: Parameters<PkiRuntime["afterStatusChange"]>[0][] = [];
  const proxy = new Proxy(runtime, {
    get(target, prop) {
      if (prop === "afterStatusChange") return async (row: Parameters<PkiRuntime["afterStatusChange"]>[0]) => void held.push(row);
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { runtime: proxy, flush: async () => { for (const row of held.splice(0)) await runtime.afterStatusChange(row); } };
}
