/**
 * 利用者情報登録／変更 (SPEC §8.4–§8.9): the users with their state, and one user's facts with
 * the operations on it. Registration is in user-new.tsx, the operations in user-operations.tsx,
 * the fields both share in user-profile.tsx.
 */
import type { JSX } from "preact";
import { ADMIN_API, get } from "../api.js";
import { formatAmount, formatDateTime, punct, t } from "../i18n.js";
import type { Institution } from "../model.js";
import { Actions, ErrorView, Facts, LinkButton, Loading, Screen } from "../ui.js";
import { serviceName, useLoaded } from "./status.js";
import { Badges, CERT_STATUS, userPage, usersBase, userUrl, type UserView } from "./user-shared.js";

export function AdminUsers(props: { inst: Institution }): JSX.Element {
  const { inst } = props;
  const { data, error } = useLoaded(() => get<{ users: UserView[]; max: number }>(`${ADMIN_API}/users`));
  if (error) return <ErrorView error={error} inst={inst} />;
  if (!data) return <Loading />;
  return (
    <Screen title={t("menuUsers")} lead={t("usersLead", { n: data.users.length, max: data.max })} wide>
      <Actions>
        <LinkButton primary href={`${usersBase(inst)}/new`}>
          {t("userNew")}
        </LinkButton>
        <LinkButton href={`/portal/${inst.code}/admin/status`}>{t("toStatus")}</LinkButton>
      </Actions>
      {data.users.length === 0 ? <p>{t("noUsers")}</p> : null}
      <ul class="user-cards">
        {data.users.map((u) => (
          <li class="user-card" key={u.userId}>
            <h2>
              <a href={userPage(inst, u.userId)}>
                <span class="mono">{u.userId}</span> {u.nameKanji ?? u.nameKana}
              </a>
            </h2>
            <Badges u={u} />
          </li>
        ))}
      </ul>
    </Screen>
  );
}

export function AdminUserDetail(props: { inst: Institution; userId: string }): JSX.Element {
  const { inst, userId } = props;
  const { data, error } = useLoaded(() => get<UserView>(userUrl(userId)), [userId]);
  if (error) return <ErrorView error={error} inst={inst} />;
  if (!data) return <Loading />;
  const u = data;
  const base = userPage(inst, u.userId);
  const tz = inst.timeZone;
  return (
    <Screen title={t("userDetailTitle", { userId: u.userId })} wide>
      <Badges u={u} />
      <div class="columns">
        <Facts
          rows={[
            [t("nameKana"), u.nameKana],
            [t("nameKanji"), u.nameKanji ?? "—"],
            [t("userEmail"), u.email ?? "—"],
            [t("certIssuable"), u.certIssuable ? t("yes") : t("no")],
            [t("permissions"), punct.list(u.permissions.map(serviceName)) || "—"],
            [t("limits"), punct.list(Object.entries(u.serviceLimits).map(([k, v]) => `${serviceName(k)} ${t("yen", { amount: formatAmount(v) })}`)) || "—"],
            [
              t("userCert"),
              u.certificate
                ? `${u.certificate.cn}${punct.paren(punct.list([t(CERT_STATUS[u.certificate.status]), formatDateTime(u.certificate.notAfter, tz)]))}`
                : `${t("none")}${punct.paren(t("certWindowUntil", { date: formatDateTime(u.certWindowClosesAt, tz) }))}`,
            ],
            [t("failures"), String(u.failures)],
          ]}
        />
        <nav class="menu" aria-label={t("userActions")}>
          <h2>{t("userActions")}</h2>
          <ul>
            <li>
              <a href={`${base}/change`}>{t("change")}</a>
            </li>
            <li>
              <a href={`${base}/reset-pins`}>{t("resetPins")}</a>
            </li>
            <li>
              <a href={`${base}/reissue`}>{t("reissue")}</a>
            </li>
            {u.suspended ? (
              <li>
                <a href={`${base}/release`}>{t("releaseSuspension")}</a>
              </li>
            ) : null}
            <li>{u.token ? <a href={`${base}/token-unassign`}>{t("tokenUnassign")}</a> : <a href={`${base}/token`}>{t("tokenAssign")}</a>}</li>
            <li>
              <a href={`${base}/delete`}>{t("deleteUser")}</a>
            </li>
            <li>
              <a href={usersBase(inst)}>{t("menuUsers")}</a>
            </li>
          </ul>
        </nav>
      </div>
    </Screen>
  );
}
