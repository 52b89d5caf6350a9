/** Hardware-token stock (HQ): the maker's seed list pasted one token a line, loaded all or nothing. */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { ApiError } from "../../app/api.js";
import { localError } from "../../app/errors.js";
import { TextArea } from "../../ui/fields-extra.js";
import { ActionForm, useAction, useFields } from "../../ui/form.js";
import { Notice, Screen } from "../../ui/screen.js";
import { bankPost } from "../api.js";
import type { SectionProps } from "../app.js";
import { cx } from "./texts.js";

interface TokenSeed {
  serial: string;
  secret: string;
  algorithm?: string;
  digits?: number;
  stepSeconds?: number;
}

/** "serial, secret[, algorithm, digits, seconds]" per line; blank lines and # comments skipped. */
export function parseTokenLines(text: string): TokenSeed[] {
  const out: TokenSeed[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const [serial, secret, algorithm, digits, step] = line.split(/\s*[,\t]\s*/);
    if (!serial || !secret) throw localError("TOKEN_LINE_INVALID", cx("tokensBadLine", { line: i + 1 }), ["tokens"]);
    out.push({
      serial,
      secret: secret.replace(/\s+/g, ""),
      ...(algorithm ? { algorithm: algorithm.toUpperCase() } : {}),
      ...(digits ? { digits: Number(digits) } : {}),
      ...(step ? { stepSeconds: Number(step) } : {}),
    });
  });
  if (out.length === 0) throw localError("TOKEN_LINE_INVALID", cx("tokensBadLine", { line: 1 }), ["tokens"]);
  return out;
}

export function TokenStock(props: SectionProps): JSX.Element {
  const action = useAction();
  const f = useFields({ tokens: "" });
  const [loaded, setLoaded] = useState<{ loaded: number; serials: string[] } | undefined>(undefined);
  return (
    <Screen title={cx("tokensTitle")} lead={cx("tokensLead")}>
      {loaded ? (
        <Notice kind="success" live>
          <p>{cx("tokensLoaded", { n: loaded.loaded })}</p>
          <p class="mono">{loaded.serials.join(", ")}</p>
        </Notice>
      ) : null}
      <ActionForm
        action={action}
        submit={cx("tokensLoad")}
        back={props.base}
        onSubmit={async () => {
          let r: { loaded: number; serials: string[] };
          try {
            r = await bankPost<{ loaded: number; serials: string[] }>("/tokens", { tokens: parseTokenLines(f.values.tokens) });
          } catch (e) {
            // The server names the bad entry (tokens.<i>): the field to flag is the list itself.
            if (e instanceof ApiError && e.fields.some((x) => x.startsWith("tokens"))) throw new ApiError(e.status, e.code, e.message, ["tokens"]);
            throw e;
          }
          setLoaded(r);
          f.reset();
        }}
      >
        <TextArea name="tokens" label={cx("tokensField")} value={f.values.tokens} onInput={(e) => f.set("tokens", e.currentTarget.value)} error={action.error} rows={8} required />
      </ActionForm>
    </Screen>
  );
}
