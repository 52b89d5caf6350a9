/**
 * SMS gateways. The carrier is outside what Inkan can run, so there are two: a development sink
 * that keeps messages in memory (the OTP is read from it or from the outbox page), and an
 * adapter that posts JSON to a configurable HTTPS endpoint, the shape most SMS APIs take.
 */
import type { Logger } from "pino";
import { InkanError } from "../domain/errors.js";
import { DeliveryError } from "./errors.js";

export interface SmsMessage {
  /** E.164. */
  to: string;
  body: string;
  /** A stable reference of this message (the outbox row), sent as an idempotency key. */
  ref?: string;
}

export interface SmsGateway {
  send(m: SmsMessage): Promise<void>;
}

export interface DevSmsSink extends SmsGateway {
  readonly messages: readonly SmsMessage[];
  clear(): void;
}

/** "+819012345678" → "+81******5678", for log lines. */
export function maskPhone(to: string): string {
  return to.length <= 7 ? "*".repeat(to.length) : to.slice(0, 3) + "*".repeat(to.length - 7) + to.slice(-4);
}

/** Keeps messages in memory and logs that one arrived — not its text, which holds the code. */
export function devSmsSink(log?: Logger): DevSmsSink {
  const messages: SmsMessage[] = [];
  return {
    messages,
    async send(m: SmsMessage): Promise<void> {
      messages.push({ ...m });
      log?.info({ to: maskPhone(m.to), chars: m.body.length, ref: m.ref }, "SMS kept by the development sink (read it in the outbox)");
    },
    clear(): void {
      messages.length = 0;
    },
  };
}

export interface HttpSmsGatewayOptions {
  /** Endpoint receiving `POST {"to","body","ref"}` as JSON. */
  url: string;
  /** Sent as `Authorization: Bearer <token>`; never logged nor recorded. */
  token: string;
  timeoutMs?: number;
}

/**
 * Posts each SMS as JSON. A 2xx answer means accepted; anything else is a DeliveryError with
 * the status only — a gateway's error page may echo the request, and with it the code.
 */
export function httpSmsGateway(opts: HttpSmsGatewayOptions): SmsGateway {
  let endpoint: URL;
  try {
    endpoint = new URL(opts.url);
  } catch {
    throw new InkanError("NOTIFY_GATEWAY_URL_INVALID", "invalid", { fields: ["url"] });
  }
  if (endpoint.protocol !== "https:" && endpoint.protocol !== "http:") throw new InkanError("NOTIFY_GATEWAY_URL_INVALID", "invalid", { fields: ["url"] });
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return {
    async send(m: SmsMessage): Promise<void> {
      let res: Response;
      try {
        res = await fetch(endpoint, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: "application/json",
            authorization: `Bearer ${opts.token}`,
            ...(m.ref ? { "idempotency-key": m.ref } : {}),
          },
          body: JSON.stringify({ to: m.to, body: m.body, ref: m.ref }),
          signal: AbortSignal.timeout(timeoutMs),
          redirect: "error",
        });
      } catch (e) {
        const err = e as { name?: string; cause?: { code?: unknown } };
        if (err.name === "TimeoutError" || err.name === "AbortError") throw new DeliveryError("ETIMEDOUT", `SMS gateway did not answer within ${timeoutMs} ms`);
        const code = typeof err.cause?.code === "string" ? err.cause.code : "ECONNECTION";
        throw new DeliveryError(code, `SMS gateway unreachable (${code})`);
      }
      // Drain the body so the connection can be reused, without looking at it.
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new DeliveryError("EHTTP", `SMS gateway answered HTTP ${res.status}`);
    },
  };
}
