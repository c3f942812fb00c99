// A real SMTP server on 127.0.0.1 for tests (the smtp-server package): STARTTLS with a self-signed
// certificate made at test time, AUTH PLAIN/LOGIN with a fixed user and password, a capture of
// every message (raw bytes, envelope, Message-ID, what the server answered), and fault injection:
// never greet, 535 on AUTH, no STARTTLS, drop the connection after N messages, and per-DATA
// actions (451 / 550 / 552, drop after the data without a reply, delay the reply).

import net from "node:net";
import type { Readable } from "node:stream";
import { SMTPServer, type SMTPServerSession } from "smtp-server";
import { testCertificate } from "./self-signed-certificate.ts";

export const TEST_SMTP_USER = "custodian-test";
export const TEST_SMTP_PASSWORD = "s3cret-smtp-password";

/** What happens to one DATA transaction. */
export type DataAction =
  | { kind: "accept" }
  | { kind: "reply"; code: number; message?: string }
  /** Read the whole message, then drop the connection without replying (the lost 250 of RFC 1047). */
  | { kind: "drop" }
  /** Read the whole message, then reply 250 after `ms` (if the client is still there). */
  | { kind: "delay"; ms: number };

export type DataContext = {
  /** 1-based count of DATA transactions over the server's lifetime. */
  index: number;
  messageId: string;
  /** 1-based count of connections; this transaction's connection. */
  connection: number;
  /** 1-based DATA count on this connection. */
  onConnection: number;
};

export type SmtpFaults = {
  /** Accept TCP connections but never send the greeting. */
  neverGreet?: boolean;
  /** Answer every AUTH with 535. */
  authFail?: boolean;
  /** Do not offer STARTTLS (and allow AUTH without it). */
  noStartTls?: boolean;
  /** Answer RCPT TO this address with 550 (an unknown archive mailbox). */
  rejectRecipient?: string;
  /** After this many messages on one connection, drop it when the next MAIL FROM arrives (once). */
  dropAfterMessages?: number;
  /** Decides each DATA transaction; undefined means accept. */
  onData?: (ctx: DataContext) => DataAction | undefined;
};

export type CapturedMessage = {
  raw: Buffer;
  mailFrom: string;
  rcptTo: string[];
  messageId: string;
  connection: number;
  dataIndex: number;
  /** accepted: 250 sent; rejected: 4xx/5xx sent; dropped: connection dropped after the data (the server kept it); abandoned: the client left before a delayed reply. */
  outcome: "accepted" | "rejected" | "dropped" | "abandoned";
};

export type TestSmtpServer = {
  host: string;
  port: number;
  /** PEM of the certificate to trust (tls: { ca }). */
  cert: string;
  user: string;
  password: string;
  faults: SmtpFaults;
  messages: CapturedMessage[];
  /** Messages the server kept: accepted, or dropped after a complete DATA. */
  delivered(): CapturedMessage[];
  /** Delivered copies per Message-ID. */
  deliveredCount(): Map<string, number>;
  stats: { connections: number; authAttempts: number; startTls: number; mailFrom: number };
  close(): Promise<void>;
};

/** A port on 127.0.0.1 that nothing listens on right now (for "connection refused"). */
export async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Helpers for SmtpFaults.onData. */
export const dataFaults = {
  /** Reply `code` to the DATA transactions with these indexes (each only the first time it is seen). */
  replyAt(
    indexes: number[],
    code: number,
    message = code >= 500 ? "Message rejected" : "Try again later",
  ): SmtpFaults["onData"] {
    const pending = new Set(indexes);
    return (ctx) => (pending.delete(ctx.index) ? { kind: "reply", code, message } : undefined);
  },
  /** Reply `code` to every copy of one message. */
  replyToMessage(
    messageId: string,
    code: number,
    message = "Message rejected",
  ): SmtpFaults["onData"] {
    return (ctx) => (ctx.messageId === messageId ? { kind: "reply", code, message } : undefined);
  },
  dropAt(index: number): SmtpFaults["onData"] {
    return (ctx) => (ctx.index === index ? { kind: "drop" } : undefined);
  },
  delayAt(index: number | "all", ms: number): SmtpFaults["onData"] {
    return (ctx) => (index === "all" || ctx.index === index ? { kind: "delay", ms } : undefined);
  },
};

