/**
 * Messages for the PKCS#12 error codes (pkcs12.ts). Kept apart from the server-side tables so the
 * browser bundle can show them without pulling anything else in. zh-TW PFX_BAD_PASSWORD is the
 * securities tool's MSG-S08 verbatim (SPEC §13.4).
 */
import type { LocalizedText } from "../domain/errors.js";

export const PKCS12_MESSAGES: Record<string, LocalizedText> = {
  PFX_BAD_PASSWORD: {
    ja: "証明書のパスワードが正しくないため、インポートできません。",
    "zh-TW": "憑證密碼錯誤，無法匯入",
    en: "Wrong certificate password; import failed.",
  },
  PFX_MALFORMED: {
    ja: "証明書ファイルを読み取れません。ファイルが壊れているか、証明書ファイルではありません。",
    "zh-TW": "無法讀取憑證檔案，檔案可能已損毀或不是憑證檔案。",
    en: "The certificate file cannot be read: it is damaged or not a certificate file.",
  },
  PFX_UNSUPPORTED: {
    ja: "この証明書ファイルの暗号方式には対応していません。",
    "zh-TW": "不支援此憑證檔案所使用的加密方式。",
    en: "This certificate file uses an encryption method that is not supported.",
  },
  PFX_PASSWORD_LENGTH: {
    ja: "パスワードは{min}～{max}文字で入力してください。",
    "zh-TW": "憑證密碼須為{min}~{max}碼。",
    en: "The password must be {min} to {max} characters long.",
  },
  PFX_PASSWORD_CHARSET: {
    ja: "パスワードには半角英数字と記号のみ使用できます。",
    "zh-TW": "密碼僅能使用半形英數字及符號。",
    en: "The password may only contain ASCII letters, digits and symbols.",
  },
};
