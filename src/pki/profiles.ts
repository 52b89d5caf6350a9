/**
 * Certificate profiles: what an end-entity certificate of each principal kind looks like
 * (SPEC R-CERT-1, R-CERT-5, R-CERT-6; DESIGN §4). The subject is always built here from the
 * account's values — never taken from the CSR — so a customer cannot name themselves.
 */
import { InkanError } from "../domain/errors.js";
import type { InstitutionPolicy } from "../domain/policy.js";
import { addLocalMonths, compactLocalDate, fromLocal, toLocal } from "../domain/time.js";
import type { DnAttr } from "./dn.js";
import { OIDS, type KeyUsageName } from "./extensions.js";

export type ProfileKind = "shinkin-admin" | "shinkin-user" | "tw-fxml" | "tw-individual" | "tw-securities" | "ra-client";

/** The extension choices of a profile; URLs and policy OIDs belong to the issuing context. */
export interface CertProfile {
  kind: ProfileKind;
  keyUsage: readonly KeyUsageName[];
  extKeyUsage: readonly string[];
}

function invalid(field: string, detail: string): InkanError {
  return new InkanError("PKI_INPUT_INVALID", "invalid", { params: { field }, fields: [field], detail });
}

function check(value: unknown, re: RegExp, field: string): string {
  if (typeof value !== "string" || !re.test(value)) throw invalid(field, `bad ${field}`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// JP Shinkin: CN = contract ID [+ user ID] + institution code (R-CERT-5)

export interface ShinkinCnRules {
  /** The institution's 4-digit code, the CN suffix (1286, 1635). */
  certCnSuffixCode: string;
  /** Between the parts; "" in the seeds (the printed spaces are layout). */
  cnSeparator?: string;
  contractIdLength?: number;
}

const USER_ID = /^[A-Za-z0-9]{1,30}$/;

function contractIdOf(rules: ShinkinCnRules, contractId: string): string {
  return check(contractId, new RegExp(`^\\d{${rules.contractIdLength ?? 11}}$`), "contractId");
}

/** Admin certificate CN: "123456789011286". */
export function adminCn(rules: ShinkinCnRules, contractId: string): string {
  const sep = rules.cnSeparator ?? "";
  return contractIdOf(rules, contractId) + sep + check(rules.certCnSuffixCode, /^\d{4}$/, "certCnSuffixCode");
}

/** User certificate CN: "12345678901shinkintaro1286". */
export function userCn(rules: ShinkinCnRules, contractId: string, userId: string): string {
  const sep = rules.cnSeparator ?? "";
  return (
    contractIdOf(rules, contractId) + sep + check(userId, USER_ID, "userId") + sep + check(rules.certCnSuffixCode, /^\d{4}$/, "certCnSuffixCode")
  );
}

export interface ShinkinCn {
  contractId: string;
  /** Absent for the admin certificate. */
  userId?: string;
  suffixCode: string;
}

/**
 * Reads a Shinkin CN back: the first contractIdLength characters are the contract ID, the last
 * four the institution code, the rest the user ID. Throws CERT_CN_UNRECOGNIZED otherwise.
 */
export function parseShinkinCn(rules: ShinkinCnRules, cn: string): ShinkinCn {
  const n = rules.contractIdLength ?? 11;
  const sep = rules.cnSeparator ?? "";
  const bad = (): InkanError => new InkanError("CERT_CN_UNRECOGNIZED", "invalid", { detail: "CN does not follow the Shinkin pattern" });
  if (typeof cn !== "string" || cn.length < n + sep.length + 4) throw bad();
  const contractId = cn.slice(0, n);
  const suffixCode = cn.slice(-4);
  if (!/^\d+$/.test(contractId) || !/^\d{4}$/.test(suffixCode)) throw bad();
  if (suffixCode !== rules.certCnSuffixCode) throw bad();
  const middle = cn.slice(n, cn.length - 4);
  if (middle === sep) return { contractId, suffixCode };
  if (!middle.startsWith(sep) || !middle.endsWith(sep) || middle.length <= 2 * sep.length) throw bad();
  const userId = middle.slice(sep.length, middle.length - sep.length);
  if (!USER_ID.test(userId)) throw bad();
  return { contractId, userId, suffixCode };
}

// ---------------------------------------------------------------------------------------------
// TW: C=TW, O=Finance, OU=<CA>, OU=<bank+branch>-<bank name>, OU=<kind>, CN=<id>-<nn>-<yyyymmdd><seq>

export interface TwBankValues {
  /** Display name of the issuing CA, e.g. "TWCA Financial User CA". */
  caName: string;
  /** 3-digit bank code (006) and 4-digit branch (0000). */
  bankCode: string;
  branchCode: string;
  bankName: string;
  /** The customer's certificate number, 0–99, printed as two digits. */
  certSeq: number;
  /** The issuance instant; its local date goes into the CN. */
  issuedAt: Date;
  timeZone: string;
  /** The day's running number, 1–999, from the database. */
  dailySeq: number;
}

function twCnTail(v: TwBankValues): string {
  if (!Number.isInteger(v.certSeq) || v.certSeq < 0 || v.certSeq > 99) throw invalid("certSeq", "0–99");
  if (!Number.isInteger(v.dailySeq) || v.dailySeq < 1 || v.dailySeq > 999) throw invalid("dailySeq", "1–999");
  return `-${String(v.certSeq).padStart(2, "0")}-${compactLocalDate(v.issuedAt, v.timeZone)}${String(v.dailySeq).padStart(3, "0")}`;
}

function twBankOus(v: TwBankValues): DnAttr[] {
  const bank = `${check(v.bankCode, /^\d{3}$/, "bankCode")}${check(v.branchCode, /^\d{4}$/, "branchCode")}-${v.bankName}`;
  return [
    { type: "C", value: "TW" },
    { type: "O", value: "Finance" },
    { type: "OU", value: v.caName },
    { type: "OU", value: bank },
  ];
}

const TW_CUSTOMER_ID = /^[A-Za-z0-9]{1,30}$/;
/** 身分證字號 / resident certificate number: a letter, a digit or letter, eight digits. */
const TW_NATIONAL_ID = /^[A-Z][A-Z0-9]\d{8}$/;

// ---------------------------------------------------------------------------------------------
// The table

export interface SubjectInputs {
  "shinkin-admin": { rules: ShinkinCnRules; organization?: string; contractId: string };
  "shinkin-user": { rules: ShinkinCnRules; organization?: string; contractId: string; userId: string };
  "tw-fxml": TwBankValues & { customerId: string };
  "tw-individual": TwBankValues & { nationalId: string };
  "tw-securities": { firmName: string; nationalId: string };
  /** The certificate a bank system presents to the RA enrollment API (issue 12). */
  "ra-client": { country: string; organization: string; name: string };
}

type ProfileEntry<K extends ProfileKind> = CertProfile & { kind: K; subject(input: SubjectInputs[K]): DnAttr[] };

const shinkinPrefix = (organization?: string): DnAttr[] =>
  organization === undefined ? [{ type: "C", value: "JP" }] : [{ type: "C", value: "JP" }, { type: "O", value: organization }];

/** Transaction signing (fund transfers, FXML instructions, orders) asks for nonRepudiation too. */
export const CERT_PROFILES: { readonly [K in ProfileKind]: ProfileEntry<K> } = {
  "shinkin-admin": {
    kind: "shinkin-admin",
    keyUsage: ["digitalSignature"],
    extKeyUsage: [OIDS.kpClientAuth],
    subject: (i) => [...shinkinPrefix(i.organization), { type: "CN", value: adminCn(i.rules, i.contractId) }],
  },
  "shinkin-user": {
    kind: "shinkin-user",
    keyUsage: ["digitalSignature", "nonRepudiation"],
    extKeyUsage: [OIDS.kpClientAuth],
    subject: (i) => [...shinkinPrefix(i.organization), { type: "CN", value: userCn(i.rules, i.contractId, i.userId) }],
  },
  "tw-fxml": {
    kind: "tw-fxml",
    keyUsage: ["digitalSignature", "nonRepudiation"],
    extKeyUsage: [OIDS.kpClientAuth],
    subject: (i) => [
      ...twBankOus(i),
      { type: "OU", value: "FXML" },
      { type: "CN", value: check(i.customerId, TW_CUSTOMER_ID, "customerId") + twCnTail(i) },
    ],
  },
  "tw-individual": {
    kind: "tw-individual",
    keyUsage: ["digitalSignature", "nonRepudiation"],
    extKeyUsage: [OIDS.kpClientAuth],
    subject: (i) => [
      ...twBankOus(i),
      { type: "OU", value: "Personal" },
      { type: "CN", value: check(i.nationalId, TW_NATIONAL_ID, "nationalId") + twCnTail(i) },
    ],
  },
  "tw-securities": {
    kind: "tw-securities",
    keyUsage: ["digitalSignature", "nonRepudiation"],
    extKeyUsage: [OIDS.kpClientAuth],
    subject: (i) => [
      { type: "C", value: "TW" },
      { type: "O", value: i.firmName },
      { type: "OU", value: "Securities" },
      { type: "CN", value: check(i.nationalId, TW_NATIONAL_ID, "nationalId") },
    ],
  },
  "ra-client": {
    kind: "ra-client",
    keyUsage: ["digitalSignature"],
    extKeyUsage: [OIDS.kpClientAuth],
    subject: (i) => [
      { type: "C", value: check(i.country, /^[A-Z]{2}$/, "country") },
      { type: "O", value: i.organization },
      { type: "OU", value: "RA client" },
      { type: "CN", value: check(i.name, /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "name") },
    ],
  },
};

export const PROFILE_KINDS = Object.keys(CERT_PROFILES) as ProfileKind[];

export function profileOf(kind: ProfileKind): CertProfile {
  if (typeof kind !== "string" || !Object.hasOwn(CERT_PROFILES, kind)) throw invalid("profile", `unknown profile ${String(kind)}`);
  return CERT_PROFILES[kind];
}

/** The subject attributes of a certificate of this kind for these account values. */
export function subjectFor<K extends ProfileKind>(kind: K, input: SubjectInputs[K]): DnAttr[] {
  if (typeof kind !== "string" || !Object.hasOwn(CERT_PROFILES, kind)) throw invalid("profile", `unknown profile ${String(kind)}`);
  return (CERT_PROFILES[kind] as ProfileEntry<K>).subject(input);
}

// ---------------------------------------------------------------------------------------------
// Validity (R-CERT-1)

export type ValidityPolicy = Pick<InstitutionPolicy, "certValidityYears" | "certValidityEndOfDay" | "timeZone">;

/**
 * notBefore = now (whole seconds); notAfter = the same local calendar date N years later, at
 * 23:59:59 local time when the policy says so, else at the same local time of day. Feb 29 maps
 * to Feb 28.
 */
export function certificateValidity(policy: ValidityPolicy, now: Date): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const local = toLocal(notBefore, policy.timeZone);
  const date = addLocalMonths(local, 12 * policy.certValidityYears);
  const notAfter = policy.certValidityEndOfDay
    ? fromLocal({ ...date, hour: 23, minute: 59, second: 59 }, policy.timeZone)
    : fromLocal({ ...date, hour: local.hour, minute: local.minute, second: local.second }, policy.timeZone);
  return { notBefore, notAfter };
}
