/**
 * The overview (/console/overview): the figures a branch manager looks at — contracts by state,
 * locks today, certificates by status, certificates expiring per week for the next 12 weeks (an
 * SVG bar chart described for screen readers, with the same figures as a table), and the mail /
 * SMS that failed. GET /api/bank/overview.
 */
import "../desks.css";
import type { JSX } from "preact";
import { formatDate, formatDateTime } from "../../app/i18n.js";
import { LinkButton, Screen } from "../../ui/screen.js";
import { useLoaded } from "../../ui/status.js";
import { bankGet } from "../api.js";
import type { SectionProps } from "../app.js";
import { Loaded } from "../ui.js";
import { ox } from "./texts.js";

interface Overview {
  asOf: string;
  timeZone: string;
  contracts: { REGISTERED: number; ACTIVE: number; locked: number; incident: number };
  locksToday: number;
  certificates: { VALID: number; SUSPENDED: number; REVOKED: number; EXPIRED: number };
  expiringByWeek: { from: string; to: string; count: number }[];
  outbox: { failed: number; pending: number };
}

type Tile = readonly [label: string, value: number, alert?: boolean];

function Tiles(props: { title: string; tiles: readonly Tile[]; id: string }): JSX.Element {
  return (
    <section aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      <ul class="desk-tiles">
        {props.tiles.map(([label, value, alert]) => (
          <li key={label} class={alert && value > 0 ? "desk-tile desk-tile-alert" : "desk-tile"}>
            <span class="desk-tile-value">{value.toLocaleString()}</span>
            {label}
          </li>
        ))}
      </ul>
    </section>
  );
}

const W = 480;
const H = 200;
const PAD = { left: 32, right: 8, top: 12, bottom: 36 };

/** The 12-week chart: bars drawn with SVG attributes (no style attribute: the CSP forbids inline styles). */
function ExpiryChart(props: { weeks: Overview["expiringByWeek"]; tz: string }): JSX.Element {
  const { weeks, tz } = props;
  const max = Math.max(1, ...weeks.map((w) => w.count));
  const total = weeks.reduce((s, w) => s + w.count, 0);
  const plotH = H - PAD.top - PAD.bottom;
  const slot = (W - PAD.left - PAD.right) / weeks.length;
  const short = (iso: string): string => formatDate(iso, tz).replace(/^\d{4}[/年-]\s?/, "");
  return (
    <section aria-labelledby="expiry-title">
      <h2 id="expiry-title">{ox("expiring")}</h2>
      <svg class="desk-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="expiry-svg-title expiry-svg-desc">
        <title id="expiry-svg-title">{ox("expiring")}</title>
        <desc id="expiry-svg-desc">{ox("chartDesc", { n: total, max: Math.max(0, ...weeks.map((w) => w.count)) })}</desc>
        <line class="axis" x1={PAD.left} y1={PAD.top + plotH} x2={W - PAD.right} y2={PAD.top + plotH} />
        <text x={PAD.left - 4} y={PAD.top + 4} text-anchor="end">
          {max}
        </text>
        <text x={PAD.left - 4} y={PAD.top + plotH} text-anchor="end">
          0
        </text>
        {weeks.map((w, i) => {
          const h = Math.round((w.count / max) * plotH);
          const x = PAD.left + i * slot + slot * 0.15;
          return (
            <g key={w.from}>
              <rect class="bar" x={x} y={PAD.top + plotH - h} width={slot * 0.7} height={h}>
                <title>{ox("barTitle", { from: formatDate(w.from, tz), n: w.count })}</title>
              </rect>
              {w.count > 0 ? (
                <text x={x + slot * 0.35} y={PAD.top + plotH - h - 3} text-anchor="middle">
                  {w.count}
                </text>
              ) : null}
              <text x={x + slot * 0.35} y={H - PAD.bottom + 14} text-anchor="middle">
                {short(w.from)}
              </text>
            </g>
          );
        })}
      </svg>
      <details>
        <summary>{ox("asTable")}</summary>
        <div class="table-wrap">
          <table class="console-table">
            <caption>{ox("expiring")}</caption>
            <thead>
              <tr>
                <th scope="col">{ox("week")}</th>
                <th scope="col">{ox("count")}</th>
              </tr>
            </thead>
            <tbody>
              {weeks.map((w) => (
                <tr key={w.from}>
                  <th scope="row">{formatDate(w.from, tz)}</th>
                  <td>{w.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}

export default function OverviewSection(props: SectionProps): JSX.Element {
  const { data, error } = useLoaded(() => bankGet<Overview>("/overview"), []);
  const tz = data?.timeZone ?? props.inst.timeZone;
  return (
    <Screen title={ox("title")} lead={data ? ox("lead", { at: formatDateTime(data.asOf, tz), tz }) : undefined} wide>
      <Loaded data={data} error={error}>
        {(data) => (
            <>
              {props.inst.kind === "JP_SHINKIN" ? (
                <Tiles
                  id="ov-contracts"
                  title={ox("contracts")}
                  tiles={[
                    [ox("REGISTERED"), data.contracts.REGISTERED],
                    [ox("ACTIVE"), data.contracts.ACTIVE],
                    [ox("locked"), data.contracts.locked, true],
                    [ox("incident"), data.contracts.incident, true],
                  ]}
                />
              ) : null}
              <Tiles id="ov-locks" title={ox("locksToday")} tiles={[[ox("locksTodayHint"), data.locksToday, true]]} />
              <Tiles
                id="ov-certs"
                title={ox("certificates")}
                tiles={[
                  [ox("VALID"), data.certificates.VALID],
                  [ox("SUSPENDED"), data.certificates.SUSPENDED, true],
                  [ox("REVOKED"), data.certificates.REVOKED],
                  [ox("EXPIRED"), data.certificates.EXPIRED],
                ]}
              />
              <ExpiryChart weeks={data.expiringByWeek} tz={tz} />
              <Tiles
                id="ov-outbox"
                title={ox("outbox")}
                tiles={[
                  [ox("failed"), data.outbox.failed, true],
                  [ox("pending"), data.outbox.pending],
                ]}
              />
              {data.outbox.failed > 0 ? <LinkButton href="/console/outbox?status=failed">{ox("toOutbox")}</LinkButton> : null}
            </>
        )}
      </Loaded>
    </Screen>
  );
}
