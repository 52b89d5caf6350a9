/**
 * A real SMTP server in the test process (smtp-server on 127.0.0.1), collecting what arrives
 * and decoding it as a mail client would: unfolded headers, RFC 2047 subject, base64 or
 * quoted-printable body. It can refuse mail (a 4xx/5xx answer at a chosen step) and go down and
 * come back on the same port, to play an outage.
 */
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerDataStream } from "smtp-server";
import { bounded } from "./wait.js";

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: Buffer;
  /** Lower-case header name → values, unfolded and still encoded. */
  headers: Map<string, string[]>;
  subject: string;
  /** The decoded body, line ends as LF. */
  text: string;
  messageId: string | undefined;
}

export interface SmtpFailure {
  /** The step that is refused: the greeting, MAIL FROM, RCPT TO or the end of DATA. */
  at: "connect" | "mail" | "rcpt" | "data";
  code: number;
  message?: string;
}

export interface TestSmtpServer {
  readonly port: number;
  /** `smtp://127.0.0.1:<port>` (with the credentials when the server requires them). */
  readonly url: string;
  readonly messages: ReceivedMail[];
  /** Refuse from now on (undefined: accept again). */
  failWith(f: SmtpFailure | undefined): void;
  /** Stops listening and drops open connections; `start()` listens again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Resolves when at least n messages have arrived; fails the test if they do not (bounded wait). */
  waitFor(n: number): Promise<void>;
  close(): Promise<void>;
}

function smtpError(f: SmtpFailure): Error {
  return Object.assign(new Error(f.message ?? (f.code >= 500 ? "Requested action not taken" : "Service not available, try again later")), {
    responseCode: f.code,
  });
}

export async function startSmtpServer(opts: { failWith?: SmtpFailure; auth?: { user: string; pass: string } } = {}): Promise<TestSmtpServer> {
  let failure = opts.failWith;
  const messages: ReceivedMail[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let server: SMTPServer | undefined;
  let port = 0;

  const refuse = (at: SmtpFailure["at"], cb: (err?: Error | null) => void): boolean => {
    if (failure?.at !== at) return false;
    cb(smtpError(failure));
    return true;
  };

  const make = (): SMTPServer =>
    new SMTPServer({
      secure: false,
      logger: false,
      disabledCommands: opts.auth ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
      authOptional: !opts.auth,
      allowInsecureAuth: true,
      closeTimeout: 50,
      disableReverseLookup: true,
      size: 10 * 1024 * 1024,
      onAuth(auth, _session, cb) {
        if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) return cb(null, { user: auth.username });
        cb(Object.assign(new Error("Authentication credentials invalid"), { responseCode: 535 }));
      },
      onConnect(_session, cb) {
        if (!refuse("connect", cb)) cb();
      },
      onMailFrom(_address, _session, cb) {
        if (!refuse("mail", cb)) cb();
      },
      onRcptTo(_address, _session, cb) {
        if (!refuse("rcpt", cb)) cb();
      },
      onData(stream: SMTPServerDataStream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          if (refuse("data", cb)) return;
          const raw = Buffer.concat(chunks);
          const mailFrom = session.envelope.mailFrom;
          messages.push(parseMail(raw, mailFrom ? mailFrom.address : "", session.envelope.rcptTo.map((r) => r.address)));
          for (const w of [...waiters]) {
            if (messages.length >= w.n) {
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve();
            }
          }
          cb();
        });
      },
    });

  const start = async (): Promise<void> => {
    if (server) return;
    const s = make();
    s.on("error", () => undefined); // a refused client's socket error is not the test's concern
    s.listen(port, "127.0.0.1");
    await once(s.server, "listening");
    port = (s.server.address() as AddressInfo).port;
    server = s;
  };
  const stop = async (): Promise<void> => {
    const s = server;
    server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await start();
  const creds = opts.auth ? `${encodeURIComponent(opts.auth.user)}:${encodeURIComponent(opts.auth.pass)}@` : "";
  return {
    get port() {
      return port;
    },
    get url() {
      return `smtp://${creds}127.0.0.1:${port}`;
    },
    messages,
    failWith(f) {
      failure = f;
    },
    stop,
    start,
    waitFor(n) {
      if (messages.length >= n) return Promise.resolve();
      return bounded(`${n} mails at the test SMTP server`, new Promise((resolve) => waiters.push({ n, resolve })));
    },
    close: stop,
  };
}

