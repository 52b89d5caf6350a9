/**
 * One operation on a contract (BO-2…BO-5, R-LOCK-4/5): what it does, a note for the audit trail
 * (and the new PIN where asked), then the answer — done, the new card's print page, or "sent for
 * approval" when the institution's dual control holds it for a second person.
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { formatDate } from "../../app/i18n.js";
import { navigate } from "../../app/router.js";
import { Field } from "../../ui/fields.js";
import { ActionForm, useAction, useFields } from "../../ui/form.js";
import { Actions, LinkButton, Screen } from "../../ui/screen.js";
import { bankPost, isPending } from "../api.js";
import type { SectionProps } from "../app.js";
import { ct } from "../texts.js";
import { ApprovalReasonField, Outcome, useDualControl } from "../ui.js";
import { OP_TITLE } from "./detail.js";
import { DUAL_CONTROLLED, holdCard, type CardView, type Operation } from "./model.js";
import { cx } from "./texts.js";

const PATH: Record<Operation, string> = {
  card: "card",
  "registration-pin": "registration-pin",
  unlock: "unlock",
  "reset-activation": "reset-activation",
  incident: "incident",
  "incident-release": "incident/release",
  "admin-certificate": "admin-certificate/reissue",
};

const TEXT: Partial<Record<Operation, Parameters<typeof cx>[0]>> = {
  card: "opReissueCardText",
  "registration-pin": "opPinText",
  unlock: "opUnlockText",
  "reset-activation": "opResetText",
  incident: "opIncidentText",
  "admin-certificate": "opAdminCertText",
};

const DANGER = new Set<Operation>(["card", "reset-activation", "incident", "admin-certificate"]);

export function ContractOperation(props: SectionProps & { contractId: string; op: Operation }): JSX.Element {
  const { op, contractId } = props;
  const action = useAction();
  const f = useFields({ note: "", registrationPin: "", approvalReason: "" });
  const dual = useDualControl();
  const asks = DUAL_CONTROLLED.has(op) && dual?.on === true;
  const [result, setResult] = useState<unknown>(undefined);
  const title = cx(OP_TITLE[op]);
  const back = `${props.base}/${contractId}`;
  if (result !== undefined) {
    const r = result as { windowClosesOn?: string };
    const done = op === "admin-certificate" && r.windowClosesOn ? cx("opAdminCertDone", { date: formatDate(r.windowClosesOn, props.inst.timeZone) }) : ct("done");
    return (
      <Screen title={title}>
        <Outcome result={result} done={done} timeZone={props.inst.timeZone} />
        <Actions>
          <LinkButton href={back} primary>
            {cx("toContract")}
          </LinkButton>
        </Actions>
      </Screen>
    );
  }
  return (
    <Screen title={title} lead={cx("detailTitle", { id: contractId })}>
      {TEXT[op] ? <p>{cx(TEXT[op]!)}</p> : null}
      <ActionForm
        action={action}
        submit={ct("execute")}
        back={back}
        danger={DANGER.has(op)}
        onSubmit={async () => {
          const note = f.values.note.trim() || undefined;
          const approvalReason = asks ? f.values.approvalReason.trim() : undefined;
          const body = op === "registration-pin" ? { registrationPin: f.values.registrationPin, approvalReason } : op === "card" ? { reason: note } : { note, approvalReason };
          const r = await bankPost<unknown>(`/contracts/${contractId}/${PATH[op]}`, body);
          f.set("registrationPin", "");
          if (op === "card" && !isPending(r)) {
            const card = r as CardView;
            holdCard({ contractId, companyName: "", card });
            navigate(`${back}/card-print`, { replace: true });
            return;
          }
          setResult(r ?? {});
        }}
      >
        {op === "registration-pin" ? (
          <Field {...f.bind("registrationPin")} label={cx("newPin")} type="password" inputMode="numeric" autoComplete="off" maxLength={4} size="short" error={action.error} required />
        ) : (
          <Field {...f.bind("note")} label={op === "card" ? ct("reason") : ct("note")} maxLength={200} size="long" error={action.error} />
        )}
        {asks ? <ApprovalReasonField value={f.values.approvalReason} onInput={(v) => f.set("approvalReason", v)} error={action.error} hours={dual.hours} /> : null}
      </ActionForm>
    </Screen>
  );
}
