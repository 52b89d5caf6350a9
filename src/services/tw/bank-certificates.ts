/**
 * The branch's certificate operations for TW customers (bank API): find a certificate by the
 * serial printed on the proof sheet, suspend it (certificateHold), resume it (only the branch
 * may: F-TWB-SUSPEND), revoke it with an RFC 5280 reason. The lifecycle services publish the
 * change to OCSP and the CRL before they return.
 */
import { and, desc, eq } from "drizzle-orm";
import { twError } from "../../domain/tw/messages.js";
import { twCertStatus, TW_STATUS_LABELS, type TwCertStatus } from "../../domain/tw/rules.js";
import type { LocalizedText } from "../../domain/errors.js";
import type { CrlReasonName } from "../../pki/revocation.js";
import type { ServiceContext } from "../../platform.js";
import { certificates, twCustomers } from "../../store/schema/index.js";
import { normalizeSerialHex, resumeCertificate, revokeCertificate, suspendCertificate, type CertificateRecord } from "../certificates.js";
import { assertBankRole, bankActorName, type BankActor } from "../corporate/bank-staff.js";
import type { PkiRuntime } from "../pki-runtime.js";
import { TW_OWNER_KIND } from "./certificates.js";
import { customerView, requireCustomer, type TwCustomerView } from "./customers.js";

export interface StaffCertificateView {
  certificateId: string;
  serialHex: string;
  subjectDn: string;
  customer: { identifier: string; name: string; kind: string };
  notBefore: string;
  notAfter: string;
  status: TwCertStatus;
  statusLabel: LocalizedText;
  revocationReason: number | null;
}

async function findTwCertificate(ctx: Pick<ServiceContext, "db">, actor: BankActor, serial: string) {
  let serialHex: string;
  try {
    serialHex = normalizeSerialHex(serial);
  } catch {
    throw twError("TW_CERT_NOT_FOUND", "not_found", { fields: ["serial"] });
  }
  const [row] = await ctx.db
    .select({ cert: certificates, customer: twCustomers })
    .from(certificates)
    .innerJoin(twCustomers, eq(twCustomers.id, certificates.ownerRef))
    .where(and(eq(certificates.institutionId, actor.institutionId), eq(certificates.ownerKind, TW_OWNER_KIND), eq(certificates.serialHex, serialHex)));
  if (!row) throw twError("TW_CERT_NOT_FOUND", "not_found", { fields: ["serial"] });
  return row;
}

function view(c: Pick<CertificateRecord, "id" | "serialHex" | "subjectDn" | "notBefore" | "notAfter" | "status" | "revocationReason">, customer: typeof twCustomers.$inferSelect, now: Date): StaffCertificateView {
  const status = twCertStatus(c.status, c.notAfter, now);
  return {
    certificateId: c.id,
    serialHex: c.serialHex,
    subjectDn: c.subjectDn,
    customer: { identifier: customer.identifier, name: customer.name, kind: customer.kind },
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    status,
    statusLabel: TW_STATUS_LABELS[status],
    revocationReason: c.revocationReason,
  };
}

export async function getTwCertificateBySerial(ctx: Pick<ServiceContext, "db" | "clock">, actor: BankActor, serial: string): Promise<StaffCertificateView> {
  const { cert, customer } = await findTwCertificate(ctx, actor, serial);
  return view(cert, customer, ctx.clock.now());
}

export type StaffCertificateOperation = { op: "suspend" } | { op: "resume" } | { op: "revoke"; reason: CrlReasonName | number };

export async function changeTwCertificateStatus(ctx: ServiceContext, runtime: PkiRuntime, actor: BankActor, serial: string, change: StaffCertificateOperation, note?: string): Promise<StaffCertificateView> {
  assertBankRole(actor, "HQ_OPERATOR", "BRANCH_OFFICER");
  const { cert, customer } = await findTwCertificate(ctx, actor, serial);
  const opts = { actor: bankActorName(actor), ...(note ? { note } : {}) };
  const updated =
    change.op === "suspend"
      ? await suspendCertificate(ctx, runtime, cert.id, opts)
      : change.op === "resume"
        ? await resumeCertificate(ctx, runtime, cert.id, opts)
        : await revokeCertificate(ctx, runtime, cert.id, change.reason, opts);
  return view(updated, customer, ctx.clock.now());
}

/** One customer with every certificate it holds, newest first (back office). */
export async function customerWithCertificates(ctx: Pick<ServiceContext, "db" | "clock">, actor: BankActor, identifier: string): Promise<{ customer: TwCustomerView; certificates: StaffCertificateView[] }> {
  const c = await requireCustomer(ctx.db, actor.institutionId, identifier);
  const rows = await ctx.db
    .select()
    .from(certificates)
    .where(and(eq(certificates.institutionId, actor.institutionId), eq(certificates.ownerKind, TW_OWNER_KIND), eq(certificates.ownerRef, c.id)))
    .orderBy(desc(certificates.createdAt));
  const now = ctx.clock.now();
  return { customer: await customerView(ctx.db, c), certificates: rows.map((r) => view(r, c, now)) };
}
