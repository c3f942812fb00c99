import { env } from "../config/env.ts";

/** Set by scripts/start.ts from the TCP connection; any copy sent by a client is overwritten there. */
export const CLIENT_IP_HEADER = "x-custodian-client-ip";
/** Set by scripts/start.ts: "1" when the connection itself is TLS. */
export const SECURE_HEADER = "x-custodian-secure";

export type RequestInfo = { ipAddress: string; userAgent: string; secure: boolean };

/**
 * The value a trusted proxy chain added to a comma-separated, appended-to header: each proxy
 * appends what it saw, so the client's own entries are on the left and the one `hops` from the
 * right is the outermost trusted proxy's. A list shorter than the chain gives its first entry.
 */
function fromTrustedHop(value: string | null, hops: number): string | undefined {
  const entries = (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) return undefined;
  return entries[Math.max(0, entries.length - hops)];
}

export function requestInfoFrom(h: Headers): RequestInfo {
  const { CUSTODIAN_TRUST_PROXY: trust, CUSTODIAN_TRUST_PROXY_HOPS: hops } = env();
  const forwarded = trust === "on" ? fromTrustedHop(h.get("x-forwarded-for"), hops) : undefined;
  const proto =
    trust === "on" ? fromTrustedHop(h.get("x-forwarded-proto"), hops)?.toLowerCase() : undefined;
  return {
    ipAddress: (forwarded || h.get(CLIENT_IP_HEADER) || "").slice(0, 100),
    userAgent: (h.get("user-agent") ?? "").slice(0, 500),
    secure: proto === "https" || h.get(SECURE_HEADER) === "1",
  };
}
