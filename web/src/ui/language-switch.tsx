/** The row of language buttons in a header (portal, console): the pressed one is the screen's language. */
import type { JSX } from "preact";
import { currentLocale, LOCALE_NAMES, LOCALES, t, type Locale } from "../app/i18n.js";

export function LanguageSwitch(props: { onChange: (l: Locale) => void }): JSX.Element {
  const now = currentLocale();
  return (
    <nav class="lang" aria-label={t("language")}>
      <ul>
        {LOCALES.map((l) => (
          <li key={l}>
            <button type="button" class="lang-btn" lang={l} aria-pressed={l === now ? "true" : "false"} onClick={() => props.onChange(l)}>
              {LOCALE_NAMES[l]}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
