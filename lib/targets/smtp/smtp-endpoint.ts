// Where Global Relay emails go (EXPORT-FORMATS.md §6.8): A9 and A10 are Global Relay's own
// archive feeds, CUSTOM is any relay (this is how Proofpoint and others are fed).

import net from "node:net";
import type { ExportSettings } from "../../settings/schema.ts";

export type GlobalRelaySmtpSettings = Pick<
  ExportSettings["GlobalRelaySettings"],
  | "CustomerType"
  | "SMTPUsername"
  | "SMTPPassword"
  | "EmailAddress"
  | "CustomSMTPServerName"
  | "SMTPServerTimeout"
> & {
  /** A number in the settings; a string is accepted for Mattermost-shaped input. */
  CustomSMTPPort: number | string;
};

export type SmtpEndpoint = {
  host: string;
  port: number;
  /** STARTTLS (or TLS on port 465) is mandatory unless a CUSTOM target allows plain SMTP. */
  requireTls: boolean;
  /** The name the server certificate must carry (SNI); undefined for an IP address. */
  servername: string | undefined;
  timeoutMs: number;
};

export const A9_HOST = "mailarchivespool1.globalrelay.com";
export const A10_HOST = "feeds.globalrelay.com";

/**
 * A9 -> mailarchivespool1.globalrelay.com:25, A10 -> feeds.globalrelay.com:25, CUSTOM -> the
 * configured host and port. Mattermost dials Global Relay's IP addresses and passes the host name
 * to TLS; Custodian dials the host names, which is what the certificates are issued for.
 * `allowPlain` is honoured for CUSTOM only.
 */
export function smtpEndpoint(
  settings: GlobalRelaySmtpSettings,
  options: { allowPlain?: boolean } = {},
): SmtpEndpoint {
  const seconds = Number(settings.SMTPServerTimeout);
  // Mattermost: nil or 0 means 1800 seconds.
  const timeoutMs = Math.round((Number.isFinite(seconds) && seconds > 0 ? seconds : 1800) * 1000);
  let host: string;
  let port = 25;
  let requireTls = true;
  switch (settings.CustomerType) {
    case "A9":
      host = A9_HOST;
      break;
    case "A10":
      host = A10_HOST;
      break;
    case "CUSTOM": {
      host = settings.CustomSMTPServerName.trim();
      const raw = settings.CustomSMTPPort;
      port = typeof raw === "number" ? raw : /^[0-9]{1,5}$/.test(raw) ? Number(raw) : NaN;
      if (!host) throw new Error("The SMTP server name is not set.");
      if (!Number.isInteger(port) || port < 1 || port > 65535)
        throw new Error(
          `The SMTP port ${JSON.stringify(String(settings.CustomSMTPPort))} is not a port number.`,
        );
      requireTls = !options.allowPlain;
      break;
    }
    default:
      throw new Error(
        `Unknown Global Relay customer type ${JSON.stringify(settings.CustomerType)}.`,
      );
  }
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  return { host: bare, port, requireTls, servername: net.isIP(bare) ? undefined : bare, timeoutMs };
}
