/** 憑證查詢: every certificate of the customer, newest first, with the proof-sheet fields and 正常／暫禁／廢止／過期. */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { currentLocale } from "../app/i18n.js";
import { toShown, type ShownError } from "../app/errors.js";
import { Facts, Loading, Notice, Screen } from "../ui/screen.js";
import { twGet, type TwCertificate } from "./api.js";
import { tw } from "./texts.js";

export const statusText = (c: TwCertificate): string => c.statusLabel[currentLocale()] ?? c.statusLabel["zh-TW"] ?? c.status;

export function StatusBadge(props: { c: TwCertificate }): JSX.Element {
  const cls = props.c.status === "VALID" ? "badge" : props.c.status === "SUSPENDED" ? "badge badge-warn" : "badge badge-error";
  return (
    <span class={cls} data-status={props.c.status}>
      {statusText(props.c)}
    </span>
  );
}

export function CertFacts(props: { c: TwCertificate }): JSX.Element {
  const { c } = props;
  return (
    <Facts
      rows={[
        [tw("serial"), <span class="mono tw-break">{c.serialHex}</span>],
        [tw("subject"), <span class="tw-break">{c.subjectDn}</span>],
        [tw("issuer"), <span class="tw-break">{c.issuerDn}</span>],
        [tw("validFrom"), c.validFrom],
        [tw("validTo"), c.validTo],
        [tw("status"), <StatusBadge c={c} />],
      ]}
    />
  );
}

export function useCertificates(): { list: TwCertificate[] | undefined; error: ShownError | null; reload: () => void } {
  const [list, setList] = useState<TwCertificate[] | undefined>(undefined);
  const [error, setError] = useState<ShownError | null>(null);
  const reload = (): void => {
    twGet<{ certificates: TwCertificate[] }>("/certificates").then((r) => setList(r.certificates), (e) => setError(toShown(e)));
  };
  useEffect(reload, []);
  return { list, error, reload };
}

export function TwQuery(): JSX.Element {
  const { list, error } = useCertificates();
  return (
    <Screen title={tw("query")} wide>
      {error ? <Notice kind="warn">{error.message}</Notice> : null}
      {!list && !error ? <Loading /> : null}
      {list && list.length === 0 ? <p>{tw("noCerts")}</p> : null}
      {list?.map((c, i) => (
        <section class="tw-cert" key={c.certificateId} aria-labelledby={`cert-${i}`} data-serial={c.serialHex}>
          <h2 id={`cert-${i}`}>
            <span class="mono tw-break">{c.serialHex}</span> {c.newest ? tw("newestMark") : null}
          </h2>
          <CertFacts c={c} />
        </section>
      ))}
    </Screen>
  );
}
