/**
 * Sending one e-mail over SMTP with nodemailer. One connection per message (no pool): the
 * deliverer sends in small batches, and a pooled connection that the server dropped during an
 * outage would only add a failure mode. Japanese and Chinese text goes out as UTF-8 (RFC 2047
 * subject, base64 or quoted-printable body), which nodemailer chooses per message.
 */
import nodemailer from "nodemailer";

export interface MailMessage {
  /** Defaults to the transport's sender. */
  from?: string;
  to: string;
  subject: string;
  text: string;
  /** A stable reference of this message (the outbox row): becomes the Message-ID, so a retry after an unclear failure can be recognised as the same mail. */
  ref?: string;
}

export interface MailTransport {
  send(m: MailMessage): Promise<void>;
  /** Releases sockets; optional. */
  close?(): void;
}

export interface SmtpOptions {
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
}

function domainOf(address: string): string {
  const at = address.lastIndexOf("@");
  return at >= 0 ? address.slice(at + 1).replace(/[^A-Za-z0-9.-]/g, "") || "inkan.invalid" : "inkan.invalid";
}

/**
 * An SMTP transport from a URL such as `smtp://user:pass@mail.example:587` or
 * `smtps://mail.example:465` (INKAN_SMTP_URL). Errors are nodemailer's, with `code`
 * ("ECONNECTION", "EENVELOPE", "EAUTH"…) and the server's reply; the deliverer records them
 * through describeDeliveryError, which keeps credentials and the message text out.
 */
export function smtpTransport(url: string, from: string, opts: SmtpOptions = {}): MailTransport {
  const transporter = nodemailer.createTransport({
    url,
    pool: false,
    connectionTimeout: opts.connectionTimeoutMs ?? 10_000,
    greetingTimeout: opts.greetingTimeoutMs ?? 10_000,
    socketTimeout: opts.socketTimeoutMs ?? 30_000,
    dnsTimeout: 10_000,
    // The logger would print envelopes and, at debug level, message content.
    logger: false,
    debug: false,
  });
  return {
    async send(m: MailMessage): Promise<void> {
      const sender = m.from ?? from;
      await transporter.sendMail({
        from: sender,
        // An address object, not a string nodemailer would parse for several recipients.
        to: { name: "", address: m.to },
        subject: m.subject,
        text: m.text,
        messageId: m.ref ? `<${m.ref}@${domainOf(sender)}>` : undefined,
        headers: { "Auto-Submitted": "auto-generated" },
        disableFileAccess: true,
        disableUrlAccess: true,
      });
    },
    close(): void {
      transporter.close();
    },
  };
}
