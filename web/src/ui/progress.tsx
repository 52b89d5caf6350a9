/** A procedure's progress: a bar, the steps done / current / to do, and the current step announced. */
import type { JSX } from "preact";

export function StepProgress(props: { steps: readonly { key: string; text: string }[]; at: number; label: string; live: string }): JSX.Element {
  return (
    <div class="progress-box">
      <progress max={props.steps.length} value={props.at} aria-label={props.label} />
      <ol class="progress-steps">
        {props.steps.map((s, i) => (
          <li key={s.key} class={i < props.at ? "done" : i === props.at ? "current" : "todo"} aria-current={i === props.at ? "step" : undefined}>
            {s.text}
          </li>
        ))}
      </ol>
      <p class="live" role="status">
        {props.live}
      </p>
    </div>
  );
}
