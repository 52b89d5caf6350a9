/**
 * 密碼中心 (forgotten login password), reachable without logging in: the 身分證字號 → an SMS code
 * to the bound number (the answer is the same whether or not the ID exists or has a number:
 * note (3)) → the code and the new password, typed twice → the old sessions end, an SMS notice.
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { Field } from "../ui/fields.js";
import { ActionForm, useAction, useFields } from "../ui/form.js";
import { PinField } from "../ui/pin.js";
import { Actions, LinkButton, Notice, Screen } from "../ui/screen.js";
import { forgetSecSession, secPost, type SentCode } from "./api.js";
import { foldNationalId } from "./login.js";
import { PublicPage, secPath, useFirm } from "./shell.js";
import { SmsCodeForm } from "./sms-code.js";
import { sec } from "./texts.js";

function ResetStep(props: { code: string; nationalId: string; sent: SentCode; onDone: () => void }): JSX.Element {
  const firm = useFirm(props.code);
  const f = useFields({ newPassword: "", newPasswordAgain: "" });
  return (
    <SmsCodeForm
      firm={firm}
      initialSent={props.sent}
      lead={<p>{sec("pwSentNote")}</p>}
      submitLabel={sec("pwAction")}
      send={() => secPost<SentCode>("/password-reset/code", { institutionCode: props.code, nationalId: props.nationalId })}
      verify={async (code) => {
        await secPost("/password-reset", { institutionCode: props.code, nationalId: props.nationalId, code, ...f.values });
        f.reset();
        forgetSecSession();
        props.onDone();
      }}
      fields={(error) => (
        <>
          <PinField {...f.bind("newPassword")} label={sec("pwNew")} hint={sec("pwRule")} error={error} maxLength={10} autoComplete="new-password" />
          <PinField {...f.bind("newPasswordAgain")} label={sec("pwNewAgain")} error={error} maxLength={10} autoComplete="new-password" />
        </>
      )}
    />
  );
}

export function SecPasswordCenter(props: { code: string }): JSX.Element {
  const action = useAction();
  const f = useFields({ nationalId: "" });
  const [sent, setSent] = useState<{ nationalId: string; sent: SentCode } | undefined>(undefined);
  const [done, setDone] = useState(false);
  return (
    <PublicPage code={props.code}>
      <Screen title={sec("pwTitle")} lead={done ? undefined : sec("pwLead")}>
        {done ? (
          <>
            <Notice kind="success" live>
              <p>{sec("pwDone")}</p>
            </Notice>
            <Actions>
              <LinkButton href={secPath(props.code)} primary>
                {sec("toLogin")}
              </LinkButton>
            </Actions>
          </>
        ) : sent ? (
          <ResetStep code={props.code} nationalId={sent.nationalId} sent={sent.sent} onDone={() => setDone(true)} />
        ) : (
          <ActionForm
            action={action}
            submit={sec("sendCode")}
            back={secPath(props.code)}
            backLabel={sec("toLogin")}
            onSubmit={async () => {
              const nationalId = foldNationalId(f.values.nationalId);
              setSent({ nationalId, sent: await secPost<SentCode>("/password-reset/code", { institutionCode: props.code, nationalId }) });
            }}
          >
            <Field {...f.bind("nationalId")} label={sec("nationalId")} hint={sec("nationalIdHint")} error={action.error} required maxLength={20} autoComplete="username" size="short" />
          </ActionForm>
        )}
      </Screen>
    </PublicPage>
  );
}
