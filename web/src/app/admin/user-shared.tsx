/** What the admin's user screens share: the user as the API shows it, its pages' addresses, its state badges. */
import type { JSX } from "preact";
import { ADMIN_API } from "../api.js";
import { punct, seed, t } from "../i18n.js";
import type { Institution } from "../model.js";
import type { TextKey } from "../texts.js";
import { Actions, LinkButton, Notice } from "../ui.js";

export interface UserView {
  userId: string;
  nameKana: string;
  nameKanji: string | null;
  email: string | null;
  certIssuable: boolean;
  permissions: string[];
  serviceLimits: Record<string, number>;
  activated: boolean;
  suspended: boolean;
  failures: number;
  pinChangeRecommended: boolean;
  certWindowClosesAt: string;
  token: { serial: string; assignedAt: string | null } | null;
  certificate: { cn: string; serialHex: string; notAfter: string; status: "VALID" | "EXPIRING_SOON" | "SUSPENDED" | "REVOKED" | "EXPIRED" } | null;
}

export const CERT_STATUS: Record<NonNullable<UserView["certificate"]>["status"], TextKey> = {
  VALID: "statusValid",
  EXPIRING_SOON: "statusExpiring",
  SUSPENDED: "certSuspended",
  REVOKED: "certRevoked",
  EXPIRED: "statusExpired",
};

export const usersBase = (inst: Institution): string => `/portal/${inst.code}/admin/users`;
/** One user's pages (singular, so a user ID "new" never collides with 新規登録). */
export const userPage = (inst: Institution, userId: string): string => `/portal/${inst.code}/admin/user/${encodeURIComponent(userId)}`;
export const userUrl = (userId: string): string => `${ADMIN_API}/users/${encodeURIComponent(userId)}`;

export function Badges(props: { u: UserView }): JSX.Element {
  const u = props.u;
  return (
    <ul class="badges">
      <li class={u.activated ? "badge" : "badge badge-warn"}>{u.activated ? t("userActivated") : t("userNotActivated")}</li>
      {u.suspended ? <li class="badge badge-error">{t("userSuspended")}</li> : null}
      <li class={u.certificate && (u.certificate.status === "VALID" || u.certificate.status === "EXPIRING_SOON") ? "badge" : "badge badge-warn"}>
        {t("userCert")}
        {punct.colon()}
        {u.certificate ? t(CERT_STATUS[u.certificate.status]) : t("none")}
      </li>
      <li class="badge">
        {t("token")}
        {punct.colon()}
        {u.token?.serial ?? t("none")}
      </li>
    </ul>
  );
}

/**
 * MSG-J19 where it applies: before this computer is used for a user's work after the admin's
 * (R-FLOW-3), with the ログオフ that starts it — not as the next step of the admin's own work.
 */
export function AfterAdminOperation(props: { inst: Institution }): JSX.Element {
  return (
    <section class="switch-user" aria-labelledby="switch-user-title">
      <h2 id="switch-user-title">{t("switchToUserTitle")}</h2>
      <Notice kind="warn">
        <p>{seed("MSG-J19")}</p>
      </Notice>
      <Actions>
        <LinkButton href={`/portal/${props.inst.code}/admin/logoff`}>{t("actLogoff")}</LinkButton>
      </Actions>
    </section>
  );
}