// ---- decoding, enough for single-part text mail ----

function unfoldHeaders(head: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  const lines = head.split(/\r?\n/);
  const joined: string[] = [];
  for (const l of lines) {
    if (/^[ \t]/.test(l) && joined.length) joined[joined.length - 1] += l;
    else joined.push(l);
  }
  for (const l of joined) {
    const i = l.indexOf(":");
    if (i <= 0) continue;
    const name = l.slice(0, i).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), l.slice(i + 1).trim()]);
  }
  return headers;
}

function qpBytes(s: string, underscoreIsSpace: boolean): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === "=" && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === "_" && underscoreIsSpace) out.push(0x20);
    else out.push(c.charCodeAt(0) & 0xff); // the text is latin1: one character per byte
  }
  return Buffer.from(out);
}

/** RFC 2047: adjacent encoded words join (their bytes, so a character split between two survives). */
export function decodeMimeWords(value: string): string {
  const word = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g;
  let out = "";
  let pending: { charset: string; bytes: Buffer[] } | undefined;
  let last = 0;
  const flush = (): void => {
    if (pending) out += new TextDecoder(pending.charset.split("*")[0]).decode(Buffer.concat(pending.bytes));
    pending = undefined;
  };
  for (let m = word.exec(value); m; m = word.exec(value)) {
    const between = value.slice(last, m.index);
    if (!(pending && /^\s*$/.test(between))) {
      flush();
      out += between;
    }
    const charset = (m[1] as string).toLowerCase();
    const bytes = (m[2] as string).toUpperCase() === "B" ? Buffer.from(m[3] as string, "base64") : qpBytes(m[3] as string, true);
    if (pending && pending.charset === charset) pending.bytes.push(bytes);
    else {
      flush();
      pending = { charset, bytes: [bytes] };
    }
    last = m.index + m[0].length;
  }
  flush();
  return out + value.slice(last);
}

export function parseMail(raw: Buffer, from: string, to: string[]): ReceivedMail {
  const s = raw.toString("latin1");
  const sep = s.search(/\r?\n\r?\n/);
  const head = sep < 0 ? s : s.slice(0, sep);
  const bodyRaw = sep < 0 ? "" : s.slice(sep).replace(/^\r?\n\r?\n/, "");
  const headers = unfoldHeaders(head);
  const contentType = (headers.get("content-type")?.[0] ?? "text/plain").toLowerCase();
  if (contentType.startsWith("multipart/")) throw new Error("test SMTP decoder handles single-part mail only");
  const charset = /charset="?([^";\s]+)"?/.exec(contentType)?.[1] ?? "utf-8";
  const cte = (headers.get("content-transfer-encoding")?.[0] ?? "7bit").toLowerCase();
  let bytes: Buffer;
  if (cte === "base64") bytes = Buffer.from(bodyRaw.replace(/\s+/g, ""), "base64");
  else if (cte === "quoted-printable") bytes = qpBytes(bodyRaw.replace(/=\r?\n/g, ""), false);
  else bytes = Buffer.from(bodyRaw, "latin1");
  return {
    from,
    to,
    raw,
    headers,
    subject: decodeMimeWords(headers.get("subject")?.[0] ?? ""),
    text: new TextDecoder(charset).decode(bytes).replace(/\r\n/g, "\n"),
    messageId: headers.get("message-id")?.[0],
  };
}
