// A loopback SMTP server for notification tests: plain SMTP on 127.0.0.1 (no TLS), optional AUTH
// (recorded), every accepted message parsed with mailparser. It can be stopped and started again
// on the same port, to play a mail server that is down for a while.
import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export type CapturedMail = {
  envelopeFrom: string;
  envelopeTo: string[];
  mail: ParsedMail;
  raw: Buffer;
};
export type CapturedAuth = { username: string; password: string };

export class LoopbackSmtp {
  readonly messages: CapturedMail[] = [];
  readonly auths: CapturedAuth[] = [];
  port = 0;
  private server: SMTPServer | undefined;

  /** Listens on 127.0.0.1 (the previous port when restarting, else a free one). */
  async start(): Promise<number> {
    const server = new SMTPServer({
      secure: false,
      disabledCommands: ["STARTTLS"],
      authOptional: true,
      allowInsecureAuth: true,
      logger: false,
      onAuth: (auth, _session, cb) => {
        this.auths.push({ username: auth.username ?? "", password: auth.password ?? "" });
        cb(null, { user: auth.username });
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("error", cb);
        stream.on("end", () => {
          const raw = Buffer.concat(chunks);
          simpleParser(raw).then(
            (mail) => {
              this.messages.push({
                envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
                envelopeTo: session.envelope.rcptTo.map((r) => r.address),
                mail,
                raw,
              });
              cb();
            },
            (e: Error) => cb(e),
          );
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.server = server;
    this.port = (server as unknown as { server: { address(): AddressInfo } }).server.address().port;
    return this.port;
  }

  /** Stops listening; connections are then refused. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The messages received so far, and forgets them. */
  take(): CapturedMail[] {
    return this.messages.splice(0);
  }
}
