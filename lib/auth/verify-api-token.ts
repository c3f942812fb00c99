import { db } from "../db/client.ts";
import { API_TOKEN_PREFIX } from "./api-token-schema.ts";
import { hashApiToken } from "./create-api-token.ts";
import { RIGHTS, type Right } from "./rights.ts";
import type { ActiveSession } from "./sessions.ts";

export type VerifiedApiToken = {
  tokenId: string;
  name: string;
  /** The admin as they are now: a right revoked a moment ago is gone here too. */
  user: ActiveSession["user"];
  /** This is the token's first use of the (UTC) day: the caller audits it. */
  firstUseToday: boolean;
};

export const isApiToken = (token: string | undefined): token is string =>
  !!token && token.startsWith(API_TOKEN_PREFIX);

/** The admin behind a bearer API token, or null when unknown, revoked, expired or the admin is deactivated. */
export async function verifyApiToken(
  token: string | undefined,
  now = new Date(),
): Promise<VerifiedApiToken | null> {
  if (!isApiToken(token) || token.length > 200) return null;
  const row = await db().apiToken.findUnique({
    where: { tokenHash: hashApiToken(token) },
    include: { user: { include: { rights: true } } },
  });
  if (!row || row.revokedAt || row.expiresAt <= now || row.user.disabledAt) return null;
  const startOfDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  // One conditional update decides "first use today", so two simultaneous first calls audit once.
  const { count } = await db().apiToken.updateMany({
    where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: startOfDay } }] },
    data: { lastUsedAt: now },
  });
  if (count === 0 && row.lastUsedAt && now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await db().apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  const rights = row.user.rights
    .map((r) => r.right)
    .filter((r): r is Right => (RIGHTS as readonly string[]).includes(r));
  return {
    tokenId: row.id,
    name: row.name,
    user: {
      id: row.user.id,
      email: row.user.email,
      isOwner: row.user.ownerSlot === "owner",
      rights,
    },
    firstUseToday: count === 1,
  };
}
