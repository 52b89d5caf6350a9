/**
 * The customer card (お客様カード) just issued, as a printable page (print CSS leaves only the
 * card) and as a PDF from the server (pdfkit, CJK fonts): grid ア…ク, contract ID, the
 * institution and its help-desk line. The digits live only in this screen's memory: leaving it,
 * or reloading, seals them for good (the server never shows a card twice; a lost card is reissued).
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { formatDateTime, institutionName, punct } from "../../app/i18n.js";
import { ActionForm, useAction } from "../../ui/form.js";
import { Actions, LinkButton, Notice, Screen } from "../../ui/screen.js";
import { useLoaded } from "../../ui/status.js";
import { bankDownload, bankGet } from "../api.js";
import type { SectionProps } from "../app.js";
import { ct } from "../texts.js";
import { takeCard, type ContractDetail } from "./model.js";
import { cx } from "./texts.js";

const POSITIONS = ["ア", "イ", "ウ", "エ", "オ", "カ", "キ", "ク"] as const;

export function CardPrint(props: SectionProps & { contractId: string }): JSX.Element {
  const [held] = useState(() => takeCard(props.contractId));
  const { data } = useLoaded(() => bankGet<ContractDetail>(`/contracts/${props.contractId}`), [props.contractId]);
  const action = useAction();
  const back = `${props.base}/${props.contractId}`;
  if (!held) {
    return (
      <Screen title={cx("cardTitle")}>
        <Notice kind="warn">
          <p>{cx("cardGone")}</p>
        </Notice>
        <Actions>
          <LinkButton href={back} primary>
            {cx("toContract")}
          </LinkButton>
        </Actions>
      </Screen>
    );
  }
  const { card } = held;
  const company = held.companyName || data?.contract.companyName || "";
  return (
    <Screen title={cx("cardTitle")}>
      <Notice kind="warn" title={cx("cardTitle")}>
        <p>{cx("cardOnce")}</p>
      </Notice>
      <article class="card-sheet" aria-label={cx("cardTitle")}>
        <p class="card-bank">{institutionName(props.inst)}</p>
        <h2>{cx("cardTitle")}</h2>
        {company ? <p>{cx("cardFor", { company })}</p> : null}
        <p>
          {cx("contractId")}
          {punct.colon()}
          <span class="mono" data-contract-id>{props.contractId}</span>
        </p>
        <div class="table-wrap">
        <table class="card-grid">
          <caption>{cx("cardTitle")}</caption>
          <thead>
            <tr>
              <th scope="row">{cx("position")}</th>
              {POSITIONS.map((p) => (
                <th scope="col" key={p}>
                  {p}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">{cx("digits")}</th>
              {POSITIONS.map((p) => (
                <td key={p} data-position={p}>
                  {card.grid[p]}
                </td>
              ))}
            </tr>
          </tbody>
        </table>
        </div>
        <p class="hint">
          {cx("cardId")}
          {punct.colon()}
          <span class="mono">{card.cardId}</span> · {cx("issuedAt")}
          {punct.colon()}
          {formatDateTime(card.issuedAt, props.inst.timeZone)}
        </p>
        {props.inst.contact ? <p>{cx("helpDesk", { contact: props.inst.contact })}</p> : null}
      </article>
      <ActionForm
        action={action}
        label={ct("downloadPdf")}
        onSubmit={() => bankDownload("POST", `/contracts/${props.contractId}/card.pdf`, `card-${props.contractId}.pdf`, { cardId: card.cardId, grid: card.grid })}
      >
        <Actions>
          <button type="button" class="btn btn-primary" onClick={() => window.print()}>
            {ct("print")}
          </button>
          <button type="submit" class="btn" aria-disabled={action.busy ? "true" : undefined}>
            {ct("downloadPdf")}
          </button>
          <LinkButton href={back}>{cx("cardDone")}</LinkButton>
        </Actions>
      </ActionForm>
    </Screen>
  );
}
