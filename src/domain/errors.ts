/**
 * Every rule violation is an InkanError with a stable code. The HTTP shell maps the code to a
 * status and a localized message (see src/http/errors.ts); nothing else of the error — no
 * stack, no internal detail — ever reaches a client.
 */
export type ErrorKind =
  | "invalid" // 400: the input is malformed or breaks a format rule
  | "unauthenticated" // 401
  | "forbidden" // 403: authenticated but not allowed (locked, suspended, wrong state)
  | "not_found" // 404
  | "conflict" // 409: duplicates, state races
  | "too_large" // 413
  | "rate_limited" // 429
  | "unavailable"; // 503

export class InkanError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  /** Values interpolated into the localized message ({name} placeholders). Never secrets. */
  readonly params: Readonly<Record<string, string | number>>;
  /** Field names the client should flag (form validation). */
  readonly fields: readonly string[];

  constructor(
    code: string,
    kind: ErrorKind,
    opts: { params?: Record<string, string | number>; fields?: string[]; cause?: unknown; detail?: string } = {},
  ) {
    super(opts.detail ?? code, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "InkanError";
    this.code = code;
    this.kind = kind;
    this.params = opts.params ?? {};
    this.fields = opts.fields ?? [];
  }
}

export const isInkanError = (e: unknown): e is InkanError => e instanceof InkanError;

export type Locale = "ja" | "zh-TW" | "en";
export const LOCALES: readonly Locale[] = ["ja", "zh-TW", "en"];

/** A message in the three languages. ja and zh-TW texts from the seeds are verbatim. */
export type LocalizedText = Readonly<Record<Locale, string>>;
