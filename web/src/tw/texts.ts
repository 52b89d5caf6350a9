/**
 * Words of the TW certificate platform's screens (憑證管理平台, seed 000): zh-TW first, as the
 * seed's FXML 憑證管理 pages word them; ja and en are translations. The seed's messages
 * (MSG-T01…T03, T10…T12) come from the server's answers (`texts`, `queryTime.line`, error
 * messages) so they stay verbatim in one place (src/domain/tw/messages.ts).
 */
import { currentLocale, type Locale } from "../app/i18n.js";

type Text = Readonly<Record<Locale, string>>;
const x = (zh: string, ja: string, en: string): Text => ({ "zh-TW": zh, ja, en });

export const TW = {
  platform: x("FXML 憑證管理", "FXML 電子証明書管理", "FXML certificate management"),
  menuLabel: x("憑證管理選單", "電子証明書管理メニュー", "Certificate menu"),
  apply: x("憑證申請", "電子証明書の申請", "Apply for a certificate"),
  renew: x("憑證更新", "電子証明書の更新", "Renew a certificate"),
  query: x("憑證查詢", "電子証明書の照会", "Certificate inquiry"),
  proof: x("憑證證明單列印", "電子証明書証明書の印刷", "Print the proof sheet"),
  carrierPin: x("憑證載具密碼變更", "電子証明書媒体のパスワード変更", "Change the carrier PIN"),
  suspend: x("憑證暫禁", "電子証明書の一時停止", "Suspend a certificate"),
  carrierBackup: x("備份憑證載具", "電子証明書媒体のバックアップ", "Back up the carrier"),
  faq: x("常見問題(FAQ)", "よくある質問(FAQ)", "FAQ"),
  home: x("回首頁", "トップへ戻る", "Home"),
  logout: x("登出", "ログアウト", "Log out"),
  // ---- login ----
  loginTitle: x("憑證管理平台登入", "電子証明書管理プラットフォーム ログイン", "Certificate platform login"),
  loginLead: x(
    "請輸入身分證字號或統一編號、使用者代號及密碼。企業網路銀行客戶別 3 請以管理者代號、客戶別 4 請以 SUPER001 登入。",
    "身分証番号または統一番号、利用者コード、パスワードを入力してください。法人（客戶別3）は管理者コード、（客戶別4）は SUPER001 でログインしてください。",
    "Enter your ID number or unified business number, user code and password. Corporate customers of type 3 log in with the administrator code, type 4 with SUPER001.",
  ),
  identifier: x("身分證字號／統一編號", "身分証番号／統一番号", "ID number / unified business number"),
  identifierHint: x("個人：A123456789；企業：8 位數統一編號", "個人：A123456789、法人：8桁の統一番号", "Individuals: A123456789; companies: the 8-digit number"),
  userCode: x("使用者代號", "利用者コード", "User code"),
  password: x("密碼", "パスワード", "Password"),
  login: x("登入", "ログイン", "Log in"),
  fromBank: x("從網路銀行進入", "インターネットバンキングから", "From internet banking"),
  fromBankText: x(
    "已登入網路銀行者，請由網路銀行的「憑證管理」進入，不需再次輸入密碼。",
    "インターネットバンキングにログイン済みの方は、その「憑證管理」から入ると再入力は不要です。",
    "If you are logged in to internet banking, open the platform from its 憑證管理 link; no second login is needed.",
  ),
  handoffTitle: x("由網路銀行進入", "インターネットバンキングからの引継ぎ", "Opening from internet banking"),
  handoffWorking: x("正在確認網路銀行的登入資料…", "インターネットバンキングの引継ぎ情報を確認しています…", "Checking the hand-off from internet banking…"),
  handoffMissing: x("沒有收到網路銀行的登入資料。", "引継ぎ情報がありません。", "No hand-off was received."),
  toLogin: x("前往登入頁", "ログイン画面へ", "Go to the login page"),
  pwTitle: x("變更密碼", "パスワード変更", "Change your password"),
  pwLead: x("首次登入請先變更銀行核發的密碼。", "初回ログインのため、銀行から交付されたパスワードを変更してください。", "This is your first login: please replace the password the bank issued."),
  pwCurrent: x("目前密碼", "現在のパスワード", "Current password"),
  pwNew: x("新密碼", "新しいパスワード", "New password"),
  pwNewAgain: x("再次輸入新密碼", "新しいパスワード（確認）", "New password again"),
  pwHint: x("8～20 碼英數字，英文與數字皆須包含", "英数字8～20文字（英字と数字の両方）", "8–20 letters and digits, with both"),
  pwChange: x("確定變更", "変更する", "Change"),
  pwDone: x("密碼已變更。", "パスワードを変更しました。", "Your password has been changed."),
  loggedOut: x("您已登出憑證管理平台。", "ログアウトしました。", "You have logged out."),
  logoutTitle: x("登出", "ログアウト", "Logged out"),
  // ---- home ----
  homeTitle: x("憑證管理平台", "電子証明書管理プラットフォーム", "Certificate platform"),
  welcome: x("{name}（{userCode}）您好，請由左方選單選擇作業。", "{name}（{userCode}）様、左のメニューから操作を選んでください。", "Welcome, {name} ({userCode}). Choose an operation from the menu."),
  // ---- security component (AC-40) ----
  secTitle: x("安控元件檢查", "セキュリティ機能の確認", "Security component check"),
  secChecking: x("正在檢查瀏覽器的安控元件…", "ブラウザのセキュリティ機能を確認しています…", "Checking your browser's security component…"),
  secOk: x("安控元件已就緒。", "セキュリティ機能は利用可能です。", "The security component is ready."),
  secMissing: x("尚未安裝安控元件，請務必點選「安裝」。", "セキュリティ機能が不足しています。「インストール」を押して手順に従ってください。", "The security component is missing. Please press 「安裝」 (Install)."),
  secInstall: x("安裝", "インストール", "Install"),
  secSecure: x("安全連線（HTTPS）", "安全な接続（HTTPS）", "Secure connection (HTTPS)"),
  secCrypto: x("WebCrypto 演算法（{algorithm}、AES-GCM、PBKDF2）", "WebCrypto のアルゴリズム（{algorithm}、AES-GCM、PBKDF2）", "WebCrypto algorithms ({algorithm}, AES-GCM, PBKDF2)"),
  secIdb: x("瀏覽器資料庫（IndexedDB）", "ブラウザのデータベース（IndexedDB）", "Browser database (IndexedDB)"),
  secPersist: x("永久儲存空間", "永続ストレージ", "Persistent storage"),
  secYes: x("可使用", "利用可", "available"),
  secNo: x("不可使用", "利用不可", "missing"),
  secHowTitle: x("安裝說明（{browser}）", "インストール手順（{browser}）", "How to install ({browser})"),
  secHowUpdate: x("請將瀏覽器更新至最新版本（設定 → 關於），然後重新開啟本頁。", "ブラウザを最新版に更新し（設定 → バージョン情報）、このページを開き直してください。", "Update the browser to its latest version (Settings → About), then reopen this page."),
  secHowPrivate: x("請勿使用無痕／私密瀏覽視窗，並允許本網站儲存資料。", "シークレット／プライベートウィンドウを使わず、このサイトのデータ保存を許可してください。", "Do not use a private/incognito window, and allow this site to store data."),
  secHowHttps: x("請確認網址以 https:// 開頭。", "アドレスが https:// で始まることを確認してください。", "Make sure the address starts with https://."),
  secRetry: x("重新檢查", "再確認", "Check again"),
  // ---- wizard ----
  step1: x("選擇申請清單", "申請内容の選択", "Choose what to apply for"),
  step2: x("確認申請資訊", "申請内容の確認", "Confirm the application"),
  step3: x("申請約定條款", "約定条項", "Subscriber terms"),
  step4: x("取得申請結果", "申請結果", "Application result"),
  stepsLabel: x("申請步驟", "申請の手順", "Application steps"),
  stepOf: x("步驟 {n}／4", "手順 {n}／4", "Step {n} of 4"),
  profile: x("憑證種類", "電子証明書の種類", "Certificate type"),
  profileIndividual: x("個人網路銀行憑證", "個人インターネットバンキング用", "Individual internet banking"),
  profileFxml: x("FXML 企業憑證", "FXML 法人用", "FXML corporate"),
  notEligible: x("不可申請", "申請不可", "not available"),
  nothingToApply: x("目前沒有可申請的憑證。", "申請できる電子証明書はありません。", "There is nothing you can apply for now."),
  pendingNote: x("已有待下載的申請，請直接下載。", "ダウンロード待ちの申請があります。", "An application is waiting for download."),
  next: x("下一步", "次へ", "Next"),
  back: x("上一步", "戻る", "Back"),
  customer: x("客戶", "お客様", "Customer"),
  accept: x("本人已詳細審閱並同意上述約定條款", "上記の約定条項を読み、同意します", "I have read and accept these terms"),
  acceptLegend: x("約定條款", "約定条項", "Terms"),
  termsVersion: x("版本 {v}", "第 {v} 版", "version {v}"),
  submitApply: x("確定申請", "申請する", "Apply"),
  applied: x("申請完成，請下載憑證至憑證載具。", "申請が完了しました。電子証明書を媒体にダウンロードしてください。", "Applied. Now download the certificate into your carrier."),
  download: x("憑證下載", "電子証明書のダウンロード", "Download the certificate"),
  // ---- carrier ----
  carrier: x("憑證載具", "電子証明書媒体", "Certificate carrier"),
  carrierExisting: x("使用此瀏覽器的憑證載具（{cn}）", "このブラウザの媒体を使う（{cn}）", "Use this browser's carrier ({cn})"),
  carrierNew: x("建立新的憑證載具", "新しい媒体を作成", "Create a new carrier"),
  carrierPinLabel: x("憑證載具密碼", "電子証明書媒体のパスワード", "Carrier PIN"),
  carrierPinNew: x("設定憑證載具密碼", "媒体のパスワードを設定", "Set the carrier PIN"),
  carrierPinAgain: x("再次輸入憑證載具密碼", "媒体のパスワード（確認）", "Carrier PIN again"),
  carrierPinHint: x("4～16 碼半形英數字或符號", "半角英数字・記号4～16文字", "4–16 characters"),
  carrierPinMismatch: x("兩次輸入的憑證載具密碼不一致。", "媒体のパスワードが一致しません。", "The two carrier PINs differ."),
  carrierNone: x("此瀏覽器沒有憑證載具。", "このブラウザに媒体はありません。", "This browser has no carrier."),
  progressLabel: x("憑證下載進度", "ダウンロードの進捗", "Download progress"),
  pKey: x("於憑證載具產生金鑰", "媒体で鍵を生成", "Generating the key in the carrier"),
  pIssue: x("向憑證中心申請憑證", "認証局に発行を依頼", "Asking the CA for the certificate"),
  pStore: x("將憑證存入憑證載具", "電子証明書を媒体に保存", "Storing the certificate in the carrier"),
  pDone: x("完成", "完了", "Done"),
  confirm: x("確定", "確定", "OK"),
  // ---- renew ----
  renewLead: x("以下為可更新（展期）的憑證。請插入憑證載具並輸入憑證載具密碼。", "更新（展期）できる電子証明書です。媒体を選び、パスワードを入力してください。", "These certificates can be renewed. Choose the carrier and enter its PIN."),
  renewNone: x("目前沒有可更新的憑證（憑證到期前一個月內方可更新）。", "更新できる電子証明書はありません（有効期限の1か月前から更新できます）。", "No certificate can be renewed now (renewal opens one month before expiry)."),
  renewAction: x("更新", "更新", "Renew"),
  renewBackToList: x("回憑證更新清單選擇頁", "更新一覧へ戻る", "Back to the renewal list"),
  renewOpens: x("可更新期間：{from} ～ {to}", "更新可能期間：{from} ～ {to}", "Renewal window: {from} – {to}"),
  ediNext: x("前往憑證證明單列印", "証明書印刷へ", "Go to the proof sheet"),
  // ---- certificate fields ----
  serial: x("憑證序號", "シリアル番号", "Serial number"),
  subject: x("憑證主體", "サブジェクト", "Subject"),
  issuer: x("簽發者", "発行者", "Issuer"),
  validFrom: x("有效起日", "有効期間開始", "Valid from"),
  validTo: x("有效迄日", "有効期限", "Valid to"),
  status: x("狀態", "状態", "Status"),
  newestMark: x("（最新）", "（最新）", "(newest)"),
  noCerts: x("目前沒有憑證。", "電子証明書はありません。", "You have no certificates."),
  // ---- proof ----
  proofChoose: x("選擇憑證", "電子証明書の選択", "Choose the certificate"),
  proofShow: x("確定", "確定", "OK"),
  print: x("列印", "印刷", "Print"),
  pdf: x("下載 PDF", "PDF をダウンロード", "Download the PDF"),
  proofSheetTitle: x("憑證證明單", "電子証明書証明書", "Certificate proof sheet"),
  // ---- carrier PIN change ----
  pinOld: x("原憑證載具密碼", "現在の媒体パスワード", "Current carrier PIN"),
  pinNew: x("新憑證載具密碼", "新しい媒体パスワード", "New carrier PIN"),
  pinNewAgain: x("再次輸入新憑證載具密碼", "新しい媒体パスワード（確認）", "New carrier PIN again"),
  pinChange: x("確定變更", "変更する", "Change"),
  pinDone: x("憑證載具密碼已變更。", "媒体のパスワードを変更しました。", "The carrier PIN has been changed."),
  pinChooseCarrier: x("選擇憑證載具", "媒体の選択", "Choose the carrier"),
  // ---- suspend ----
  suspendLead: x("暫禁後此憑證將無法使用，僅能由往來分行恢復。", "一時停止すると、この電子証明書は使えなくなります。再開はお取引店でのみ行えます。", "A suspended certificate cannot be used; only your branch can resume it."),
  suspendChoose: x("選擇要暫禁的憑證", "一時停止する電子証明書", "Certificate to suspend"),
  suspendPassword: x("登入密碼", "ログインパスワード", "Login password"),
  suspendAction: x("確定暫禁", "一時停止する", "Suspend"),
  suspendDone: x("憑證已暫禁。", "電子証明書を一時停止しました。", "The certificate is suspended."),
  suspendNone: x("沒有可暫禁的憑證。", "一時停止できる電子証明書はありません。", "No certificate can be suspended."),
  suspendHow: x("確認方式", "確認方法", "Confirm with"),
  suspendByPassword: x("登入密碼", "ログインパスワード", "The login password"),
  suspendByCarrier: x("憑證載具密碼", "電子証明書媒体のパスワード", "The carrier PIN"),
  suspendNoCarrier: x("此瀏覽器沒有這張憑證的憑證載具，請以登入密碼確認。", "このブラウザにはこの電子証明書の媒体がありません。ログインパスワードで確認してください。", "This browser has no carrier for this certificate; confirm with the login password."),
  // ---- carrier backup / import (.pfx) ----
  backupLead: x(
    "將憑證載具（私密金鑰與憑證）備份為 .pfx 檔案，請妥善保管檔案及其密碼。",
    "電子証明書媒体（秘密鍵と電子証明書）を .pfx ファイルにバックアップします。ファイルとそのパスワードは大切に保管してください。",
    "Back up the carrier (private key and certificate) as a .pfx file. Keep the file and its password safe.",
  ),
  backupPassword: x("備份檔密碼", "バックアップファイルのパスワード", "Backup file password"),
  backupPasswordAgain: x("再次輸入備份檔密碼", "バックアップファイルのパスワード（確認）", "Backup file password again"),
  backupPasswordHint: x("4～10 碼", "4～10文字", "4–10 characters"),
  backupPasswordMismatch: x("兩次輸入的備份檔密碼不一致。", "バックアップファイルのパスワードが一致しません。", "The two backup file passwords differ."),
  backupAction: x("備份", "バックアップする", "Back up"),
  backupDone: x("備份檔已產生：", "バックアップファイルを作成しました：", "The backup file is ready:"),
  backupDownload: x("下載 {name}", "{name} をダウンロード", "Download {name}"),
  importTitle: x("由 .pfx 匯入憑證載具", ".pfx から媒体を取り込む", "Import a carrier from a .pfx"),
  importLink: x("由 .pfx 備份檔匯入憑證載具", ".pfx のバックアップから媒体を取り込む", "Import a carrier from a .pfx backup"),
  importFile: x("備份檔（.pfx）", "バックアップファイル（.pfx）", "Backup file (.pfx)"),
  importAction: x("匯入", "取り込む", "Import"),
  importNoFile: x("請選擇 .pfx 備份檔。", ".pfx ファイルを選んでください。", "Choose the .pfx file."),
  importForeign: x("此備份檔的憑證不是您的憑證，無法匯入。", "このファイルの電子証明書はお客様のものではないため、取り込めません。", "The certificate in this file is not one of yours; it cannot be imported."),
  importDone: x("已匯入憑證載具（{serial}）。", "媒体を取り込みました（{serial}）。", "The carrier has been imported ({serial})."),
} as const satisfies Record<string, Text>;

