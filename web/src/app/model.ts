/** Shapes of the API answers the screens read (the OpenAPI document at /api/docs is the reference). */
import type { Locale } from "../../../src/domain/errors.js";

/** GET /api/portal/institutions. */
export interface Institution {
  code: string;
  name: string;
  nameEn: string;
  kind: "JP_SHINKIN" | "TW_BANK" | "TW_SECURITIES";
  defaultLocale: Locale;
  timeZone: string;
  contact: string;
  contractIdLength: number;
  renewalWindowMonths: number;
}

export interface CardChallenge {
  positions: string[];
  label: string;
}

export interface Advice {
  code: string;
  message: string;
  fields: string[];
}

export interface ScreenMessage {
  id: string;
  text: string;
}

export interface Challenge {
  challengeId: string;
  nonce: string;
  origin: string;
  purpose: "admin-login" | "user-login" | "renewal" | "staff-login";
  expiresAt: string;
}

/** What POST …/certificate answers (admin and user alike). */
export interface IssuedCertificate {
  certificateId: string;
  certificate: string;
  certificatePem: string;
  pemChain: string;
  cn: string;
  serialHex: string;
  notBefore: string;
  notAfter: string;
  messages: ScreenMessage[];
}

export interface AdminStatus {
  institution: { code: string; name: string };
  companyName: string;
  contractId: string;
  adminEmail: string | null;
  lockMode: string;
  contractedServices: string[];
  activatedAt: string | null;
  certificate: { cn: string; serialHex: string; notBefore: string; notAfter: string; status: "VALID" | "EXPIRING_SOON"; renewalOpensAt: string; renewalOpen: boolean } | null;
  users: { total: number; activated: number; suspended: number; max: number };
}
