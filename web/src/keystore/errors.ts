/**
 * Keystore errors: an InkanError with a stable code, so the screens localize them with the same
 * machinery as server errors. zh-TW CARRIER_PIN_WRONG is MSG-T11 and PFX_BAD_PASSWORD MSG-S08
 * verbatim (SPEC §15); the other texts are PROPOSAL wording in the seeds' register.
 */
import { InkanError } from "../../../src/domain/errors.js";
import type { ErrorKind, LocalizedText } from "../../../src/domain/errors.js";
import { PKCS12_MESSAGES } from "../../../src/pki/pkcs12-messages.js";

const CATALOGUE = {
  WEBCRYPTO_UNAVAILABLE: {
    kind: "unavailable",
    ja: "このブラウザでは証明書を利用できません。最新のブラウザで https のページからご利用ください。",
    "zh-TW": "此瀏覽器無法使用憑證，請使用最新版瀏覽器並以 https 連線。",
    en: "Certificates cannot be used in this browser. Use an up-to-date browser over https.",
  },
  STORAGE_UNAVAILABLE: {
    kind: "unavailable",
    ja: "ブラウザの保存領域を利用できません。プライベートモードを解除してください。",
    "zh-TW": "無法使用瀏覽器儲存空間，請關閉無痕模式後再試。",
    en: "The browser's storage is not available. Leave private mode and try again.",
  },
  ENTRY_NOT_FOUND: {
    kind: "not_found",
    ja: "このブラウザに該当する証明書がありません。",
    "zh-TW": "此瀏覽器中找不到該憑證。",
    en: "This certificate is not in this browser.",
  },
  ENTRY_NOT_INSTALLED: {
    kind: "conflict",
    ja: "証明書の取得が完了していません。",
    "zh-TW": "憑證尚未下載完成。",
    en: "The certificate has not been installed yet.",
  },
  ENTRY_NOT_PENDING: {
    kind: "conflict",
    ja: "この証明書はすでに取得済みです。",
    "zh-TW": "此憑證已下載完成。",
    en: "This certificate is already installed.",
  },
  CERT_ALREADY_INSTALLED: {
    kind: "conflict",
    ja: "この鍵には別の証明書がすでに格納されています。",
    "zh-TW": "此金鑰已存放其他憑證。",
    en: "Another certificate is already installed for this key.",
  },
  CERT_ALREADY_PRESENT: {
    kind: "conflict",
    ja: "この証明書はすでにこのブラウザに取り込まれています。",
    "zh-TW": "此憑證已匯入此瀏覽器。",
    en: "This certificate is already in this browser.",
  },
  CERT_KEY_MISMATCH: {
    kind: "invalid",
    ja: "証明書がこのブラウザの鍵と一致しません。",
    "zh-TW": "憑證與此瀏覽器中的金鑰不符。",
    en: "The certificate does not match the key in this browser.",
  },
  CERT_MALFORMED: {
    kind: "invalid",
    ja: "証明書を読み取れません。",
    "zh-TW": "無法讀取憑證。",
    en: "The certificate cannot be read.",
  },
  KEY_ALGORITHM_UNSUPPORTED: {
    kind: "invalid",
    ja: "この鍵の種類（{algorithm}）には対応していません。",
    "zh-TW": "不支援此金鑰類型（{algorithm}）。",
    en: "This key type ({algorithm}) is not supported.",
  },
  KEY_NOT_EXPORTABLE: {
    kind: "forbidden",
    ja: "この証明書は取得したパソコンでのみ利用でき、書き出すことはできません。",
    "zh-TW": "此憑證僅能在申請的電腦上使用，無法匯出。",
    en: "This certificate works only on the computer where it was acquired and cannot be exported.",
  },
  ENTRY_NOT_CARRIER: {
    kind: "invalid",
    ja: "この証明書には保護用の暗証番号がありません。",
    "zh-TW": "此憑證未存放於憑證載具。",
    en: "This certificate is not kept in a PIN-protected carrier.",
  },
  CARRIER_PIN_FORMAT: {
    kind: "invalid",
    ja: "暗証番号は半角英数字・記号{min}～{max}文字で入力してください。",
    "zh-TW": "憑證載具密碼須為{min}~{max}碼半形英數字或符號。",
    en: "The carrier PIN must be {min} to {max} ASCII letters, digits or symbols.",
  },
  CARRIER_PIN_WRONG: {
    kind: "unauthenticated",
    ja: "暗証番号が正しくありません。あと{remaining}回誤るとロックされます。",
    "zh-TW": "憑證載具密碼錯誤",
    en: "Incorrect carrier PIN. {remaining} more wrong attempts lock it.",
  },
  CARRIER_LOCKED: {
    kind: "forbidden",
    ja: "暗証番号を続けて誤ったため、この証明書はロックされました。証明書を削除し、バックアップからの取込または再発行を行ってください。",
    "zh-TW": "憑證載具密碼連續錯誤，憑證已鎖定。請刪除憑證後重新匯入備份或重新申請。",
    en: "Too many wrong PINs: this certificate is locked. Remove it, then import your backup or apply again.",
  },
  CARRIER_NOT_UNLOCKED: {
    kind: "unauthenticated",
    ja: "証明書の暗証番号を入力してください。",
    "zh-TW": "請輸入憑證載具密碼。",
    en: "Enter the carrier PIN first.",
  },
  CHALLENGE_INVALID: {
    kind: "invalid",
    ja: "署名要求が正しくありません。もう一度ログインしてください。",
    "zh-TW": "簽章要求不正確，請重新登入。",
    en: "The signing request is not valid. Please log in again.",
  },
  CHALLENGE_ORIGIN_MISMATCH: {
    kind: "forbidden",
    ja: "別のサイトからの署名要求には応じられません。",
    "zh-TW": "無法對其他網站的要求進行簽章。",
    en: "A signing request for another site is refused.",
  },
  SIGN_PAYLOAD_INVALID: {
    kind: "invalid",
    ja: "署名する内容が正しくありません。",
    "zh-TW": "簽章內容不正確。",
    en: "The data to sign is not valid.",
  },
  KEYSTORE_INPUT_INVALID: {
    kind: "invalid",
    ja: "入力内容（{field}）が正しくありません。",
    "zh-TW": "輸入內容（{field}）不正確。",
    en: "The input ({field}) is not valid.",
  },
  STORAGE_FAILED: {
    kind: "unavailable",
    ja: "証明書をブラウザに保存できませんでした。空き容量をご確認ください。",
    "zh-TW": "無法將憑證儲存於瀏覽器，請確認儲存空間。",
    en: "The certificate could not be saved in the browser. Check the free space.",
  },
} as const satisfies Record<string, LocalizedText & { kind: ErrorKind }>;

