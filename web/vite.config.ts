/**
 * Builds the browser app (web/) into web/dist. Only same-origin files are emitted and no
 * inline script, so the portal runs under `script-src 'self'`. Mode "test" adds
 * keystore-test.html, the page the Playwright keystore tests drive; production builds leave it out.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const web = fileURLToPath(new URL(".", import.meta.url));
const repo = fileURLToPath(new URL("..", import.meta.url));

export default defineConfig(({ mode }) => ({
  root: web,
  base: "/",
  publicDir: false,
  // Screens are Preact components in .tsx (React itself would cost ~40 KB of the first page).
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    manifest: true,
    sourcemap: false,
    // The polyfill is for browsers without <link rel=modulepreload>; every supported one has it.
    modulePreload: { polyfill: false },
    // Nothing becomes a data: URL, so a strict CSP needs no data: source.
    assetsInlineLimit: 0,
    rolldownOptions: {
      input: {
        main: `${web}index.html`,
        ...(mode === "test" ? { "keystore-test": `${web}keystore-test.html` } : {}),
      },
    },
  },
  server: { host: "127.0.0.1", fs: { allow: [repo] } },
}));
