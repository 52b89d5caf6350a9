/** Which screen each portal path shows. The first entry is the bank's home page. */
import type { JSX } from "preact";
import { AdminActivation } from "./admin/activation.js";
import { AdminCertificate } from "./admin/certificate.js";
import { AdminLogin } from "./admin/login.js";
import { AdminEmailChange, AdminPinChange } from "./admin/settings.js";
import { AdminLogoff, AdminStatusPage } from "./admin/status.js";
import { AdminTop, InstitutionHome, UserTop } from "./home.js";
import type { Institution } from "./model.js";

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
  { pattern: "/portal/:code/user", render: (_p, inst) => <UserTop inst={inst} /> },
];
