import "server-only";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import type { AuditActor } from "@/lib/audit/actor.ts";
import { hasOwner } from "@/lib/auth/create-admin.ts";
import { safeNextPath } from "@/lib/auth/schema.ts";
import { auditSessionId, getActiveSession, type ActiveSession } from "@/lib/auth/sessions.ts";
import { env } from "@/lib/config/env.ts";
import {
  PLAIN_SESSION_COOKIE,
  SECURE_SESSION_COOKIE,
  sessionCookieName,
  sessionTokenFrom,
} from "@/lib/http/session-cookie.ts";
import { requestInfo, type RequestInfo } from "./request-info.ts";

/** The session token of this request: over HTTPS only the __Host- cookie, over HTTP only the plain one. */
export async function readSessionToken(): Promise<string | undefined> {
  const [h, info] = await Promise.all([headers(), requestInfo()]);
  return sessionTokenFrom(h.get("cookie") ?? "", info.secure);
}

export async function setSessionCookie(token: string, info: RequestInfo): Promise<void> {
  const jar = await cookies();
  jar.set(sessionCookieName(info.secure), token, {
    httpOnly: true,
    sameSite: "lax",
    secure: info.secure,
    path: "/",
    maxAge: env().CUSTODIAN_SESSION_MAX_HOURS * 3600,
  });
}

export async function clearSessionCookie(): Promise<void> {
  const jar = await cookies();
  jar.delete(SECURE_SESSION_COOKIE);
  jar.delete(PLAIN_SESSION_COOKIE);
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
