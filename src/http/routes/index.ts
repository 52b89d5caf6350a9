/**
 * The customer-portal and back-office route plugins the server mounts, each under the path its
 * session cookie is scoped to, so an admin cookie never travels to the user API and back.
 */
import type { Platform } from "../../platform.js";
import { SESSION_COOKIES } from "../../services/corporate/sessions.js";
import type { PkiRuntime } from "../../services/pki-runtime.js";
import type { HttpRoutePlugin } from "../app.js";
import bankRoutes from "./bank.js";
import bankEdiRoutes from "./bank-edi.js";
import bankConsoleRoutes from "./bank-console.js";
import bankCertificateRoutes from "./bank-certificates.js";
import bankCardRoutes from "./bank-card.js";
import bankApprovalRoutes from "./bank-approvals.js";
import bankStaffAccountRoutes from "./bank-staff-accounts.js";
import bankAuditRoutes from "./bank-audit.js";
import bankOutboxRoutes from "./bank-outbox.js";
import bankOverviewRoutes from "./bank-overview.js";
import adminRoutes from "./corporate-admin.js";
import adminUserRoutes from "./corporate-admin-users.js";
import userRoutes from "./corporate-user.js";
import ediRoutes, { EDI_API } from "./edi.js";
import portalCertificateRoutes from "./portal-certificates.js";
import raRoutes, { RA_API } from "./ra.js";
import twBankRoutes from "./tw/bank.js";
import twRoutes from "./tw/platform.js";
import twProofPdfRoutes from "./tw/proof-pdf.js";
import secBankRoutes from "./securities/bank.js";
import secToolRoutes from "./securities/tool.js";

export const ADMIN_API = SESSION_COOKIES.ADMIN.path;
export const USER_API = SESSION_COOKIES.USER.path;
export const BANK_API = SESSION_COOKIES.BANK.path;
/** The TW certificate platform (憑證管理平台) and the bank's side of it (inside the BANK cookie's path). */
export const TW_API = SESSION_COOKIES.TW.path;
export const TW_BANK_API = `${BANK_API}/tw`;
/** The securities software-certificate tool and the firm's side of it. */
export const SEC_API = SESSION_COOKIES.SEC.path;
export const SEC_BANK_API = `${BANK_API}/securities`;
/** Public, pre-login portal calls (no session cookie travels here). */
export const PORTAL_API = "/api/portal";

export function corporateRoutePlugins(_platform: Platform, runtime: PkiRuntime): HttpRoutePlugin[] {
  return [
    { plugin: adminRoutes, options: { runtime }, prefix: ADMIN_API },
    { plugin: adminUserRoutes, options: { runtime }, prefix: ADMIN_API },
    { plugin: userRoutes, options: { runtime }, prefix: USER_API },
    { plugin: bankRoutes, options: { runtime }, prefix: BANK_API },
    { plugin: bankConsoleRoutes, options: {}, prefix: BANK_API },
    { plugin: bankCertificateRoutes, options: { runtime }, prefix: BANK_API },
    { plugin: bankCardRoutes, options: {}, prefix: BANK_API },
    { plugin: bankApprovalRoutes, options: { runtime }, prefix: BANK_API },
    { plugin: bankStaffAccountRoutes, options: {}, prefix: BANK_API },
    { plugin: bankAuditRoutes, prefix: BANK_API },
    { plugin: bankOutboxRoutes, prefix: BANK_API },
    { plugin: bankOverviewRoutes, prefix: BANK_API },
    { plugin: portalCertificateRoutes, options: {}, prefix: PORTAL_API },
    { plugin: twRoutes, options: { runtime }, prefix: TW_API },
    { plugin: twProofPdfRoutes, prefix: TW_API },
    { plugin: twBankRoutes, options: { runtime }, prefix: TW_BANK_API },
    { plugin: bankEdiRoutes, prefix: BANK_API },
    { plugin: secToolRoutes, options: { runtime }, prefix: SEC_API },
    { plugin: secBankRoutes, options: {}, prefix: SEC_BANK_API },
    // Documented here; served for real on the mutual-TLS listener (mtlsRoutePlugins).
    { plugin: ediRoutes, prefix: EDI_API },
    { plugin: raRoutes, options: { runtime }, prefix: RA_API },
  ];
}

/** What the mutual-TLS listener serves: the host-to-host APIs (EDI; with a PKI runtime, the RA enrollment API). */
export function mtlsRoutePlugins(runtime?: PkiRuntime): HttpRoutePlugin[] {
  return [{ plugin: ediRoutes, prefix: EDI_API }, ...(runtime ? [{ plugin: raRoutes, options: { runtime }, prefix: RA_API }] : [])];
}
