import "server-only";
import { headers } from "next/headers";
import { env } from "@/lib/config/env.ts";

/** Set by scripts/start.ts from the TCP connection; any copy sent by a client is overwritten there. */
export const CLIENT_IP_HEADER = "x-custodian-client-ip";

export type RequestInfo = { ipAddress: string; userAgent: string; secure: boolean };

export function requestInfoFrom(h: Headers): RequestInfo {
  const forwarded = env().CUSTODIAN_TRUST_PROXY === "on" ? h.get("x-forwarded-for")?.split(",")[0]?.trim() : undefined;
  const proto = env().CUSTODIAN_TRUST_PROXY === "on" ? h.get("x-forwarded-proto") : undefined;
  return {
    ipAddress: (forwarded || h.get(CLIENT_IP_HEADER) || "").slice(0, 100),
    userAgent: (h.get("user-agent") ?? "").slice(0, 500),
    secure: proto === "https" || h.get("x-custodian-secure") === "1",
  };
}

export async function requestInfo(): Promise<RequestInfo> {
  return requestInfoFrom(await headers());
}
