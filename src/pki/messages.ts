/**
 * Localized texts for the error codes the issuance side of the PKI engine throws. The seeds
 * have no wording for these (the legacy tools showed OS dialogs), so all three are Inkan's.
 */
import type { LocalizedText } from "../domain/errors.js";

export const pkiMessages: Record<string, LocalizedText> = {
  CSR_MALFORMED: {
    ja: "証明書署名要求（CSR）の形式が正しくありません。もう一度電子証明書の取得を行ってください。",
    "zh-TW": "憑證請求檔（CSR）格式錯誤，請重新申請憑證。",
    en: "The certificate signing request (CSR) is malformed. Please request the certificate again.",
  },
  CSR_TOO_LARGE: {
    ja: "証明書署名要求（CSR）が大きすぎます（上限 {max} バイト）。",
    "zh-TW": "憑證請求檔（CSR）過大（上限 {max} 位元組）。",
    en: "The certificate signing request (CSR) is too large (limit {max} bytes).",
  },
  CSR_BAD_SIGNATURE: {
    ja: "証明書署名要求（CSR）の署名を検証できませんでした。もう一度電子証明書の取得を行ってください。",
    "zh-TW": "憑證請求檔（CSR）簽章驗證失敗，請重新申請憑證。",
    en: "The signature of the certificate signing request (CSR) could not be verified. Please request the certificate again.",
  },
  CSR_KEY_UNSUPPORTED: {
    ja: "この鍵の種類（{algorithm}）には電子証明書を発行できません。ECDSA P-256／P-384 または RSA 2048 ビット以上の鍵をご利用ください。",
    "zh-TW": "不支援此金鑰類型（{algorithm}），請使用 ECDSA P-256／P-384 或 2048 位元以上的 RSA 金鑰。",
    en: "Certificates cannot be issued for this key type ({algorithm}). Use an ECDSA P-256/P-384 key or an RSA key of at least 2048 bits.",
  },
  CSR_ALGORITHM_UNSUPPORTED: {
    ja: "この署名方式（{algorithm}）の証明書署名要求は受け付けられません。",
    "zh-TW": "不支援此簽章演算法（{algorithm}）的憑證請求檔。",
    en: "Certificate signing requests signed with {algorithm} are not accepted.",
  },
  CA_KEY_DECRYPT_FAILED: {
    ja: "認証局の鍵を読み込めないため、現在電子証明書を発行できません。しばらくしてから再度お試しください。",
    "zh-TW": "憑證中心金鑰無法載入，目前無法簽發憑證，請稍後再試。",
    en: "The certificate authority's key cannot be loaded, so certificates cannot be issued at the moment. Please try again later.",
  },
  CERT_MALFORMED: {
    ja: "電子証明書の形式が正しくありません。",
    "zh-TW": "憑證格式錯誤。",
    en: "The certificate is malformed.",
  },
  CERT_CN_UNRECOGNIZED: {
    ja: "この電子証明書はご利用いただけません。",
    "zh-TW": "此憑證無法使用。",
    en: "This certificate cannot be used here.",
  },
  PKI_INPUT_INVALID: {
    ja: "電子証明書の発行に必要な項目（{field}）が正しくありません。",
    "zh-TW": "簽發憑證所需的欄位（{field}）不正確。",
    en: "A value needed to issue the certificate ({field}) is invalid.",
  },
};
