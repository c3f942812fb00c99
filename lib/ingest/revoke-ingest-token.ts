import { db } from "../db/client.ts";

/** Revokes a token by id; false when there is no such active token. */
export async function revokeIngestToken(id: string, now = new Date()): Promise<boolean> {
  const { count } = await db().ingestToken.updateMany({
    where: { id, revokedAt: null },
    data: { revokedAt: now },
  });
  return count > 0;
}
