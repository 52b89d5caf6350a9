/**
 * Entry of the portal's first page: Preact and the screens (styles.css is linked from index.html);
 * the keystore loads on first use, the bank's back-office console (/console) only on its paths.
 */
import { render } from "preact";
import { App } from "./app.js";

const root = document.getElementById("app");
if (root && /^\/console(\/|$)/.test(location.pathname)) {
  import("../console/app.js").then(
    (m) => render(<m.ConsoleApp />, root),
    () => (root.textContent = "Reload the page. / 再読み込みしてください。 / 請重新整理頁面。"),
  );
} else if (root) render(<App />, root);
