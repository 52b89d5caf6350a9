/**
 * 操作說明 (the seed's own structure [001 L1–169]): 說明, 一、憑證查詢及申請, 二、憑證匯出及匯入,
 * 三、刪除瀏覽器憑證, 四、憑證展期 — told for this browser-based tool, with links to each screen.
 */
import type { JSX } from "preact";
import { currentLocale, type Locale } from "../app/i18n.js";
import { Screen } from "../ui/screen.js";
import { textOf } from "./api.js";
import { secPath, useFirm } from "./shell.js";
import { sec } from "./texts.js";

interface Section {
  id: string;
  title: string;
  steps: string[];
  link?: readonly [string, string];
}

function sections(l: Locale, contact: string, s01: string): Section[] {
  const zh = l === "zh-TW";
  const ja = l === "ja";
  const pick = (z: string, j: string, e: string): string => (zh ? z : ja ? j : e);
  return [
    {
      id: "notes",
      title: pick("說明", "はじめに", "Before you start"),
      steps: [
        pick(`執行憑證申請，需先做手機門號綁定，請致電本公司客服人員（${contact}）。`, `証明書を申請するには、先に携帯電話番号の登録が必要です。カスタマーサービス（${contact}）へお電話ください。`, `To apply you need a bound mobile number: call customer service (${contact}).`),
        pick(`電子下單出現「${s01}」時，無需登入下單，直接開啟本工具申請或匯入憑證。`, `電子注文で「${s01}」と表示されたら、注文にログインせず、このツールで証明書を申請または取り込んでください。`, `If electronic ordering says “${s01}”, open this tool (no ordering login needed) and apply for or import a certificate.`),
        pick("若遺失登入密碼，您可透過【密碼中心】以手機簡訊驗證碼重設密碼。", "パスワードを忘れた場合は［パスワードセンター］で SMS の認証コードを使って再設定できます。", "If you lose the login password, reset it in the password centre with an SMS code."),
      ],
      link: ["password", sec("pwTitle")],
    },
    {
      id: "apply",
      title: pick("一、憑證查詢與申請", "1. 証明書の照会と申請", "1. Status and application"),
      steps: [
        pick("輸入身分證字號及登入密碼後，點選【登入】，畫面顯示主機端及此瀏覽器的憑證狀態。", "身分証番号とパスワードを入力して［ログイン］を押すと、ホスト側とこのブラウザの証明書の状態が表示されます。", "Log in with your national ID number and password: the host's and this browser's certificate statuses are shown."),
        pick("點選【申請】→【發送認證碼】，手機收到簡訊後，輸入參考碼之後的 6 位數字（180 秒內），點選【申請憑證】。", "［申請］→［認証コード送信］を押し、SMS の参照番号に続く6桁を180秒以内に入力して［証明書を申請］を押します。", "Press Apply → Send code, type the 6 digits after the reference in the SMS within 180 s and press Apply for the certificate."),
        pick("閱讀 CA 憑證申請同意書，設定憑證密碼（4～10 碼），點選【我同意】；憑證在此瀏覽器產生並存入，約 5~20 秒。", "CA の申請同意書を読み、証明書パスワード（4～10文字）を設定して［同意する］を押します。証明書はこのブラウザで作成・保存されます（5～20秒）。", "Read the CA consent, set a certificate password (4–10 characters) and press I agree; the certificate is made and stored in this browser (5–20 s)."),
        pick("申請成功後可點選【備份】將憑證備份，或點選【取消】完成申請作業。", "完了後、［バックアップ］で証明書を保存するか、［キャンセル］で終了します。", "Then press Back up to save a copy, or Cancel to finish."),
      ],
      link: ["home", sec("queryApply")],
    },
    {
      id: "export",
      title: pick("二、憑證匯出及匯入", "2. 証明書の書き出しと取り込み", "2. Export and import"),
      steps: [
        pick("憑證申請成功，建議將憑證匯出至隨身碟備份。若要在其他電腦或瀏覽器下單，請利用憑證匯出及匯入功能。", "申請後は USB メモリなどへ書き出してバックアップしてください。別のパソコンやブラウザで注文するときは書き出しと取り込みを使います。", "Back the certificate up to a USB stick after applying; to order from another computer or browser, export here and import there."),
        pick("【憑證匯出(備份)】：輸入憑證密碼，設定匯出密碼（4～10 碼，輸入兩次），點選【確定匯出】後存檔；檔名預設為身分證字號-日期.pfx。", "［証明書の書き出し］：証明書パスワードを入力し、書き出しパスワード（4～10文字、2回）を設定して［書き出す］を押し、保存します。ファイル名は「身分証番号-日付.pfx」です。", "Export: type the certificate password, set an export password (4–10 characters, twice), press Export and save; the file is named <ID>-<date>.pfx."),
        pick("【憑證匯入】：於其他電腦選擇憑證檔案，輸入匯出時設定的密碼，點選【匯入憑證】，出現「憑證已成功匯入此瀏覽器」。", "［証明書の取り込み］：別のパソコンでファイルを選び、書き出し時のパスワードを入力して［取り込む］を押します。", "Import: on the other computer choose the file, type the export password and press Import."),
      ],
      link: ["backup", sec("export")],
    },
    {
      id: "remove",
      title: pick("三、刪除瀏覽器憑證", "3. ブラウザの証明書の削除", "3. Removing the certificate from the browser"),
      steps: [
        pick("若您於公用電腦使用憑證，申請完憑證或下單後可使用【移除憑證】刪除憑證。", "共用のパソコンでは、申請や注文の後に［証明書の削除］で削除できます。", "On a shared computer, use Remove the certificate after applying or ordering."),
        pick("刪除後，該電腦將無法進行下單的動作，必須再重新執行憑證匯入。", "削除すると、そのパソコンでは証明書を取り込み直すまで注文できません。", "After that, this computer cannot place orders until the certificate is imported again."),
      ],
      link: ["remove", sec("remove")],
    },
    {
      id: "renew",
      title: pick("四、憑證展期", "4. 証明書の更新", "4. Renewal"),
      steps: [
        pick("憑證為一年期，憑證將到期一個月內（狀態顯示「憑證即將過期」）可登入本工具點選【展期】，以簡訊驗證碼展期。", "証明書の有効期間は1年です。期限の1か月前から（状態が「有効期限が近づいています」のとき）、ログインして［更新］を押し、SMS の認証コードで更新できます。", "Certificates last one year. In the last month (status: expiring soon) log in and press Renew; renewal uses an SMS code too."),
        pick("新憑證取代此瀏覽器中的舊憑證，舊憑證於新憑證存入後停用；請重新備份。", "新しい証明書がこのブラウザの古い証明書に置き換わり、古い証明書は失効します。バックアップも取り直してください。", "The new certificate replaces the old one in this browser, and the old one is revoked; make a new backup."),
      ],
    },
  ];
}

export function SecHelp(props: { code: string }): JSX.Element {
  const firm = useFirm(props.code);
  const list = sections(currentLocale(), firm?.contact ?? "", textOf(firm, "MSG-S01"));
  return (
    <Screen title={sec("help")}>
      <nav aria-label={sec("help")}>
        <ul class="sec-links">
          {list.map((s) => (
            <li key={s.id}>
              <a href={`#help-${s.id}`} target="_self">{s.title}</a>
            </li>
          ))}
        </ul>
      </nav>
      {list.map((s) => (
        <section key={s.id} id={`help-${s.id}`} aria-labelledby={`help-${s.id}-title`}>
          <h2 id={`help-${s.id}-title`}>{s.title}</h2>
          <ol>
            {s.steps.map((step, i) => (
              <li key={i}>{step}</li>
            ))}
          </ol>
          {s.link ? (
            <p>
              <a href={secPath(props.code, s.link[0])}>{s.link[1]}</a>
            </p>
          ) : null}
        </section>
      ))}
    </Screen>
  );
}
