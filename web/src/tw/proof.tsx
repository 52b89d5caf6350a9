/**
 * 憑證證明單列印 (F-TWB-PROOF, AC-42): the newest certificate pre-selected with the seed's note
 * not to change it, [確定] shows the sheet — the bank's title, 憑證證明單 and the fields in the
 * sheet's order as the API gives them — laid out for A4 (print CSS hides everything else),
 * [列印] prints it and the PDF comes from the API.
 */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { currentLocale } from "../app/i18n.js";
import { Select } from "../ui/fields.js";
import { ActionForm, useAction } from "../ui/form.js";
import { Actions, Loading, Notice, Screen } from "../ui/screen.js";
import { TW_API, textOf, twGet, type TwBank, type TwProof } from "./api.js";
import { useCertificates } from "./query.js";
import { tw } from "./texts.js";

const FIELD_ORDER = ["applicationDate", "serialHex", "subjectDn", "issuerDn", "validFrom", "validTo", "status"] as const;

function valueOf(s: TwProof, k: (typeof FIELD_ORDER)[number]): string {
  if (k === "applicationDate") return s.applicationDateRoc;
  if (k === "status") return s.statusLabel;
  return s[k];
}

function Sheet(props: { sheet: TwProof }): JSX.Element {
  const s = props.sheet;
  return (
    <article class="tw-sheet" aria-labelledby="sheet-title">
      <p class="tw-sheet-bank">{s.title}</p>
      <h2 id="sheet-title" class="tw-sheet-title">
        {s.labels.title ?? tw("proofSheetTitle")}
      </h2>
      <dl class="tw-sheet-fields">
        {FIELD_ORDER.map((k) => (
          <div class="tw-sheet-row" key={k}>
            <dt>{s.labels[k] ?? k}</dt>
            <dd class="tw-break" data-field={k}>
              {valueOf(s, k)}
            </dd>
          </div>
        ))}
      </dl>
    </article>
  );
}

export function TwProofPage(props: { code: string }): JSX.Element {
  const { list, error } = useCertificates();
  // The seed's note (TW-PROOF-NOTE) in the server's words, shown while the newest is selected.
  const [note, setNote] = useState("");
  useEffect(() => {
    twGet<TwBank>(`/banks/${props.code}`).then((b) => setNote(textOf(b.texts, "TW-PROOF-NOTE")), () => undefined);
  }, []);
  const [chosen, setChosen] = useState("");
  const [sheet, setSheet] = useState<TwProof | undefined>(undefined);
  const action = useAction();
  useEffect(() => {
    if (list && !chosen) setChosen(list.find((c) => c.newest)?.certificateId ?? list[0]?.certificateId ?? "");
  }, [list]);
  const newest = list?.find((c) => c.newest);
  return (
    <Screen title={tw("proof")} wide>
      {error ? <Notice kind="warn">{error.message}</Notice> : null}
      {!list && !error ? <Loading /> : null}
      {list && list.length === 0 ? <p>{tw("noCerts")}</p> : null}
      {list && list.length > 0 ? (
        <div class="tw-noprint">
          <ActionForm
            action={action}
            submit={tw("proofShow")}
            onSubmit={async () => {
              setSheet(await twGet<TwProof>(`/certificates/${chosen}/proof`));
            }}
          >
            {newest && note && chosen === newest.certificateId ? (
              <Notice kind="info">
                <p>{note}</p>
              </Notice>
            ) : null}
            <Select
              name="certificateId"
              label={tw("proofChoose")}
              value={chosen}
              onInput={(e) => {
                setChosen(e.currentTarget.value);
                setSheet(undefined);
              }}
              options={list.map((c) => [c.certificateId, `${c.serialHex}${c.newest ? ` ${tw("newestMark")}` : ""}`] as const)}
            />
          </ActionForm>
        </div>
      ) : null}
      {sheet ? (
        <>
          <Sheet sheet={sheet} />
          <div class="tw-noprint">
            <Actions>
              <button type="button" class="btn btn-primary" onClick={() => window.print()}>
                {tw("print")}
              </button>
              <a class="btn" href={`${TW_API}/certificates/${sheet.certificateId}/proof.pdf?lang=${encodeURIComponent(currentLocale())}`} download>
                {tw("pdf")}
              </a>
            </Actions>
          </div>
        </>
      ) : null}
    </Screen>
  );
}

