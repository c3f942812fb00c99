import { timingSafeEqual } from "node:crypto";
import { db } from "../db/client.ts";
import { INGEST_TOKEN_PREFIX, hashIngestToken } from "./hash-ingest-token.ts";

// "cus_" + 43 base64url characters (32 bytes).
const TOKEN_SHAPE = /^cus_[A-Za-z0-9_-]{43}$/;
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * For `Authorization: Bearer <token>`: the active (not revoked) token row, or null. The lookup is
 * by sha256, so response time does not depend on how much of a guess matches a real token.
 * Records lastUsedAt to the minute: a write per request would cost every ingest request a turn at
 * the database's write lock (SQLite), for a time nobody reads closer than that.
 */
export async function verifyIngestToken(token: string | null | undefined, now = new Date()) {
  if (!token || !token.startsWith(INGEST_TOKEN_PREFIX) || !TOKEN_SHAPE.test(token)) return null;
  const hash = hashIngestToken(token);
  const row = await db().ingestToken.findUnique({ where: { tokenHash: hash } });
  if (!row || row.revokedAt) return null;
  if (!timingSafeEqual(Buffer.from(row.tokenHash, "hex"), Buffer.from(hash, "hex"))) return null;
  if (row.lastUsedAt && now.getTime() - row.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS)
    return row;
  await db().ingestToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  return { ...row, lastUsedAt: now };
}
