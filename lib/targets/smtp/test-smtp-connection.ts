// "Test connection" for the Global Relay settings: connect, STARTTLS, AUTH and QUIT, no mail sent.

import {
  customTls,
  defaultClientName,
  type SmtpClientOptions,
} from "./deliver-global-relay-batch.ts";
import { SmtpSession, type SmtpFailure } from "./smtp-session.ts";
import { smtpEndpoint, type GlobalRelaySmtpSettings } from "./smtp-endpoint.ts";

export type SmtpConnectionTest = {
  ok: boolean;
  /** The server's answer (the AUTH reply on success) or what failed; never the password. */
  message: string;
  host?: string;
  port?: number;
  /** Whether the session was encrypted (STARTTLS or port 465). */
  tls?: boolean;
};

export async function testSmtpConnection(
  settings: GlobalRelaySmtpSettings,
  options: SmtpClientOptions = {},
): Promise<SmtpConnectionTest> {
  let target;
  try {
    target = smtpEndpoint(settings, { allowPlain: options.allowPlain });
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  const credentials = { username: settings.SMTPUsername, password: settings.SMTPPassword };
  try {
    const session = await SmtpSession.open({
      target,
      credentials,
      tls: customTls(settings, options.tls),
      clientName: options.clientName ?? defaultClientName(),
    });
    const answer = session.handshakeReply;
    await session.quit();
    return { ok: true, message: answer, host: target.host, port: target.port, tls: session.secure };
  } catch (error) {
    return {
      ok: false,
      message: (error as SmtpFailure).message,
      host: target.host,
      port: target.port,
    };
  }
}
