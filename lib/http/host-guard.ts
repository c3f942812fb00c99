import net from "node:net";

export type HostPolicy = {
  /** CUSTODIAN_PUBLIC_URL: when set, its host is the console's name. */
  publicUrl: string | undefined;
  /** CUSTODIAN_ALLOWED_HOSTS: further names (host or host:port; the port is not compared). */
  allowedHosts: string[];
  /** The address the server listens on (HOSTNAME; 0.0.0.0 or :: for every interface). */
  listenHost: string;
};

const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1"]);

/** "Example.com:443" → "example.com"; "[::1]:3000" → "::1". */
function hostName(value: string): string {
  const v = value.trim().toLowerCase();
  if (v.startsWith("[")) return v.slice(1, v.indexOf("]") > 0 ? v.indexOf("]") : undefined);
  const colons = v.split(":").length - 1;
  return colons === 1 ? v.slice(0, v.indexOf(":")) : v;
}

/**
 * Whether a request's Host header names this console. A DNS-rebinding page reaches the server
 * under the attacker's own name, so only known names are served: the loopback names, the public
 * URL's host and CUSTODIAN_ALLOWED_HOSTS; without a public URL, the listening host (or, when
 * listening on every interface, any IP address, which no other site can pose as).
 */
export function hostAllowed(host: string | undefined, policy: HostPolicy): boolean {
  if (!host) return false;
  const name = hostName(host);
  if (!name) return false;
  if (LOOPBACK.has(name)) return true;
  if (policy.allowedHosts.some((h) => hostName(h) === name)) return true;
  if (policy.publicUrl) {
    try {
      return hostName(new URL(policy.publicUrl).host) === name;
    } catch {
      return false;
    }
  }
  const listen = hostName(policy.listenHost);
  if (listen === "0.0.0.0" || listen === "::" || listen === "") return net.isIP(name) !== 0;
  return listen === name;
}

type RequestLike = { method?: string; headers: Record<string, string | string[] | undefined> };
const header = (r: RequestLike, name: string) => {
  const v = r.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * A server action (POST with Next-Action) sent from another origin or site. Next.js refuses these
 * itself, but without an audit record; the server recognises them first to audit the refusal.
 */
export function isCrossSiteAction(r: RequestLike): boolean {
  if (r.method !== "POST" || !header(r, "next-action")) return false;
  if (header(r, "sec-fetch-site") === "cross-site") return true;
  const origin = header(r, "origin");
  if (!origin) return false;
  try {
    return (
      origin === "null" ||
      new URL(origin).host.toLowerCase() !== (header(r, "host") ?? "").toLowerCase()
    );
  } catch {
    return true;
  }
}