export type TwKey = keyof typeof TW;

export function tw(key: TwKey, params: Readonly<Record<string, string | number>> = {}): string {
  return TW[key][currentLocale()].replace(/\{(\w+)\}/g, (m, n: string) => (n in params ? String(params[n]) : m));
}

/** The FAQ: question and answer pairs. */
export const FAQ: readonly { q: Text; a: Text }[] = [
  {
    q: x("什麼是憑證載具？", "電子証明書媒体とは？", "What is the certificate carrier?"),
    a: x(
      "憑證載具是存放您私密金鑰的地方。本平台在瀏覽器內產生金鑰，並以憑證載具密碼加密保存，金鑰不會離開您的電腦。",
      "秘密鍵を保管する場所です。本プラットフォームではブラウザ内で鍵を生成し、媒体パスワードで暗号化して保存します。鍵がパソコンの外に出ることはありません。",
      "It keeps your private key. The platform generates the key in your browser and stores it encrypted under the carrier PIN; the key never leaves your computer.",
    ),
  },
  {
    q: x("憑證載具密碼輸入錯誤會怎樣？", "媒体パスワードを間違えると？", "What if I enter a wrong carrier PIN?"),
    a: x(
      "連續輸入錯誤達 5 次，憑證載具將被鎖定，須重新申請憑證。",
      "5回続けて間違えると媒体がロックされ、電子証明書の再申請が必要になります。",
      "After 5 wrong PINs in a row the carrier locks and you must apply for a new certificate.",
    ),
  },
  {
    q: x("何時可以更新憑證？", "いつ更新できますか？", "When can I renew?"),
    a: x("憑證到期前一個月內，可於[憑證更新]線上展期。", "有効期限の1か月前から［電子証明書の更新］で更新できます。", "From one month before expiry, under Renew a certificate."),
  },
  {
    q: x("憑證暫禁後如何恢復？", "一時停止した証明書を再開するには？", "How do I resume a suspended certificate?"),
    a: x("請攜帶身分證明文件至往來分行辦理恢復。", "本人確認書類をお持ちのうえ、お取引店で手続きしてください。", "Visit your branch with your ID to have it resumed."),
  },
  {
    q: x("換電腦時怎麼辦？", "パソコンを替えるときは？", "I am changing computers."),
    a: x("請於新電腦重新申請憑證，或由銀行協助辦理。", "新しいパソコンで電子証明書を申請し直してください。", "Apply for a new certificate on the new computer."),
  },
];
