/** Entry of the portal's first page: Preact and the screens (styles.css is linked from index.html); the keystore loads on first use. */
import { render } from "preact";
import { App } from "./app.js";

const root = document.getElementById("app");
if (root) render(<App />, root);
