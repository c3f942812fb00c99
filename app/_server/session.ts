import "server-only";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import type { AuditActor } from "@/lib/audit/actor.ts";
import { hasOwner } from "@/lib/auth/create-admin.ts";
import { safeNextPath } from "@/lib/auth/schema.ts";
import { auditSessionId, getActiveSession, type ActiveSession } from "@/lib/auth/sessions.ts";
import { env } from "@/lib/config/env.ts";
import { requestInfo, type RequestInfo } from "./request-info.ts";

// __Host- pins the cookie to this origin (Secure, Path=/, no Domain); browsers only accept it over
// HTTPS, so plain-HTTP installs use the unprefixed name.
const SECURE_NAME = "__Host-custodian_session";
const PLAIN_NAME = "custodian_session";

export async function readSessionToken(): Promise<string | undefined> {
  const jar = await cookies();
  return jar.get(SECURE_NAME)?.value ?? jar.get(PLAIN_NAME)?.value;
}

export async function setSessionCookie(token: string, info: RequestInfo): Promise<void> {
  const jar = await cookies();
  jar.set(info.secure ? SECURE_NAME : PLAIN_NAME, token, {
    httpOnly: true,
    sameSite: "lax",
    secure: info.secure,
    path: "/",
    maxAge: env().CUSTODIAN_SESSION_MAX_HOURS * 3600,
  });
}

export async function clearSessionCookie(): Promise<void> {
  const jar = await cookies();
  jar.delete(SECURE_NAME);
  jar.delete(PLAIN_NAME);
}

export async function currentSession(): Promise<ActiveSession | null> {
  return getActiveSession(await readSessionToken());
}

/**
 * For console pages and their layout: the signed-in admin, or a redirect to set-up / sign-in that
 * comes back to the page asked for (the server stamps the request path; the argument is the fallback).
 */
export async function requirePageSession(path: string): Promise<ActiveSession> {
  const session = await currentSession();
  if (session) return session;
  if (!(await hasOwner())) redirect("/setup");
  const requested = (await headers()).get("x-custodian-path")?.replace(/[?&]_rsc=[^&]*/, "");
  redirect(`/login?next=${encodeURIComponent(safeNextPath(requested || path))}`);
}

export function sessionActor(session: ActiveSession | null, info: RequestInfo): AuditActor {
  return {
    userId: session?.user.id ?? "",
    sessionId: session ? auditSessionId(session.id) : "",
    client: info.userAgent,
    ipAddress: info.ipAddress,
  };
}
