/** Which screen each portal path shows. The first entry is the bank's home page. */
import type { JSX } from "preact";
import { AdminActivation } from "./admin/activation.js";
import { AdminCertificate } from "./admin/certificate.js";
import { AdminLogin } from "./admin/login.js";
import { AdminAccounts, AdminContractLimit } from "./admin/contract.js";
import { AdminEmailChange, AdminPinChange } from "./admin/settings.js";
import { AdminUserNew } from "./admin/user-new.js";
import { AdminUserChange, AdminUserResetPins, AdminUserSimple, AdminUserToken } from "./admin/user-operations.js";
import { AdminUserDetail, AdminUsers } from "./admin/users.js";
import { AdminLogoff, AdminStatusPage } from "./admin/status.js";
import { AdminTop, InstitutionHome, UserTop } from "./home.js";
import { BrowserCertificates } from "./browser-certs.js";
import type { Institution } from "./model.js";
import { UserCertificate } from "./user/certificate.js";
import { UserLogin } from "./user/login.js";
import { AdminRenewal, UserRenewal } from "./user/renewal.js";
import { UserEmailChange, UserPinChange } from "./user/settings.js";
import { UserLogoff, UserStatusPage } from "./user/status.js";
import { UserTransfer } from "./user/transfer.js";

export interface Route {
  pattern: string;
  render: (params: Record<string, string>, inst: Institution) => JSX.Element;
}

export const ROUTES: readonly Route[] = [
  { pattern: "/portal/:code", render: (_p, inst) => <InstitutionHome inst={inst} /> },
  { pattern: "/portal/:code/admin", render: (_p, inst) => <AdminTop inst={inst} /> },
  { pattern: "/portal/:code/admin/activation", render: (_p, inst) => <AdminActivation inst={inst} /> },
  { pattern: "/portal/:code/admin/certificate", render: (_p, inst) => <AdminCertificate inst={inst} /> },
  { pattern: "/portal/:code/admin/login", render: (_p, inst) => <AdminLogin inst={inst} /> },
  { pattern: "/portal/:code/admin/status", render: (_p, inst) => <AdminStatusPage inst={inst} /> },
  { pattern: "/portal/:code/admin/settings/login-pin", render: (_p, inst) => <AdminPinChange inst={inst} which="login-pin" /> },
  { pattern: "/portal/:code/admin/settings/confirm-pin", render: (_p, inst) => <AdminPinChange inst={inst} which="confirm-pin" /> },
  { pattern: "/portal/:code/admin/settings/email", render: (_p, inst) => <AdminEmailChange inst={inst} /> },
  { pattern: "/portal/:code/admin/logoff", render: (_p, inst) => <AdminLogoff inst={inst} /> },
  { pattern: "/portal/:code/admin/renewal", render: (_p, inst) => <AdminRenewal inst={inst} /> },
  { pattern: "/portal/:code/admin/settings/accounts", render: (_p, inst) => <AdminAccounts inst={inst} /> },
  { pattern: "/portal/:code/admin/settings/contract-limit", render: (_p, inst) => <AdminContractLimit inst={inst} /> },
  { pattern: "/portal/:code/admin/users", render: (_p, inst) => <AdminUsers inst={inst} /> },
  { pattern: "/portal/:code/admin/users/new", render: (_p, inst) => <AdminUserNew inst={inst} /> },
  { pattern: "/portal/:code/admin/user/:userId", render: (p, inst) => <AdminUserDetail inst={inst} userId={p.userId!} /> },
  { pattern: "/portal/:code/admin/user/:userId/change", render: (p, inst) => <AdminUserChange inst={inst} userId={p.userId!} /> },
  { pattern: "/portal/:code/admin/user/:userId/reset-pins", render: (p, inst) => <AdminUserResetPins inst={inst} userId={p.userId!} /> },
  { pattern: "/portal/:code/admin/user/:userId/reissue", render: (p, inst) => <AdminUserSimple inst={inst} userId={p.userId!} what="reissue" /> },
  { pattern: "/portal/:code/admin/user/:userId/release", render: (p, inst) => <AdminUserSimple inst={inst} userId={p.userId!} what="release" /> },
  { pattern: "/portal/:code/admin/user/:userId/delete", render: (p, inst) => <AdminUserSimple inst={inst} userId={p.userId!} what="delete" /> },
  { pattern: "/portal/:code/admin/user/:userId/token", render: (p, inst) => <AdminUserToken inst={inst} userId={p.userId!} /> },
  { pattern: "/portal/:code/admin/user/:userId/token-unassign", render: (p, inst) => <AdminUserSimple inst={inst} userId={p.userId!} what="token-unassign" /> },
  { pattern: "/portal/:code/user", render: (_p, inst) => <UserTop inst={inst} /> },
  { pattern: "/portal/:code/user/certificate", render: (_p, inst) => <UserCertificate inst={inst} /> },
  { pattern: "/portal/:code/user/login", render: (_p, inst) => <UserLogin inst={inst} /> },
  { pattern: "/portal/:code/user/status", render: (_p, inst) => <UserStatusPage inst={inst} /> },
  { pattern: "/portal/:code/user/transfer", render: (_p, inst) => <UserTransfer inst={inst} /> },
  { pattern: "/portal/:code/user/renewal", render: (_p, inst) => <UserRenewal inst={inst} /> },
  { pattern: "/portal/:code/user/settings/login-pin", render: (_p, inst) => <UserPinChange inst={inst} which="login-pin" /> },
  { pattern: "/portal/:code/user/settings/confirm-pin", render: (_p, inst) => <UserPinChange inst={inst} which="confirm-pin" /> },
  { pattern: "/portal/:code/user/settings/email", render: (_p, inst) => <UserEmailChange inst={inst} /> },
  { pattern: "/portal/:code/user/logoff", render: (_p, inst) => <UserLogoff inst={inst} /> },
  { pattern: "/portal/:code/certificates", render: (_p, inst) => <BrowserCertificates inst={inst} /> },
];
