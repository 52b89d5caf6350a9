/**
 * Display strings of the Shinkin corporate screens (SPEC.md §15), apart from the error catalogue
 * (messages.ts): the screens import these without the server's error machinery.
 */
import type { LocalizedText } from "../errors.js";

/**
 * The corporate screens' strings, keyed by SPEC message ID (seed verbatim in ja).
 * Exceptions, listed in the README ("Messages fit for a browser"): MSG-J13, J15, J16 and J18
 * described Internet Explorer, ActiveX or Windows dialogs that this browser never shows, so
 * they say what the browser does instead, in the seeds' register (BROWSER_REPLACED names them).
 */
export const corporateTexts = {
  "MSG-J01": {
    ja: "開通確認が終了しました。",
    "zh-TW": "開通確認已完成。",
    en: "Activation confirmation finished.",
  },
  "MSG-J01-TITLE": {
    ja: "管理者開通確認完了",
    "zh-TW": "管理者開通確認完成",
    en: "Administrator activation complete",
  },
  "MSG-J02": {
    ja: "引き続き、電子証明書の取得を行ってください。",
    "zh-TW": "請接著取得電子憑證。",
    en: "Please go on to acquire the electronic certificate.",
  },
  "MSG-J02b": {
    ja: "管理者の開通確認が完了しました。",
    "zh-TW": "管理者的開通確認已完成。",
    en: "The administrator's activation is complete.",
  },
  "MSG-J04": {
    ja: "利用者登録完了",
    "zh-TW": "使用者登錄完成",
    en: "User registration complete",
  },
  "MSG-J10": {
    ja: "ここで設定した暗証番号は後ほど使用します。忘れないように管理してください！",
    "zh-TW": "此處設定的密碼稍後會使用，請妥善保管以免遺忘！",
    en: "You will use the PINs set here later. Keep them safe so you do not forget them!",
  },
  "MSG-J11": {
    ja: "電子証明書の取得が完了しました。",
    "zh-TW": "電子憑證取得完成。",
    en: "Certificate acquisition has completed.",
  },
  "MSG-J11-TITLE": {
    ja: "利用者電子証明書取得完了",
    "zh-TW": "使用者電子憑證取得完成",
    en: "User certificate acquisition complete",
  },
  "MSG-J12": {
    ja: "利用者開通確認完了",
    "zh-TW": "使用者開通確認完成",
    en: "User activation complete",
  },
  "MSG-J14": {
    ja: "電子証明書発行処理中",
    "zh-TW": "電子憑證發行處理中",
    en: "Issuing electronic certificate…",
  },
  // Seed: "この Web サイトはユーザーの代わりにデジタル証明書の操作を実行します。" (an ActiveX
  // prompt answered はい). No prompt comes: the page does the work itself when 取得 is pressed.
  "MSG-J15": {
    ja: "「取得」を押すと、このWebサイトがこのブラウザの中で鍵ペアを作成し、電子証明書を申請します。確認の画面は表示されません。",
    "zh-TW": "按下「取得」後，本網站將於此瀏覽器內產生金鑰對並申請電子憑證，不會另外顯示確認畫面。",
    en: "When you press Acquire, this website makes a key pair inside this browser and applies for the certificate. No confirmation dialog appears.",
  },
  // Seed: "アプリケーションは保護されたアイテムを作成しています。" (Windows' protected-item
  // dialog, level 中). The browser makes a key that cannot be taken out of it; nothing to confirm.
  "MSG-J16": {
    ja: "このブラウザの中に、取り出すことのできない鍵ペアを作成しています。",
    "zh-TW": "正在此瀏覽器內產生無法取出的金鑰對。",
    en: "Making a key pair inside this browser that cannot be taken out of it.",
  },
  "MSG-J17": {
    ja: "電子証明書のインストールが完了しました",
    "zh-TW": "電子憑證安裝完成",
    en: "Installation of the electronic certificate is complete.",
  },
  // Seed: "…アプリを閉じないでください。" There is no app: the page must stay open.
  "MSG-J18": {
    ja: "電子証明書の取得が完了するまで、このページを閉じたり、再読み込みしたりしないでください。",
    "zh-TW": "在電子憑證取得完成之前，請勿關閉或重新整理此頁面。",
    en: "Do not close or reload this page until certificate acquisition is complete.",
  },
  // Seed: "このアプリが秘密キーにアクセスすることを許可しますか？" (Windows asking for the
  // private key at logon). The browser asks nothing: the key is used here, by this site only.
  "MSG-J13": {
    ja: "「OK」を押すと、このブラウザに保管された秘密鍵でログオン用の署名を行います。秘密鍵はこのサイトの操作にだけ使用され、確認の画面は表示されません。",
    "zh-TW": "按下「確定」後，將以存放於此瀏覽器的私密金鑰進行登入簽章。私密金鑰僅用於本網站的操作，不會另外顯示確認畫面。",
    en: "When you press OK, the private key kept in this browser signs your logon. It is used for this site only, and no confirmation dialog appears.",
  },
  "MSG-J19": {
    ja: "管理者画面で操作した後は、管理者の情報が残っている可能性があるため、ブラウザをすべて閉じてから再度操作を行ってください。",
    "zh-TW": "在管理者畫面操作後，可能仍殘留管理者的資訊，請關閉所有瀏覽器視窗後再進行操作。",
    en: "After using the admin screens, admin information may remain; close all browser windows before continuing.",
  },
} as const satisfies Record<string, LocalizedText>;

export type CorporateTextId = keyof typeof corporateTexts;

/** Seed messages whose wording was replaced because it described IE, ActiveX or an OS dialog. */
export const BROWSER_REPLACED: readonly CorporateTextId[] = ["MSG-J13", "MSG-J15", "MSG-J16", "MSG-J18"];
