/**
 * The institution policy: every per-bank parameter of SPEC.md §4 as one validated object.
 * Defaults are the seeds' values; presets tighten or localise them. Stored as JSON on the
 * institution row and re-validated on load, so a bad value never reaches a rule.
 */
import { z } from "zod";

export const LockMode = z.enum(["LINKED", "NON_LINKED"]);
export type LockMode = z.infer<typeof LockMode>;

export const Factor = z.enum(["LOGIN_PIN", "CONFIRM_PIN", "TOKEN_OTP"]);
export type Factor = z.infer<typeof Factor>;

export const KeyAlgorithm = z.enum(["ECDSA-P256", "ECDSA-P384", "RSA-2048", "RSA-3072"]);
export type KeyAlgorithm = z.infer<typeof KeyAlgorithm>;

export const InstitutionPolicy = z
  .object({
    /** Institution code used as the CN suffix (1286, 1635); 4 digits. */
    certCnSuffixCode: z.string().regex(/^\d{4}$/, "4 digits"),
    cnSeparator: z.string().max(1).default(""),
    contractIdLength: z.number().int().min(6).max(20).default(11),
    maxAdminsPerContract: z.number().int().min(1).max(1).default(1),
    maxUsersPerContract: z.number().int().min(1).max(999).default(99),
    /** Consecutive failures that lock, inclusive (7 in the seeds; PSD2 RTS Art. 4 asks ≤ 5). */
    pinFailureLimit: z.number().int().min(3).max(10).default(7),
    defaultLockMode: LockMode.default("LINKED"),
    adminCertAcquisitionWindowDays: z.number().int().min(1).max(365).default(80),
    userCertAcquisitionWindowDays: z.number().int().min(1).max(365).default(80),
    certValidityYears: z.number().int().min(1).max(3).default(1),
    /** true: notAfter = anniversary 23:59:59 local time; false: same time of day. */
    certValidityEndOfDay: z.boolean().default(true),
    renewalWindowMonths: z.number().int().min(1).max(6).default(1),
    renewalReminderDays: z.array(z.number().int().min(1).max(90)).default([30, 10]),
    activationInterruptCooldownMinutes: z.number().int().min(1).max(120).default(15),
    userCertAcquisitionFactors: z.array(Factor).min(2).default(["LOGIN_PIN", "TOKEN_OTP"]),
    transferAuthFactors: z.array(Factor.exclude(["LOGIN_PIN"])).min(1).default(["TOKEN_OTP", "CONFIRM_PIN"]),
    cardOtpPositions: z.number().int().min(1).max(4).default(2),
    tokenOtpDigits: z.number().int().min(6).max(8).default(6),
    tokenOtpStepSeconds: z.number().int().min(30).max(60).default(30),
    /** Steps of clock drift accepted either side. */
    tokenOtpWindowSteps: z.number().int().min(0).max(2).default(1),
    smsOtpLength: z.number().int().min(6).max(8).default(6),
    smsOtpTtlSeconds: z.number().int().min(60).max(600).default(180),
    smsOtpMaxAttempts: z.number().int().min(1).max(10).default(5),
    pfxPasswordMin: z.number().int().min(4).max(64).default(4),
    pfxPasswordMax: z.number().int().min(4).max(128).default(10),
    sessionIdleMinutes: z.number().int().min(1).max(60).default(15),
    sessionAbsoluteMinutes: z.number().int().min(5).max(24 * 60).default(120),
    keyAlgorithm: KeyAlgorithm.default("ECDSA-P256"),
    timeZone: z.string().default("Asia/Tokyo"),
    defaultLocale: z.enum(["ja", "zh-TW", "en"]).default("ja"),
    /** Dual control (maker–checker) of the back office's sensitive operations; off keeps one-person operation. */
    dualControl: z.boolean().default(false),
    /** How long a dual-control request waits for its second person. */
    approvalWindowHours: z.number().int().min(1).max(168).default(24),
  })
  .superRefine((p, ctx) => {
    if (p.pfxPasswordMin > p.pfxPasswordMax)
      ctx.addIssue({ code: "custom", path: ["pfxPasswordMin"], message: "must not exceed pfxPasswordMax" });
    if (!p.userCertAcquisitionFactors.includes("LOGIN_PIN"))
      ctx.addIssue({ code: "custom", path: ["userCertAcquisitionFactors"], message: "must include LOGIN_PIN" });
    try {
      new Intl.DateTimeFormat("en", { timeZone: p.timeZone });
    } catch {
      ctx.addIssue({ code: "custom", path: ["timeZone"], message: "unknown IANA time zone" });
    }
  });

export type InstitutionPolicy = z.infer<typeof InstitutionPolicy>;
export type PolicyInput = z.input<typeof InstitutionPolicy>;

/** Named presets: partial policies merged over the seeds' defaults. */
export const POLICY_PRESETS = {
  /** The seeds' values (Shinkin Business Web, 003/004). */
  "shinkin-default": {},
  /** Shinkin variant P (004, 002): user certificate with both PINs instead of a token. */
  "shinkin-pin-variant": { userCertAcquisitionFactors: ["LOGIN_PIN", "CONFIRM_PIN"] },
  /** PSD2 RTS (EU 2018/389) Art. 4: at most 5 failures; Art. 11: 5 minutes of inactivity. */
  "psd2-strict": { pinFailureLimit: 5, sessionIdleMinutes: 5, sessionAbsoluteMinutes: 60 },
  /** Taiwanese bank (000): Taipei time, Traditional Chinese. */
  "tw-bank": { timeZone: "Asia/Taipei", defaultLocale: "zh-TW" },
} as const satisfies Record<string, Partial<PolicyInput>>;

export type PolicyPreset = keyof typeof POLICY_PRESETS;

export function isPolicyPreset(name: string): name is PolicyPreset {
  return Object.hasOwn(POLICY_PRESETS, name);
}

/** Builds a validated policy from a preset and overrides; throws a ZodError naming the field. */
export function makePolicy(input: PolicyInput, preset: PolicyPreset = "shinkin-default"): InstitutionPolicy {
  return InstitutionPolicy.parse({ ...POLICY_PRESETS[preset], ...input });
}
