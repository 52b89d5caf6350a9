/** What the admin's user screens share: the user as the API shows it, its pages' addresses, its state badges. */
import type { JSX } from "preact";
import { ADMIN_API } from "../api.js";
import { seed, t } from "../i18n.js";
import type { Institution } from "../model.js";
import type { TextKey } from "../texts.js";
import { Notice } from "../ui.js";

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
        {t("userCert")}：{u.certificate ? t(CERT_STATUS[u.certificate.status]) : t("none")}
      </li>
      <li class="badge">
        {t("token")}：{u.token?.serial ?? t("none")}
      </li>
    </ul>
  );
}

export function AfterAdminOperation(): JSX.Element {
  return (
    <Notice kind="warn">
      <p>{seed("MSG-J19")}</p>
    </Notice>
  );
}
