/**
 * 利用者情報新規登録 (SPEC §8.4): a.–j., MSG-J04, then the way on: this user's トークン登録
 * directly, more registrations, and — apart, for switching to a user's work — MSG-J19 with ログオフ.
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { ADMIN_API, get, post } from "../api.js";
import { seed, t } from "../i18n.js";
import type { AdminStatus, Institution, ScreenMessage } from "../model.js";
import { ActionForm, DoneScreen, ErrorView, Facts, Field, Loading, PinField, Screen, useAction, useFields } from "../ui.js";
import { useLoaded } from "./status.js";
import { useProfile } from "./user-profile.js";
import { AfterAdminOperation, userPage, usersBase, type UserView } from "./user-shared.js";

export function AdminUserNew(props: { inst: Institution }): JSX.Element {
  const { inst } = props;
  const status = useLoaded(() => get<AdminStatus>(`${ADMIN_API}/status`));
  const action = useAction();
  const f = useFields({ userId: "", tempLoginPin: "", tempConfirmPin: "", confirmPin: "" });
  const profile = useProfile(status.data?.contractedServices ?? []);
  const [done, setDone] = useState<{ userId: string; messages: ScreenMessage[] } | undefined>(undefined);

  if (status.error) return <ErrorView error={status.error} inst={inst} />;
  if (action.error?.terminal) return <ErrorView error={action.error} inst={inst} />;
  if (!status.data) return <Loading />;

  if (done)
    return (
      <>
        <DoneScreen
          title={done.messages.find((m) => m.id === "MSG-J04")?.text ?? seed("MSG-J04")}
          notice={<p>{t("userRegisteredTell")}</p>}
          links={[
            [`${userPage(inst, done.userId)}/token`, t("tokenForUser", { userId: done.userId })],
            [usersBase(inst), t("menuUsers")],
            [`${usersBase(inst)}/new`, t("userNewAnother")],
          ]}
        >
          <Facts
            rows={[
              [t("contractId"), <span class="mono">{status.data.contractId}</span>],
              [t("userId"), <span class="mono">{done.userId}</span>],
            ]}
          />
          <p>{t("userRegisteredPins")}</p>
          <p>{t("tokenNext")}</p>
        </DoneScreen>
        <AfterAdminOperation inst={inst} />
      </>
    );

  return (
    <Screen title={t("userNew")} lead={t("userNewLead")}>
      <ActionForm
        action={action}
        submit={t("register")}
        back={usersBase(inst)}
        onSubmit={async () => {
          const r = await post<{ user: UserView; messages: ScreenMessage[] }>(`${ADMIN_API}/users`, {
            userId: f.values.userId.trim(),
            ...profile.body(),
            tempLoginPin: f.values.tempLoginPin,
            tempConfirmPin: f.values.tempConfirmPin,
            confirmPin: f.values.confirmPin,
          });
          f.reset();
          profile.reset();
          setDone({ userId: r.user.userId, messages: r.messages });
        }}
      >
        <Field {...f.bind("userId")} label={`a. ${t("userId")}`} hint={t("userIdHint")} maxLength={30} required error={action.error} />
        {profile.fields(
          action.error,
          <>
            <PinField {...f.bind("tempLoginPin")} label={`d. ${t("userLoginPinTemp")}`} hint={t("tempPinRuleHint")} maxLength={12} error={action.error} autoComplete="new-password" />
            <PinField {...f.bind("tempConfirmPin")} label={`e. ${t("userConfirmPinTemp")}`} hint={t("tempPinRuleHint")} maxLength={12} error={action.error} autoComplete="new-password" />
          </>,
        )}
        <PinField {...f.bind("confirmPin")} label={`j. ${t("adminConfirmPin")}`} maxLength={12} error={action.error} />
      </ActionForm>
    </Screen>
  );
}
