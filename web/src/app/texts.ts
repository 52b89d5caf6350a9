/**
 * Screen wording in ja, zh-TW and en. Screen and menu names are the seeds' (SPEC §8: 開通確認,
 * 電子証明書取得, ご契約先ステータス, 利用者情報登録／変更, 資金移動確認, 送信完了 …) in Japanese;
 * seed messages (MSG-J..) are not here but in src/domain/corporate/messages.ts, used verbatim.
 */
interface Text {
  readonly ja: string;
  readonly "zh-TW": string;
  readonly en: string;
}
const x = (ja: string, zh: string, en: string): Text => ({ ja, "zh-TW": zh, en });

export const TEXTS = {
  // ---- frame ----
  appName: x("インターネットバンキング", "網路銀行", "Internet banking"),
  skipToContent: x("本文へ移動", "跳至主要內容", "Skip to content"),
  language: x("表示言語", "顯示語言", "Language"),
  contactLine: x("お問合せ窓口：{contact}", "客服專線：{contact}", "Help desk: {contact}"),
  loading: x("読み込み中…", "載入中…", "Loading…"),
  processing: x("処理中…", "處理中…", "Working…"),
  back: x("戻る", "返回", "Back"),
  next: x("次へ", "下一步", "Next"),
  ok: x("OK", "確定", "OK"),
  cancel: x("キャンセル", "取消", "Cancel"),
  required: x("必須", "必填", "required"),
  optional: x("任意", "選填", "optional"),
  showPin: x("暗証番号を表示する", "顯示密碼", "Show PIN"),
  yes: x("はい", "是", "Yes"),
  no: x("いいえ", "否", "No"),
  close: x("閉じる", "關閉", "Close"),
  errorTitle: x("エラー", "錯誤", "Error"),
  whatNext: x("このあとの操作", "接下來的步驟", "What to do next"),
  stepOf: x("手順 {n} / {total}", "步驟 {n} / {total}", "Step {n} of {total}"),
  notFoundTitle: x("ページが見つかりません", "找不到頁面", "Page not found"),
  notFoundBody: x("お探しのページは見つかりませんでした。", "找不到您要的頁面。", "The page you are looking for does not exist."),
  toTop: x("トップページへ", "回到首頁", "To the top page"),
  unknownBank: x("この金融機関はご利用いただけません。", "此金融機構無法使用本服務。", "This bank is not served here."),

  // ---- home ----
  homeTitle: x("法人インターネットバンキング", "法人網路銀行", "Corporate internet banking"),
  homeLead: x("ご利用になる方を選択してください。", "請選擇使用者身分。", "Choose who you are."),
  roleAdmin: x("管理者", "管理者", "Administrator"),
  roleUser: x("利用者", "使用者", "User"),
  adminTopTitle: x("管理者ログオン", "管理者登入", "Administrator logon"),
  userTopTitle: x("利用者ログオン", "使用者登入", "User logon"),
  adminTopLead: x(
    "はじめてご利用の場合は「開通確認」、続いて「電子証明書取得」を行ってください。2回目以降は「ログオン」からご利用ください。",
    "首次使用時，請先進行「開通確認」，再進行「取得電子憑證」。第二次起請由「登入」使用。",
    "First time: do Activation, then Certificate acquisition. From then on, use Log on.",
  ),
  userTopLead: x(
    "はじめてご利用の場合は「電子証明書取得」を行ってから「ログオン」してください（初回ログオン時に開通確認を行います）。",
    "首次使用時，請先「取得電子憑證」後再「登入」（首次登入時會進行開通確認）。",
    "First time: acquire your certificate, then log on (the first logon includes your activation).",
  ),
  actActivation: x("開通確認", "開通確認", "Activation"),
  actCertificate: x("電子証明書取得", "取得電子憑證", "Certificate acquisition"),
  actLogon: x("ログオン", "登入", "Log on"),
  actLogoff: x("ログオフ", "登出", "Log off"),
  actActivationHint: x("はじめてのご利用時、またはロック解除後に行います。", "首次使用或解除鎖定後進行。", "At first use, or after a lock has been released."),
  actCertificateHint: x("このパソコンのブラウザに電子証明書を取得します。", "將電子憑證取得至本電腦的瀏覽器。", "Puts your certificate into this computer's browser."),
  actLogonHint: x("電子証明書を選択してログオンします。", "選擇電子憑證登入。", "Select your certificate and log on."),
  browserCertsLink: x("このブラウザの電子証明書", "本瀏覽器的電子憑證", "Certificates in this browser"),

  // ---- fields ----
  contractId: x("ご契約先ID", "契約客戶ID", "Contract ID"),
  contractIdHint: x("お客様カードに記載の{length}桁の番号", "客戶卡上的{length}位號碼", "The {length}-digit number on your customer card"),
  registrationPin: x("ご契約先暗証番号（登録用4桁）", "契約客戶密碼（登錄用4位數）", "Contract PIN (4-digit registration PIN)"),
  registrationPinAgain: x("ご契約先登録用暗証番号（再入力）", "契約客戶登錄用密碼（再次輸入）", "Registration PIN (again)"),
  adminLoginPin: x("ご契約先暗証番号", "契約客戶密碼", "Contract PIN"),
  adminConfirmPin: x("ご契約先確認暗証番号", "契約客戶確認密碼", "Contract confirmation PIN"),
  newAdminLoginPin: x("新しいご契約先暗証番号", "新的契約客戶密碼", "New contract PIN"),
  newAdminConfirmPin: x("新しいご契約先確認暗証番号", "新的契約客戶確認密碼", "New contract confirmation PIN"),
  pinRuleHint: x("半角英数字6～12桁（英字と数字を組み合わせてください。大文字・小文字は区別されます）", "6～12碼半形英數字（須同時包含英文字母與數字，區分大小寫）", "6–12 letters and digits, both required (case-sensitive)"),
  tempPinRuleHint: x("半角英数字4～12桁。利用者が開通確認で変更する仮の暗証番号です", "4～12碼半形英數字。使用者於開通確認時會變更的臨時密碼", "4–12 letters or digits: a temporary PIN the user replaces at activation"),
  adminEmail: x("管理者Eメールアドレス", "管理者電子郵件地址", "Administrator e-mail address"),
  email: x("Eメールアドレス", "電子郵件地址", "E-mail address"),
  currentPin: x("現在の暗証番号", "目前的密碼", "Current PIN"),
  newPin: x("新しい暗証番号", "新的密碼", "New PIN"),
  newPinAgain: x("新しい暗証番号（確認用）", "新的密碼（確認用）", "New PIN (again)"),
  cardOtp: x("確認用パスワード", "確認用密碼", "Card password"),
  cardOtpHint: x(
    "お客様カードの「{label}」欄の数字を、表示の順に続けて入力してください（半角数字{digits}桁）。",
    "請依顯示順序，連續輸入客戶卡「{label}」欄位的數字（{digits}位半形數字）。",
    "Type the numbers in the boxes {label} of your customer card, in this order ({digits} digits).",
  ),
  cardOtpAsk: x("お客様カードの {label} の数字", "客戶卡 {label} 的數字", "Card boxes {label}"),

  // ---- activation ----
  activationTitle: x("開通確認", "開通確認", "Activation"),
  activationStep1: x("ご契約先IDと、お申込み時に届け出た4桁のご契約先暗証番号を入力してください。", "請輸入契約客戶ID，以及申請時登記的4位數契約客戶密碼。", "Enter your contract ID and the 4-digit PIN you registered when applying."),
  activationStep2: x("{company} 様　新しい暗証番号とEメールアドレスを設定してください。", "{company}　請設定新的密碼與電子郵件地址。", "{company}: set your new PINs and e-mail address."),
  activationStep3: x("お客様カードの確認用パスワードを入力してください。", "請輸入客戶卡的確認用密碼。", "Enter the password from your customer card."),
  activationDone: x("電子証明書取得へ進む", "前往取得電子憑證", "Go on to certificate acquisition"),
  advice: x("ご注意", "注意事項", "Please note"),

  // ---- certificate acquisition ----
  certTitle: x("電子証明書取得", "取得電子憑證", "Certificate acquisition"),
  certLeadAdmin: x("ご契約先IDと暗証番号を入力してください。電子証明書はこのパソコンのこのブラウザに格納され、他のパソコンではご利用になれません。", "請輸入契約客戶ID與密碼。電子憑證將存放於本電腦的此瀏覽器，無法在其他電腦使用。", "Enter your contract ID and PINs. The certificate is kept in this browser on this computer and cannot be used on any other."),
  certLeadUser: x("ご契約先ID、利用者IDと暗証番号を入力してください。はじめての場合は管理者から通知された仮の暗証番号です。電子証明書はこのパソコンのこのブラウザに格納され、他のパソコンではご利用になれません。", "請輸入契約客戶ID、使用者ID與密碼。首次使用時為管理者通知的臨時密碼。電子憑證將存放於本電腦的此瀏覽器，無法在其他電腦使用。", "Enter your contract ID, user ID and PINs (the temporary ones from your administrator the first time). The certificate is kept in this browser on this computer and cannot be used on any other."),
  certStart: x("取得", "取得", "Acquire"),
  certStepKey: x("鍵ペアの生成（このブラウザ内で生成し、外部に出しません）", "產生金鑰對（於此瀏覽器內產生，不會外流）", "Generating the key pair (inside this browser; it never leaves)"),
  certStepInstall: x("電子証明書の格納", "存放電子憑證", "Storing the certificate"),
  certDoneCn: x("電子証明書（CN）：{cn}", "電子憑證（CN）：{cn}", "Certificate (CN): {cn}"),
  certDoneValidity: x("有効期限：{date}", "有效期限：{date}", "Valid until: {date}"),
  certNextLogon: x("ログオンへ進む", "前往登入", "Go on to log on"),
  certFailed: x("電子証明書を取得できませんでした。", "無法取得電子憑證。", "The certificate could not be acquired."),

  // ---- certificate selection ----
  pickTitle: x("電子証明書の選択", "選擇電子憑證", "Select a certificate"),
  pickLead: x("ログオンに使用する電子証明書を選択して「OK」を押してください。", "請選擇要用來登入的電子憑證，然後按「確定」。", "Select the certificate to log on with and press OK."),
  pickLegend: x("このブラウザの電子証明書", "本瀏覽器的電子憑證", "Certificates in this browser"),
  pickNone: x("このパソコンのブラウザには、ご利用いただける電子証明書がありません。", "本電腦的瀏覽器中沒有可使用的電子憑證。", "There is no usable certificate in this computer's browser."),
  pickNoneNext: x("電子証明書を取得したパソコン・ブラウザでログオンしてください。パソコンを変更した場合は、電子証明書を取得し直してください（利用者の方は管理者に再発行を依頼してください）。", "請使用取得電子憑證的電腦及瀏覽器登入。若已更換電腦，請重新取得電子憑證（使用者請洽管理者重新發行）。", "Log on from the computer and browser where you acquired the certificate. If you changed computers, acquire it again (users: ask your administrator for a reissue first)."),
  colCn: x("発行先（CN）", "憑證主體（CN）", "Issued to (CN)"),
  colIssuer: x("発行者", "發行者", "Issuer"),
  colValidity: x("有効期間", "有效期間", "Validity"),
  colStatus: x("状態", "狀態", "Status"),
  colSerial: x("シリアル番号", "序號", "Serial number"),
  colKind: x("保管方法", "保管方式", "Kept as"),
  statusValid: x("有効", "有效憑證", "Valid"),
  statusExpiring: x("更新期間中", "憑證即將過期", "Renewal due"),
  statusExpired: x("有効期限切れ", "已過期", "Expired"),
  statusNotYet: x("有効期間前", "尚未生效", "Not yet valid"),
  kindDevice: x("このパソコン専用（書き出し不可）", "僅限本電腦（不可匯出）", "This computer only (cannot be exported)"),
  kindCarrier: x("暗証番号で保護", "以密碼保護", "PIN-protected"),
  validityRange: x("{from} ～ {to}", "{from} ～ {to}", "{from} – {to}"),
  pinTitle: x("暗証番号の入力", "輸入密碼", "Enter your PIN"),
  cardTitle: x("確認用パスワードの入力", "輸入確認用密碼", "Card password"),
  loginAs: x("{company} 様（{cn}）", "{company}（{cn}）", "{company} ({cn})"),
  logonTitle: x("ログオン", "登入", "Log on"),

  // ---- admin status and menus ----
  adminStatusTitle: x("ご契約先ステータス", "契約客戶狀態", "Contract status"),
  companyHonorific: x("{company} 様", "{company}", "{company}"),
  menuTitle: x("メニュー", "選單", "Menu"),
  menuManage: x("ご契約先管理情報変更", "契約客戶管理資訊變更", "Contract management"),
  menuUsers: x("利用者情報登録／変更", "使用者資訊登錄／變更", "Register / change users"),
  menuAuth: x("ご契約先認証情報変更", "契約客戶驗證資訊變更", "Contract credentials"),
  menuLoginPin: x("ご契約先暗証番号変更", "契約客戶密碼變更", "Change contract PIN"),
  menuConfirmPin: x("ご契約先確認暗証番号変更", "契約客戶確認密碼變更", "Change contract confirmation PIN"),
  menuEmail: x("管理者Eメールアドレス変更", "管理者電子郵件地址變更", "Change administrator e-mail"),
  lockMode: x("利用中止方式", "停用方式", "Lock mode"),
  lockLinked: x("利用中止連動式", "停用連動式", "Linked"),
  lockNonLinked: x("利用中止非連動式", "停用非連動式", "Not linked"),
  services: x("ご契約サービス", "契約服務", "Contracted services"),
  activatedAt: x("開通確認日時", "開通確認時間", "Activated at"),
  adminCert: x("管理者電子証明書", "管理者電子憑證", "Administrator certificate"),
  usersCount: x("利用者：{total}名（開通済 {activated}名、利用中止 {suspended}名、上限 {max}名）", "使用者：{total}名（已開通 {activated}名、已停用 {suspended}名、上限 {max}名）", "Users: {total} ({activated} activated, {suspended} suspended, at most {max})"),
  renewalBanner: x("電子証明書の有効期限（{date}）が近づいています。有効期限までに電子証明書を更新してください。", "電子憑證的有效期限（{date}）即將到期，請於到期前更新電子憑證。", "Your certificate expires on {date}. Please renew it before then."),
  renewalAction: x("電子証明書更新", "更新電子憑證", "Renew the certificate"),
  loggedOffTitle: x("ログオフしました", "已登出", "You have logged off"),
  logonAgain: x("再度ログオンする", "重新登入", "Log on again"),
  svc_BALANCE_INQUIRY: x("残高照会", "餘額查詢", "Balance inquiry"),
  svc_STATEMENT_INQUIRY: x("入出金明細照会", "存提款明細查詢", "Statement inquiry"),
  svc_TRANSFER: x("振込・振替", "匯款・轉帳", "Transfers"),
  svc_FILE_TRANSFER: x("総合振込・給与振込（ファイル伝送）", "整批匯款・薪資轉帳（檔案傳送）", "Bulk and payroll transfers (file)"),

  // ---- settings ----
  pinChanged: x("暗証番号を変更しました。", "密碼已變更。", "Your PIN has been changed."),
  emailChanged: x("Eメールアドレスを変更しました：{email}", "電子郵件地址已變更：{email}", "Your e-mail address is now {email}."),
  newEmail: x("新しいEメールアドレス", "新的電子郵件地址", "New e-mail address"),
  change: x("変更", "變更", "Change"),
  toStatus: x("ステータス画面へ戻る", "返回狀態畫面", "Back to the status page"),

  // ---- error next steps ----
  nextContactBank: x("お取引店またはお問合せ窓口（{contact}）へご連絡ください。ロックの解除後、管理者の方は「開通確認」からやり直してください。", "請聯絡往來分行或客服窗口（{contact}）。解除鎖定後，管理者請從「開通確認」重新操作。", "Contact your branch or the help desk ({contact}). Once the lock is released, the administrator redoes Activation."),
  nextContactBranch: x("お取引店またはお問合せ窓口（{contact}）へご連絡ください。", "請聯絡往來分行或客服窗口（{contact}）。", "Contact your branch or the help desk ({contact})."),
  nextContactAdmin: x("管理者の方にご連絡ください。管理者が「利用者情報登録／変更」で利用中止解除・暗証番号の再設定・電子証明書の再発行を行います。", "請聯絡管理者。管理者將於「使用者資訊登錄／變更」解除停用、重設密碼或重新發行電子憑證。", "Contact your administrator, who can lift the suspension, set your PINs again or reissue your certificate under Register / change users."),
  nextActivate: x("管理者ログオン画面の「開通確認」から開通確認を行ってください。", "請由管理者登入畫面的「開通確認」進行開通確認。", "Do Activation from the administrator logon page."),
  nextWait: x("15分ほどお待ちいただいてから、再度開通確認を行ってください。", "請等候約15分鐘後，再重新進行開通確認。", "Wait about 15 minutes, then do Activation again."),
  nextLogonAgain: x("もう一度ログオンしてください。", "請重新登入。", "Please log on again."),
  nextReacquire: x("電子証明書を取得し直してください（利用者の方は管理者に再発行を依頼してください）。", "請重新取得電子憑證（使用者請洽管理者重新發行）。", "Acquire your certificate again (users: ask your administrator for a reissue first)."),
  nextRetryLater: x("しばらくしてから再度お試しください。解決しない場合はお問合せ窓口（{contact}）へご連絡ください。", "請稍後再試。若問題仍未解決，請聯絡客服窗口（{contact}）。", "Please try again later. If it goes on, contact the help desk ({contact})."),
  nextCloseBrowser: x("ブラウザをすべて閉じてから、再度操作を行ってください。", "請關閉所有瀏覽器視窗後，再重新操作。", "Close all browser windows, then start again."),
} as const satisfies Record<string, Text>;

export type TextKey = keyof typeof TEXTS;
