/** What the server advises after a PIN was set or used (R-PIN-3, R-PIN-8, R-USR-CHG-1), as a warning list. */
import type { JSX } from "preact";
import { t } from "../app/i18n.js";
import { Notice } from "./screen.js";

export interface AdviceItem {
  code: string;
  fields: readonly string[];
  message: string;
}

export function AdviceList(props: { advice: readonly AdviceItem[] }): JSX.Element | null {
  if (props.advice.length === 0) return null;
  return (
    <Notice kind="warn" title={t("advice")}>
      <ul>
        {props.advice.map((a) => (
          <li key={a.code + a.fields.join()}>{a.message}</li>
        ))}
      </ul>
    </Notice>
  );
}
