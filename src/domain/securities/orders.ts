/**
 * 電子下單: what the certificate key signs for an order, byte for byte, shared by the server and
 * the browser bundle (no Node imports). The text names the site, a single-use challenge nonce,
 * the certificate and every field of the order, so a signature cannot be moved to another
 * order, account or site, nor replayed.
 */

export const ORDER_SIGNING_VERSION = "inkan-order/1";

export interface OrderFields {
  stockCode: string;
  side: "BUY" | "SELL";
  /** Shares (1 – 999,999; a board lot is 1,000). */
  quantity: number;
  /** Limit price in NTD as a decimal string with at most 2 decimals ("612.5"). */
  limitPrice: string;
}

export const STOCK_CODE = /^[0-9A-Z]{4,6}$/;
export const LIMIT_PRICE = /^(0|[1-9]\d{0,5})(\.\d{1,2})?$/;

/** The first field that is not acceptable, or null. */
export function orderProblem(o: Partial<Record<keyof OrderFields, unknown>>): keyof OrderFields | null {
  if (typeof o.stockCode !== "string" || !STOCK_CODE.test(o.stockCode)) return "stockCode";
  if (o.side !== "BUY" && o.side !== "SELL") return "side";
  if (typeof o.quantity !== "number" || !Number.isInteger(o.quantity) || o.quantity < 1 || o.quantity > 999_999) return "quantity";
  if (typeof o.limitPrice !== "string" || !LIMIT_PRICE.test(o.limitPrice) || Number(o.limitPrice) <= 0) return "limitPrice";
  return null;
}

export function orderSigningText(input: { origin: string; nonce: string; nationalId: string; serialHex: string } & OrderFields): string {
  return [ORDER_SIGNING_VERSION, input.origin, input.nonce, input.nationalId, input.serialHex.toLowerCase(), input.stockCode, input.side, String(input.quantity), input.limitPrice].join("\n");
}

export function orderSigningMessage(input: Parameters<typeof orderSigningText>[0]): Uint8Array {
  return new TextEncoder().encode(orderSigningText(input));
}
