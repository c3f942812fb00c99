import type { WriteSql } from "../../db/write-connection.ts";
import type { AttestationRecord } from "../schema.ts";

/**
 * Stores a source attestation, one per channel and day: a later one for the same channel-day
 * replaces the counts (the source recounted); the same one again writes nothing.
 */
export async function writeAttestation(
  sql: WriteSql,
  a: AttestationRecord,
  now = Date.now(),
): Promise<void> {
  const [stored] = await sql.all(
    `SELECT "timeZone", "posts", "files" FROM "SourceAttestation" WHERE "channelId" = $1 AND "day" = $2`,
    [a.channel_id, a.day],
  );
  if (!stored) {
    await sql.run(
      `INSERT INTO "SourceAttestation" ("channelId", "day", "timeZone", "posts", "files", "receivedAt") VALUES ($1, $2, $3, $4, $5, $6)`,
      [a.channel_id, a.day, a.time_zone, a.posts, a.files, now],
    );
    return;
  }
  if (stored.timeZone === a.time_zone && stored.posts === a.posts && stored.files === a.files)
    return;
  await sql.run(
    `UPDATE "SourceAttestation" SET "timeZone" = $3, "posts" = $4, "files" = $5, "receivedAt" = $6 WHERE "channelId" = $1 AND "day" = $2`,
    [a.channel_id, a.day, a.time_zone, a.posts, a.files, now],
  );
}
