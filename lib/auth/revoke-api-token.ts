import { db } from "../db/client.ts";

/** Revokes an active token (only the given admin's when userId is set); false when there is none. */
export async function revokeApiToken(options: {
  tokenId: string;
  userId?: string;
  now?: Date;
}): Promise<{ name: string; userId: string } | null> {
  const row = await db().apiToken.findFirst({
    where: {
      id: options.tokenId,
      revokedAt: null,
      ...(options.userId ? { userId: options.userId } : {}),
    },
  });
  if (!row) return null;
  const { count } = await db().apiToken.updateMany({
    where: { id: row.id, revokedAt: null },
    data: { revokedAt: options.now ?? new Date() },
  });
  return count === 1 ? { name: row.name, userId: row.userId } : null;
}

/** Every active token of an admin (an operator's password reset ends them with the sessions). */
export async function revokeUserApiTokens(userId: string, now = new Date()): Promise<number> {
  const { count } = await db().apiToken.updateMany({
    where: { userId, revokedAt: null },
    data: { revokedAt: now },
  });
  return count;
}
