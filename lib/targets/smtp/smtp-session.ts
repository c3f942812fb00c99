// One SMTP session to the archive, on nodemailer's SMTPConnection: connect, STARTTLS (certificate
// verified), AUTH PLAIN or LOGIN, then any number of messages. Every failure is classified so the
// caller knows whether to retry, skip the message, give up, or treat a message as possibly sent.

import type { ConnectionOptions } from "node:tls";
import { Transform, type Readable } from "node:stream";
import SMTPConnection from "nodemailer/lib/smtp-connection";
import type { SmtpEndpoint } from "./smtp-endpoint.ts";

export type SmtpCredentials = { username: string; password: string };

export type SessionOptions = {
  target: SmtpEndpoint;
  credentials: SmtpCredentials;
  /** Extra TLS settings (a private CA for a CUSTOM relay; tests trust their self-signed certificate). */
  tls?: ConnectionOptions;
  /** The EHLO name; nodemailer's default (this host's name) when unset. */
  clientName?: string;
};

/**
 * - `transient`: retry later (refused, timeouts, dropped before the message was complete, 4xx);
 * - `permanent`: retrying cannot help (bad credentials, no STARTTLS, bad certificate, 5xx at connect);
 * - `rejected`: the server refused this message with a 5xx reply, others may still go through;
 * - `ambiguous`: the whole message was written and the connection failed before any reply: the
 *   server may or may not have accepted it (RFC 1047);
 * - `source`: the message's own stream failed (an attachment could not be read).
 */
export type FailureKind = "transient" | "permanent" | "rejected" | "ambiguous" | "source";

export class SmtpFailure extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly response?: string,
  ) {
    super(message);
    this.name = "SmtpFailure";
  }
}

type NodemailerError = Error & {
  code?: string;
  originalCode?: string;
  response?: string;
  responseCode?: number;
  timeoutType?: string;
  command?: string;
};

/** Removes the password (and the base64 forms AUTH sends) from anything shown or stored. */
export function redact(text: string, credentials: SmtpCredentials): string {
  const secrets = new Set<string>();
  const { username, password } = credentials;
  if (password) {
    secrets.add(password);
    secrets.add(Buffer.from(password, "utf8").toString("base64"));
    secrets.add(Buffer.from(`\0${username}\0${password}`, "utf8").toString("base64"));
    secrets.add(Buffer.from(`${username}\0${username}\0${password}`, "utf8").toString("base64"));
  }
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length))
    out = out.split(secret).join("********");
  return out;
}

function where(target: SmtpEndpoint): string {
  return `${target.host}:${target.port}`;
}

/** Turns a nodemailer error into a classified, readable failure without secrets. */
export function classify(
  error: unknown,
  phase: "connect" | "send",
  options: {
    target: SmtpEndpoint;
    credentials: SmtpCredentials;
    dataWritten?: boolean;
    awaitingGreeting?: boolean;
  },
): SmtpFailure {
  const err = (error instanceof Error ? error : new Error(String(error))) as NodemailerError;
  const at = where(options.target);
  const response = err.response
    ? redact(String(err.response).trim(), options.credentials)
    : undefined;
  const code = err.responseCode;
  const make = (message: string, kind: FailureKind) =>
    new SmtpFailure(redact(message, options.credentials), kind, response);

  if (err.code === "ESTREAM")
    return make(`the message could not be read: ${err.message}`, "source");
  if (err.code === "EAUTH") {
    // 454 and other 4xx answers to AUTH are temporary (RFC 4954); 535 and the rest need an admin.
    const temporary = code !== undefined && code >= 400 && code < 500;
    return make(
      `SMTP authentication at ${at} failed: ${response ?? err.message}`,
      temporary ? "transient" : "permanent",
    );
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|^ERR_TLS|^ERR_SSL/.test(err.originalCode ?? "")) {
    return make(
      `TLS with ${at} failed, the server's certificate is not trusted: ${err.message}`,
      "permanent",
    );
  }
  if (err.code === "ETLS") {
    const reason = response ? `the server answered STARTTLS with "${response}"` : err.message;
    return make(`STARTTLS with ${at} failed (TLS is required): ${reason}`, "permanent");
  }
  if (code !== undefined && code >= 500) {
    // The only recipient is the archive: refusing it refuses every email, a setting to fix.
    if (phase === "send" && err.command === "RCPT TO")
      return make(`${at} refused the archive address: ${response}`, "permanent");
    if (phase === "send") return make(`${at} rejected the message: ${response}`, "rejected");
    return make(`${at} refused the session: ${response}`, "permanent");
  }
  if (code !== undefined && code >= 400)
    return make(`${at} answered with a temporary failure: ${response}`, "transient");
  if (
    phase === "send" &&
    options.dataWritten &&
    (err.code === "ETIMEDOUT" || err.code === "ECONNECTION" || err.code === "ESOCKET")
  ) {
    const how =
      err.code === "ETIMEDOUT"
        ? `timeout waiting for ${at} to confirm the message`
        : `connection to ${at} lost before it confirmed the message`;
    return make(how, "ambiguous");
  }
  if (err.code === "ETIMEDOUT") {
    if (options.awaitingGreeting)
      return make(`timeout waiting for greeting from ${at}`, "transient");
    switch (err.timeoutType) {
      case "GREETING_TIMEOUT":
        return make(`timeout waiting for greeting from ${at}`, "transient");
      case "CONNECT_TIMEOUT":
        return make(`timeout connecting to ${at}`, "transient");
      default:
        return make(`timeout waiting for ${at} to answer`, "transient");
    }
  }
  if (err.originalCode === "ECONNREFUSED" || /ECONNREFUSED/.test(err.message))
    return make(`connection refused by ${at}`, "transient");
  if (err.code === "EDNS")
    return make(`cannot resolve ${options.target.host}: ${err.message}`, "transient");
  if (err.code === "ECONNECTION" || err.code === "ESOCKET")
    return make(`connection to ${at} lost: ${err.message}`, "transient");
  if (err.code === "EMESSAGE" || err.code === "EENVELOPE")
    return make(
      `${at} did not take the message: ${err.message}`,
      phase === "send" ? "rejected" : "permanent",
    );
  return make(`SMTP error with ${at}: ${err.message}`, "transient");
}

