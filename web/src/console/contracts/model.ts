/** The contract answers of /api/bank/contracts (src/http/routes/bank.ts) as the screens read them. */
import type { BankRole } from "../api.js";

export interface Contract {
  contractId: string;
  companyName: string;
  applicationDate?: string;
  certWindowStart?: string;
  state: "REGISTERED" | "ACTIVE";
  lockedByBank?: boolean;
  lockCause?: string | null;
  incidentRegistered?: boolean;
  lockMode?: "LINKED" | "NON_LINKED";
  contractedServices?: string[];
  contractLimit?: number | null;
  adminEmail?: string | null;
  adminFailures?: number;
  locale?: string | null;
  activatedAt?: string | null;
  createdAt?: string;
}

export interface CardView {
  cardId: string;
  grid: Record<string, string>;
  printed: string;
  issuedAt: string;
}

export interface ContractDetail {
  contract: Contract;
  cards: { cardId: string; status: string; issuedAt?: string; revokedAt?: string | null }[];
  users: { total: number; activated?: number; suspended?: number };
  certificates: { certificateId: string; ownerKind?: string; userId?: string | null; cn: string; serialHex?: string; status: string; notAfter?: string }[];
}

export const SERVICES = ["BALANCE_INQUIRY", "STATEMENT_INQUIRY", "TRANSFER", "FILE_TRANSFER"] as const;

/** The operations of a contract's detail page: path segment, who may ask for it (the server decides again). */
export const OPERATIONS = {
  card: { roles: ["HQ_OPERATOR"] },
  "registration-pin": { roles: ["HQ_OPERATOR", "BRANCH_OFFICER"] },
  unlock: { roles: ["HQ_OPERATOR", "BRANCH_OFFICER"] },
  "reset-activation": { roles: ["HQ_OPERATOR", "BRANCH_OFFICER"] },
  incident: { roles: ["HQ_OPERATOR", "BRANCH_OFFICER"] },
  "incident-release": { roles: ["HQ_OPERATOR"] },
  "admin-certificate": { roles: ["HQ_OPERATOR", "BRANCH_OFFICER"] },
} as const satisfies Record<string, { roles: readonly BankRole[] }>;
export type Operation = keyof typeof OPERATIONS;
/** Operations the institution's dual control holds for a second person (the server's APPROVAL_KINDS). */
export const DUAL_CONTROLLED: ReadonlySet<Operation> = new Set<Operation>(["registration-pin", "unlock", "reset-activation", "admin-certificate"]);

/** The card a registration or reissue just returned: held in memory for the card page only, then dropped. */
let freshCard: { contractId: string; companyName: string; card: CardView } | undefined;
export function holdCard(c: NonNullable<typeof freshCard>): void {
  freshCard = c;
}
export function takeCard(contractId: string): NonNullable<typeof freshCard> | undefined {
  const c = freshCard?.contractId === contractId ? freshCard : undefined;
  freshCard = undefined;
  return c;
}