function messageIdOf(raw: Buffer): string {
  const end = raw.indexOf("\r\n\r\n");
  const head = raw.subarray(0, end < 0 ? raw.length : end).toString("utf8");
  return /^Message-ID:\s*(<[^>\r\n]*>)/im.exec(head)?.[1] ?? "";
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startTestSmtpServer(
  options: { port?: number; faults?: SmtpFaults } = {},
): Promise<TestSmtpServer> {
  const { key, cert } = await testCertificate();
  const faults: SmtpFaults = options.faults ?? {};
  const messages: CapturedMessage[] = [];
  const stats = { connections: 0, authAttempts: 0, startTls: 0, mailFrom: 0 };
  const connectionOf = new Map<string, { number: number; messages: number; closed: boolean }>();
  let dataIndex = 0;

  const server: SMTPServer = new SMTPServer({
    key,
    cert,
    name: "custodian-test-smtp",
    authMethods: ["PLAIN", "LOGIN"],
    disableReverseLookup: true,
    closeTimeout: 200,
    socketTimeout: 10_000,
    logger: false,
    onConnect(session, callback) {
      stats.connections++;
      connectionOf.set(session.id, { number: stats.connections, messages: 0, closed: false });
      server.options.allowInsecureAuth = Boolean(faults.noStartTls);
      if (faults.noStartTls)
        (session as SMTPServerSession & { disabledCommands?: string[] }).disabledCommands = [
          "STARTTLS",
        ];
      if (faults.neverGreet) return; // the greeting is sent only once this callback runs
      callback();
    },
    onSecure(_socket, _session, callback) {
      stats.startTls++;
      callback();
    },
    onAuth(auth, _session, callback) {
      stats.authAttempts++;
      if (
        faults.authFail ||
        auth.username !== TEST_SMTP_USER ||
        auth.password !== TEST_SMTP_PASSWORD
      ) {
        return callback(
          Object.assign(new Error("5.7.8 Authentication credentials invalid"), {
            responseCode: 535,
          }),
        );
      }
      callback(null, { user: auth.username });
    },
    onMailFrom(_address, session, callback) {
      stats.mailFrom++;
      const conn = connectionOf.get(session.id);
      if (
        faults.dropAfterMessages !== undefined &&
        conn &&
        conn.messages >= faults.dropAfterMessages
      ) {
        faults.dropAfterMessages = undefined;
        return dropConnection(session);
      }
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (faults.rejectRecipient !== undefined && address.address === faults.rejectRecipient) {
        return callback(
          Object.assign(
            new Error("5.1.1 <" + address.address + ">: Recipient address rejected: User unknown"),
            { responseCode: 550 },
          ),
        );
      }
      callback();
    },
    onClose(session) {
      const conn = connectionOf.get(session.id);
      if (conn) conn.closed = true;
    },
    onData(stream, session, callback) {
      const conn = connectionOf.get(session.id)!;
      readAll(stream).then(
        (raw) => {
          dataIndex++;
          conn.messages++;
          const capture: CapturedMessage = {
            raw,
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            messageId: messageIdOf(raw),
            connection: conn.number,
            dataIndex,
            outcome: "accepted",
          };
          messages.push(capture);
          const action = faults.onData?.({
            index: dataIndex,
            messageId: capture.messageId,
            connection: conn.number,
            onConnection: conn.messages,
          }) ?? { kind: "accept" };
          switch (action.kind) {
            case "accept":
              return callback(null, "2.0.0 Ok: queued");
            case "reply":
              capture.outcome = action.code >= 400 ? "rejected" : "accepted";
              return callback(
                Object.assign(new Error(action.message ?? "Error"), { responseCode: action.code }),
              );
            case "drop":
              capture.outcome = "dropped";
              return dropConnection(session);
            case "delay":
              setTimeout(() => {
                if (conn.closed) capture.outcome = "abandoned";
                callback(null, "2.0.0 Ok: queued");
              }, action.ms).unref();
              return;
          }
        },
        (error: Error) => callback(error),
      );
    },
  });

  function dropConnection(session: SMTPServerSession): void {
    for (const c of server.connections) {
      const connection = c as unknown as { id: string; _socket?: net.Socket };
      if (connection.id === session.id) connection._socket?.destroy();
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.removeListener("error", reject);
      resolve();
    });
  });
  server.on("error", () => {}); // client-side resets are expected in fault tests
  const port = (server.server.address() as net.AddressInfo).port;

  const delivered = () =>
    messages.filter((m) => m.outcome === "accepted" || m.outcome === "dropped");
  return {
    host: "127.0.0.1",
    port,
    cert,
    user: TEST_SMTP_USER,
    password: TEST_SMTP_PASSWORD,
    faults,
    messages,
    delivered,
    deliveredCount: () => {
      const counts = new Map<string, number>();
      for (const m of delivered()) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
      return counts;
    },
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of server.connections)
          (c as unknown as { _socket?: net.Socket })._socket?.destroy();
        server.close(() => resolve());
      }),
  };
}