type PfxCode = "PFX_BAD_PASSWORD" | "PFX_MALFORMED" | "PFX_UNSUPPORTED" | "PFX_PASSWORD_LENGTH" | "PFX_PASSWORD_CHARSET";
export type KeystoreErrorCode = keyof typeof CATALOGUE | PfxCode;

const PFX_KINDS: Record<PfxCode, ErrorKind> = {
  PFX_BAD_PASSWORD: "unauthenticated",
  PFX_MALFORMED: "invalid",
  PFX_UNSUPPORTED: "invalid",
  PFX_PASSWORD_LENGTH: "invalid",
  PFX_PASSWORD_CHARSET: "invalid",
};

const text = ({ ja, "zh-TW": zh, en }: LocalizedText): LocalizedText => ({ ja, "zh-TW": zh, en });

/** Every code a keystore call can throw, with its text in ja, zh-TW and en ({name} from error.params). */
export const KEYSTORE_MESSAGES: Readonly<Record<KeystoreErrorCode, LocalizedText>> = {
  ...(Object.fromEntries(Object.entries(CATALOGUE).map(([code, e]) => [code, text(e)])) as Record<keyof typeof CATALOGUE, LocalizedText>),
  PFX_BAD_PASSWORD: PKCS12_MESSAGES.PFX_BAD_PASSWORD!,
  PFX_MALFORMED: PKCS12_MESSAGES.PFX_MALFORMED!,
  PFX_UNSUPPORTED: PKCS12_MESSAGES.PFX_UNSUPPORTED!,
  PFX_PASSWORD_LENGTH: PKCS12_MESSAGES.PFX_PASSWORD_LENGTH!,
  PFX_PASSWORD_CHARSET: PKCS12_MESSAGES.PFX_PASSWORD_CHARSET!,
};

export class KeystoreError extends InkanError {
  declare readonly code: KeystoreErrorCode;

  constructor(
    code: KeystoreErrorCode,
    opts: { params?: Record<string, string | number>; fields?: string[]; cause?: unknown; detail?: string } = {},
  ) {
    const kind = code in CATALOGUE ? CATALOGUE[code as keyof typeof CATALOGUE].kind : PFX_KINDS[code as PfxCode];
    super(code, kind, { ...opts, detail: opts.detail ?? code });
    this.name = "KeystoreError";
  }
}

export const isKeystoreError = (e: unknown): e is KeystoreError => e instanceof KeystoreError;

/** The error's text in a locale with its params filled in. */
export function keystoreMessage(e: KeystoreError, locale: keyof LocalizedText): string {
  const t = KEYSTORE_MESSAGES[e.code]?.[locale] ?? e.code;
  return t.replace(/\{(\w+)\}/g, (m, name: string) => (name in e.params ? String(e.params[name]) : m));
}

/** Anything thrown by pkcs12.ts (InkanError with a PFX_* code) becomes the same code here. */
export function fromPkcs12Error(e: unknown): unknown {
  if (e instanceof InkanError && e.code in PFX_KINDS && !(e instanceof KeystoreError)) {
    return new KeystoreError(e.code as PfxCode, { params: { ...e.params }, fields: [...e.fields], cause: e });
  }
  return e;
}
