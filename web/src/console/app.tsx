/**
 * The bank's back-office console under /console (issue 11): loaded by the portal's entry with a
 * dynamic import only on /console paths, so none of it is in the customers' first page; each
 * section is a chunk of its own, loaded when opened.
 *
 * SECTIONS is the registry: a section is a path segment (/console/<path>/…), its menu title, the
 * roles that see it (the server checks every call again), optionally the institution kinds it
 * serves, and its lazily loaded component, which draws everything under its path from `rest`.
 * A new section is a new file and one line here. /console opens the first section the staff
 * member may use.
 */
import type { ComponentType, JSX } from "preact";
import { navigate } from "../app/router.js";
import type { Institution } from "../app/model.js";
import type { BankRole, ConsoleSession } from "./api.js";
import { ConsoleRoot } from "./shell.js";
import { CT, type Text } from "./texts.js";

export interface SectionProps {
  session: ConsoleSession;
  /** The institution's public facts (kind, time zone, help-desk number, default language). */
  inst: Institution;
  /** Path segments after /console/<section>. */
  rest: readonly string[];
  /** "/console/<section>": links inside the section start here. */
  base: string;
}

export interface ConsoleSection {
  path: string;
  title: Text;
  roles: readonly BankRole[];
  kinds?: readonly Institution["kind"][];
  load: () => Promise<{ default: ComponentType<SectionProps> }>;
}

/** The bank's own staff (CUSTOMER_SERVICE is a securities firm's role: it reaches the securities customers only). */
const STAFF: readonly BankRole[] = ["HQ_OPERATOR", "BRANCH_OFFICER", "AUDITOR"];

export const SECTIONS: readonly ConsoleSection[] = [
  { path: "contracts", title: CT.navContracts, roles: STAFF, kinds: ["JP_SHINKIN"], load: () => import("./contracts/section.js") },
  { path: "certificates", title: CT.navCertificates, roles: STAFF, load: () => import("./certificates/section.js") },
  { path: "approvals", title: CT.navApprovals, roles: STAFF, load: () => import("./approvals.js") },
  { path: "overview", title: CT.navOverview, roles: ["HQ_OPERATOR", "BRANCH_OFFICER", "AUDITOR"], load: () => import("./overview/section.js") },
  { path: "audit", title: CT.navAudit, roles: ["HQ_OPERATOR", "AUDITOR"], load: () => import("./audit/section.js") },
  { path: "outbox", title: CT.navOutbox, roles: ["HQ_OPERATOR", "BRANCH_OFFICER", "AUDITOR"], load: () => import("./outbox/section.js") },
  { path: "tw", title: CT.navTaiwan, roles: ["HQ_OPERATOR", "BRANCH_OFFICER", "AUDITOR"], kinds: ["TW_BANK"], load: () => import("./tw/section.js") },
  { path: "securities", title: CT.navSecurities, roles: ["HQ_OPERATOR", "BRANCH_OFFICER", "CUSTOMER_SERVICE"], kinds: ["TW_SECURITIES"], load: () => import("./securities/section.js") },
  { path: "staff", title: CT.navStaff, roles: ["HQ_OPERATOR"], load: () => import("./staff/section.js") },
];

/** The sections this staff member sees, in menu order. */
export function sectionsFor(role: BankRole, kind: Institution["kind"]): ConsoleSection[] {
  return SECTIONS.filter((s) => s.roles.includes(role) && (!s.kinds || s.kinds.includes(kind)));
}

export const CONSOLE = "/console";

// Links inside the console change the screen without a reload (the portal's router handles /portal).
document.addEventListener("click", (ev) => {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = (ev.target as Element | null)?.closest?.("a");
  if (!a || a.target || a.hasAttribute("download") || a.origin !== location.origin) return;
  if (a.pathname !== CONSOLE && !a.pathname.startsWith(`${CONSOLE}/`)) return;
  ev.preventDefault();
  navigate(a.pathname + a.search);
});

export function ConsoleApp(): JSX.Element {
  return <ConsoleRoot sections={SECTIONS} />;
}

export default ConsoleApp;
