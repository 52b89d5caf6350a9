/**
 * Public API of the browser keystore. Screens import this module lazily (dynamic import) so the
 * first page stays small; the PKCS#12 code is a further chunk loaded on first export/import.
 */
export { Keystore, openKeystore } from "./keystore.js";
export type { CertificateDetail, GenerateKeyRequest, ImportPfxOptions, KeystoreOptions, LoginChallenge, PendingKey } from "./keystore.js";
export type { CertificateInfo, CertificateStatus, PendingInfo, StatusOptions } from "./info.js";
export type { EntryKind } from "./store.js";
export { KEYSTORE_DB_NAME } from "./store.js";
export { KEY_ALGORITHMS, type KeyAlgorithm } from "./algorithms.js";
export { CARRIER_MAX_ATTEMPTS, CARRIER_PBKDF2_ITERATIONS, CARRIER_PIN_MAX, CARRIER_PIN_MIN, validateCarrierPin } from "./carrier.js";
export { PFX_PASSWORD_MAX, PFX_PASSWORD_MIN, pfxFileName } from "./pfx.js";
export { parseCertificate, type CertificateFields, type DnAttr } from "./cert.js";
export { KEYSTORE_MESSAGES, KeystoreError, isKeystoreError, keystoreMessage, type KeystoreErrorCode } from "./errors.js";
