/**
 * The customer-portal and back-office route plugins the server mounts, each under the path its
 * session cookie is scoped to, so an admin cookie never travels to the user API and back.
 */
import type { Platform } from "../../platform.js";
import { SESSION_COOKIES } from "../../services/corporate/sessions.js";
import type { PkiRuntime } from "../../services/pki-runtime.js";
import type { HttpRoutePlugin } from "../app.js";
import bankRoutes from "./bank.js";
import adminRoutes from "./corporate-admin.js";
import adminUserRoutes from "./corporate-admin-users.js";
import userRoutes from "./corporate-user.js";
import portalCertificateRoutes from "./portal-certificates.js";

export const ADMIN_API = SESSION_COOKIES.ADMIN.path;
export const USER_API = SESSION_COOKIES.USER.path;
export const BANK_API = SESSION_COOKIES.BANK.path;
/** Public, pre-login portal calls (no session cookie travels here). */
export const PORTAL_API = "/api/portal";

export function corporateRoutePlugins(_platform: Platform, runtime: PkiRuntime): HttpRoutePlugin[] {
  return [
    { plugin: adminRoutes, options: { runtime }, prefix: ADMIN_API },
    { plugin: adminUserRoutes, options: { runtime }, prefix: ADMIN_API },
    { plugin: userRoutes, options: { runtime }, prefix: USER_API },
    { plugin: bankRoutes, options: { runtime }, prefix: BANK_API },
    { plugin: portalCertificateRoutes, options: {}, prefix: PORTAL_API },
  ];
}
