/** Shapes of the API answers the screens read (the OpenAPI document at /api/docs is the reference). */
import type { Locale } from "../../../src/domain/errors.js";

/** GET /api/portal/institutions. */
export interface Institution {
  code: string;
  name: string;
  nameEn: string;
  /** Per-locale names (zh-TW screens show the Chinese name); fall back to name / nameEn. */
  names: Partial<Record<Locale, string>>;
  kind: "JP_SHINKIN" | "TW_BANK" | "TW_SECURITIES";
  defaultLocale: Locale;
  timeZone: string;
  contact: string;
  contractIdLength: number;
  renewalWindowMonths: number;
  userCertAcquisitionFactors: ("LOGIN_PIN" | "CONFIRM_PIN" | "TOKEN_OTP")[];
  tokenOtpDigits: number;
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
  /** The contracted services this site offers (the others are shown as not available). */
  providedServices: string[];
  activatedAt: string | null;
  /** 前回ログオン日時; null at the first logon. */
  previousLogonAt: string | null;
  certificate: { cn: string; serialHex: string; notBefore: string; notAfter: string; status: "VALID" | "EXPIRING_SOON"; renewalOpensAt: string; renewalOpen: boolean } | null;
  users: { total: number; activated: number; suspended: number; max: number };
}

export interface UserStatus {
  institution: { code: string; name: string };
  companyName: string;
  contractId: string;
  userId: string;
  nameKana: string;
  nameKanji: string | null;
  email: string | null;
  /** 前回ログオン日時; null at the first logon. */
  previousLogonAt: string | null;
  services: { code: string; name: string; provided: boolean }[];
  serviceLimits: Record<string, number>;
  pinChangeRecommended: boolean;
  advice: Advice[];
  certificate: { cn: string; serialHex: string; notBefore: string; notAfter: string; status: "VALID" | "EXPIRING_SOON"; renewalOpensAt: string; renewalOpen: boolean } | null;
  token: { serial: string } | null;
  transferFactors: ("CONFIRM_PIN" | "TOKEN_OTP")[];
  accounts: { branchCode: string; accountType: string; accountNumber: string; transferLimit: number | null }[];
}

export interface UserActivationView {
  contractId: string;
  companyName: string;
  userId: string;
  currentEmail: string | null;
  emailRequired: boolean;
  expiresAt: string;
}

/** Amount, fee from the fee master and who bears it (当方負担 PAYER / 先方負担 PAYEE), and what moves. */
export interface TransferMoney {
  amount: number;
  fee: number;
  feeBearer: "PAYER" | "PAYEE";
  debitAmount: number;
  creditAmount: number;
}

export interface TransferConfirmation extends TransferMoney {
  transferId: string;
  /** 受付番号, "dddd-dddd-dddd". */
  receptionNumber: string;
  payload: string;
  payee: { bankCode: string; bankName: string; branchCode: string; branchName: string; accountType: string; accountNumber: string; name: string };
  executionDate: string | null;
  expiresAt: string;
  requiredFactors: ("CONFIRM_PIN" | "TOKEN_OTP")[];
}

export interface TransferResult extends TransferMoney {
  transferId: string;
  receptionNumber: string;
  status: "PENDING" | "RESERVED" | "SENT" | "REJECTED" | "CANCELLED";
  executionDate: string | null;
  confirmedAt: string | null;
  executedAt: string | null;
  messages: ScreenMessage[];
}
