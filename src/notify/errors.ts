/**
 * Errors of the notification outbox: the stable codes thrown when a mail or SMS cannot be
 * queued (their localized messages), and how a failed delivery is recorded — as one short line
 * an operator can act on, never with credentials or the message's text.
 */
import type { LocalizedText } from "../domain/errors.js";

export const NOTIFY_MESSAGES = {
  NOTIFY_EMAIL_INVALID: {
    ja: "Ｅメールアドレスの形式が正しくありません。",
    "zh-TW": "電子郵件地址格式不正確。",
    en: "The e-mail address is not valid.",
  },
  NOTIFY_PHONE_INVALID: {
    ja: "携帯電話番号は国番号付き（例：+819012345678）で指定してください。",
    "zh-TW": "行動電話號碼請以含國碼的格式指定（例：+886912345678）。",
    en: "The mobile number must be in international format, e.g. +819012345678.",
  },
  NOTIFY_SUBJECT_INVALID: {
    ja: "件名に改行・制御文字を含めることはできません（{max}文字以内）。",
    "zh-TW": "主旨不可包含換行或控制字元（{max}字以內）。",
    en: "The subject must be one line without control characters, at most {max} characters.",
  },
  NOTIFY_BODY_INVALID: {
    ja: "本文が空か、長すぎます（{max}文字以内）。",
    "zh-TW": "內文為空或過長（{max}字以內）。",
    en: "The message text is empty or too long (at most {max} characters).",
  },
  NOTIFY_KIND_INVALID: {
    ja: "通知の種類が指定されていません。",
    "zh-TW": "未指定通知種類。",
    en: "The notification kind is missing or too long.",
  },
  NOTIFY_LOCALE_INVALID: {
    ja: "言語の指定が正しくありません（ja、zh-TW、en）。",
    "zh-TW": "語言指定不正確（ja、zh-TW、en）。",
    en: "The language must be ja, zh-TW or en.",
  },
  NOTIFY_QUERY_INVALID: {
    ja: "検索条件が正しくありません。",
    "zh-TW": "查詢條件不正確。",
    en: "The filter is not valid (channel: email or sms; status: pending, sent or failed; limit: 1–500).",
  },
  NOTIFY_GATEWAY_URL_INVALID: {
    ja: "SMSゲートウェイのURLは http:// または https:// で始めてください。",
    "zh-TW": "簡訊閘道的網址必須以 http:// 或 https:// 開頭。",
    en: "The SMS gateway URL must start with http:// or https://.",
  },
} as const satisfies Record<string, LocalizedText>;

export type NotifyCode = keyof typeof NOTIFY_MESSAGES;

/** A delivery failure whose message is already safe to store (transports throw these). */
export class DeliveryError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "DeliveryError";
  }
}

const MAX_ERROR = 300;

/**
 * One line describing why a send failed, for `outbox.last_error` and the log: the transport's
 * error code and the server's reply (e.g. "EENVELOPE: Mail command failed: 421 Try later").
 * URL credentials are cut out, and so is anything of the message itself that a server might
 * echo back (`hide`: the body, whose lines and digit runs — an OTP — are removed one by one).
 */
export function describeDeliveryError(e: unknown, hide: readonly string[] = []): string {
  const o = (typeof e === "object" && e !== null ? e : {}) as { code?: unknown; message?: unknown; response?: unknown; cause?: unknown };
  let code = typeof o.code === "string" ? o.code : "";
  let text = typeof o.message === "string" ? o.message : String(e);
  if (!code && typeof o.cause === "object" && o.cause !== null) {
    const c = o.cause as { code?: unknown; message?: unknown };
    if (typeof c.code === "string") code = c.code;
    if (typeof c.message === "string") text = `${text} (${c.message})`;
  }
  // eslint-disable-next-line no-control-regex
  let line = (code && !text.startsWith(code) ? `${code}: ${text}` : text).replace(/[\u0000-\u001F\u007F]+/g, " ");
  line = line.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, "$1[redacted]@");
  line = line.replace(/\b(pass(?:word)?|token|secret|authorization)\s*[:=]\s*\S+/gi, "$1=[redacted]");
  const pieces = new Set<string>();
  for (const h of hide) {
    if (!h) continue;
    pieces.add(h.trim());
    for (const l of h.split(/\r?\n/)) if (l.trim().length >= 8) pieces.add(l.trim());
    for (const d of h.match(/\d{4,}/g) ?? []) pieces.add(d);
  }
  for (const p of [...pieces].filter(Boolean).sort((a, b) => b.length - a.length)) line = line.split(p).join("[redacted]");
  line = line.replace(/\s+/g, " ").trim();
  return line.length > MAX_ERROR ? `${line.slice(0, MAX_ERROR - 1)}…` : line || "unknown error";
}