export type SendOutcome = { response: string; size: number };

/** A Transform that counts bytes and tells when its source has been read to the end. */
class Meter extends Transform {
  bytes = 0;
  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (error?: Error | null, data?: Buffer) => void,
  ): void {
    this.bytes += chunk.length;
    done(null, chunk);
  }
}

export class SmtpSession {
  private constructor(
    private readonly connection: SMTPConnection,
    private readonly options: SessionOptions,
    /** The last server reply of the handshake (the AUTH answer when signed in). */
    readonly handshakeReply: string,
    readonly secure: boolean,
  ) {}

  /** Connects, upgrades with STARTTLS and signs in; rejects with an SmtpFailure. */
  static async open(options: SessionOptions): Promise<SmtpSession> {
    const { target, credentials } = options;
    const connection = new SMTPConnection({
      host: target.host,
      port: target.port,
      secure: target.port === 465,
      requireTLS: target.requireTls,
      // Certificates are always verified; options.tls can add a CA, never switch checking off.
      tls: {
        minVersion: "TLSv1.2",
        ...(target.servername ? { servername: target.servername } : {}),
        ...options.tls,
        rejectUnauthorized: true,
      },
      name: options.clientName,
      connectionTimeout: target.timeoutMs,
      greetingTimeout: target.timeoutMs,
      socketTimeout: target.timeoutMs,
      dnsTimeout: target.timeoutMs,
      socketCloseTimeout: 1000,
      logger: false,
    });
    // Errors also reach the pending callback; without a listener an 'error' event would throw.
    connection.on("error", () => {});
    try {
      await settle(connection, (done) => connection.connect(() => done(null)));
      if (credentials.username) {
        if (!connection.allowsAuth)
          throw Object.assign(new Error(`the server does not offer SMTP AUTH`), { code: "EAUTH" });
        await settle(connection, (done) =>
          connection.login({ user: credentials.username, pass: credentials.password }, (err) =>
            done(err ?? null),
          ),
        );
      }
    } catch (error) {
      // Connected but nothing heard yet: the socket's idle timer may fire before the greeting timer.
      const awaitingGreeting = connection.stage === "connected" && !connection.lastServerResponse;
      connection.close();
      throw classify(error, "connect", { target, credentials, awaitingGreeting });
    }
    return new SmtpSession(
      connection,
      options,
      String(connection.lastServerResponse || ""),
      Boolean(connection.secure),
    );
  }

  get closed(): boolean {
    return this.connection.destroyed;
  }

  /**
   * Sends one message; resolves with the server's 2xx reply, rejects with an SmtpFailure. A
   * failure after the message's last byte went out, without any reply, is `ambiguous`.
   */
  async send(envelope: { from: string; to: string[] }, message: Readable): Promise<SendOutcome> {
    const meter = new Meter();
    let dataWritten = false;
    meter.once("end", () => {
      dataWritten = true;
    });
    message.once("error", (error) => meter.destroy(error));
    message.pipe(meter);
    try {
      const info = await settle<{ response?: string }>(this.connection, (done) =>
        this.connection.send(
          { from: envelope.from, to: envelope.to, use8BitMime: true },
          meter,
          (err, result) => done(err ?? null, result),
        ),
      );
      return {
        response: redact(String(info?.response ?? ""), this.options.credentials),
        size: meter.bytes,
      };
    } catch (error) {
      message.destroy();
      throw classify(error, "send", {
        target: this.options.target,
        credentials: this.options.credentials,
        dataWritten,
      });
    }
  }

  /** QUIT and wait (briefly) for the server to close. */
  async quit(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.connection.close();
        resolve();
      }, 2000);
      timer.unref();
      this.connection.once("end", () => {
        clearTimeout(timer);
        resolve();
      });
      this.connection.quit();
    });
  }

  close(): void {
    this.connection.close();
  }
}

/**
 * Runs one callback-style step; settles on its callback, or on an 'error' / 'end' of the
 * connection, whichever comes first (nodemailer reports some failures only as events).
 */
function settle<T>(
  conn: SMTPConnection,
  step: (done: (err: Error | null, value?: T) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let finished = false;
    const cleanup = () => {
      finished = true;
      conn.removeListener("error", onError);
      conn.removeListener("end", onEnd);
    };
    const onError = (err: Error) => {
      if (finished) return;
      cleanup();
      reject(err);
    };
    const onEnd = () => {
      if (finished) return;
      // Give a callback that is about to fire with the real error the first word.
      setImmediate(() => {
        if (finished) return;
        cleanup();
        reject(Object.assign(new Error("Connection closed unexpectedly"), { code: "ECONNECTION" }));
      });
    };
    conn.on("error", onError);
    conn.on("end", onEnd);
    step((err, value) => {
      if (finished) return;
      cleanup();
      if (err) reject(err);
      else resolve(value as T);
    });
  });
}
