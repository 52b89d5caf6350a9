/**
 * Terms or a consent as an API gives them (title, version, paragraphs separated by blank lines),
 * in a region a keyboard can scroll and a screen reader names by the title. Each surface keeps
 * its own look through `class` (the text region is `<class>-text`) and its own words for the
 * version (`versionLabel`).
 */
import type { JSX } from "preact";

export function TermsBox(props: { doc: { title: string; text: string }; versionLabel: string; titleId: string; class: string }): JSX.Element {
  return (
    <section class={props.class} aria-labelledby={props.titleId}>
      <h2 id={props.titleId}>
        {props.doc.title} <span class="hint">{props.versionLabel}</span>
      </h2>
      <div class={`${props.class}-text`} tabIndex={0} role="region" aria-labelledby={props.titleId}>
        {props.doc.text.split(/\n+/).map((para, i) => (
          <p key={i}>{para}</p>
        ))}
      </div>
    </section>
  );
}
