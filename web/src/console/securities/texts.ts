/** Words of the console's securities customers desk in ja, zh-TW and en. */
import { say, x } from "../texts.js";

export const SX = {
  title: x("証券の顧客", "證券客戶", "Securities customers"),
  lead: x("電子証明書ツールをご利用のお客さまの登録・検索・ロック解除・携帯電話番号の設定を行います。", "辦理憑證工具客戶的登錄、查詢、解除鎖定及手機號碼設定。", "Register and find the certificate tool's customers, unlock them and bind their mobile number."),
  q: x("身分証番号（前方一致）または氏名", "身分證字號（開頭相符）或姓名", "National ID (starts with) or name"),
  nationalId: x("身分証番号", "身分證字號", "National ID"),
  name: x("氏名", "姓名", "Name"),
  mobile: x("携帯電話番号", "手機號碼", "Mobile number"),
  mobileHint: x("09 で始まる 10 桁（+8869… も可）", "09 開頭 10 碼（亦可 +8869…）", "10 digits starting with 09 (or +8869…)"),
  mobileOptional: x("携帯電話番号（任意）", "手機號碼（選填）", "Mobile number (optional)"),
  locale: x("お知らせの言語", "通知語言", "Language of notices"),
  state: x("状態", "狀態", "State"),
  locked: x("ロック中（{n} 回誤り）", "已鎖定（錯誤 {n} 次）", "Locked ({n} wrong)"),
  active: x("利用可", "可使用", "Can sign in"),
  unbound: x("未設定", "未設定", "Not bound"),
  lastLogin: x("最終ログイン", "最後登入", "Last sign-in"),
  registerTitle: x("顧客の登録", "客戶登錄", "Register a customer"),
  register: x("登録する", "登錄", "Register"),
  registered: x("{id} を登録しました。初期パスワード（この画面でのみ表示。お客さまにお渡しください）", "已登錄 {id}。初始密碼（僅於此畫面顯示，請交付客戶）", "{id} is registered. The initial password (shown only now; hand it to the customer)"),
  unlock: x("ロック解除", "解除鎖定", "Unlock"),
  unlockText: x("パスワードの誤りでロックされたログインを解除します。", "解除因密碼錯誤而鎖定的登入。", "Releases the login locked by wrong passwords."),
  unlocked: x("ロックを解除しました。", "已解除鎖定。", "The login is unlocked."),
  bind: x("携帯電話番号の設定・変更（BO-7）", "綁定／變更手機號碼（BO-7）", "Bind or change the mobile number (BO-7)"),
  bindText: x(
    "ご本人確認のうえ設定してください。変更前の番号には通知の SMS が届き、発行済みの SMS コードは無効になります。",
    "請於確認客戶身分後設定。原號碼將收到通知簡訊，已發送的簡訊驗證碼將失效。",
    "Identify the customer first. The old number gets a notice SMS; codes already sent stop working.",
  ),
  save: x("設定する", "設定", "Save"),
  bound: x("携帯電話番号を {m} に設定しました。", "已將手機號碼設定為 {m}。", "The mobile number is now {m}."),
  note: x("メモ（監査証跡に残ります）", "備註（記錄於稽核軌跡）", "Note (kept in the audit trail)"),
  back: x("検索に戻る", "返回查詢", "Back to the search"),
  newCustomer: x("新しい顧客を登録", "登錄新客戶", "Register a new customer"),
};

export const sx = (key: keyof typeof SX, params?: Readonly<Record<string, string | number>>): string => say(SX[key], params);
