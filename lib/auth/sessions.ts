import { createHash, randomBytes } from "node:crypto";
import { env } from "../config/env.ts";
import { db } from "../db/client.ts";
import { RIGHTS, type Principal, type Right } from "./rights.ts";
import { bumpRightsEpoch } from "./rights-epoch.ts";

export type SessionUser = Principal & { email: string };
export type ActiveSession = { id: string; user: SessionUser };

// Refreshing lastSeenAt on every request would write on every page view; once a minute keeps
// idle expiry accurate enough.
const TOUCH_EVERY_MS = 60_000;

export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A new session; the 256-bit token goes in the cookie, only its hash is stored. */
export async function createSession(options: {
  userId: string;
  ipAddress: string;
  userAgent: string;
  now?: Date;
}) {
  const token = randomBytes(32).toString("base64url");
  const now = options.now ?? new Date();
  const session = await db().session.create({
    data: {
      id: hashSessionToken(token),
      userId: options.userId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + env().CUSTODIAN_SESSION_MAX_HOURS * 3600_000),
      ipAddress: options.ipAddress.slice(0, 100),
      userAgent: options.userAgent.slice(0, 500),
    },
  });
  return { token, session };
}

/** The signed-in admin for a cookie token, or null when unknown, revoked, expired, idle or disabled. */
export async function getActiveSession(
  token: string | undefined,
  now = new Date(),
): Promise<ActiveSession | null> {
  if (!token || token.length > 100) return null;
  const row = await db().session.findUnique({
    where: { id: hashSessionToken(token) },
    include: { user: { include: { rights: true } } },
  });
  if (!row || row.revokedAt || row.user.disabledAt) return null;
  const idleLimit = row.lastSeenAt.getTime() + env().CUSTODIAN_SESSION_IDLE_MINUTES * 60_000;
  if (now >= row.expiresAt || now.getTime() >= idleLimit) return null;
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db().session.update({ where: { id: row.id }, data: { lastSeenAt: now } });
  }
  const rights = row.user.rights
    .map((r) => r.right)
    .filter((r): r is Right => (RIGHTS as readonly string[]).includes(r));
  return {
    id: row.id,
    user: {
      id: row.user.id,
      email: row.user.email,
      isOwner: row.user.ownerSlot === "owner",
      rights,
    },
  };
}

export async function revokeSession(sessionId: string): Promise<void> {
  await db().session.updateMany({
    where: { id: sessionId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
}

/** Sign-out: the session ends, and so do the signed download links its admin issued. */
export async function endSession(options: { sessionId: string; userId: string }): Promise<void> {
  await revokeSession(options.sessionId);
  await bumpRightsEpoch(options.userId);
}

/** Ends every session of an admin; their signed download links die with them (rights epoch). */
export async function revokeUserSessions(userId: string): Promise<number> {
  const { count } = await db().session.updateMany({
    where: { userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  await bumpRightsEpoch(userId);
  return count;
}

/** The audit log's session_id: a short, non-secret reference to the session row. */
export function auditSessionId(sessionId: string): string {
  return sessionId.slice(0, 26);
}
