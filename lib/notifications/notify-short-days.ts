import { db } from "../db/client.ts";
import { countReceived, statusOf } from "../ingest/attestations/read-completeness.ts";
import { logger } from "../log/logger.ts";
import { consoleUrl } from "./console-url.ts";
import { loadNotificationSettings } from "./notification-settings-store.ts";
import { sendEmail } from "./send-email.ts";

/** The source may send an attestation before the day's last posts: give ingest this long to catch up. */
export const SHORT_DAY_GRACE_MS = 15 * 60_000;
/** Attestations older than this are not mailed about (a first start on an old database mails nothing). */
const LOOK_BACK_MS = 7 * 86_400_000;
const BATCH = 200;

/**
 * Mails the failure recipients about attested channel-days where Custodian holds fewer posts or
 * files than the source attested ("short"), once per channel-day: one email lists every short day
 * found, and each is marked (SourceAttestation.shortNotifiedAt) only once the email was accepted.
 */
export async function notifyShortDays(options: { now?: Date } = {}): Promise<{ mailed: number }> {
  const now = (options.now ?? new Date()).getTime();
  const settings = await loadNotificationSettings();
  if (!settings.Enabled || !settings.NotifyOnFailure || settings.Recipients.length === 0)
    return { mailed: 0 };
  const candidates = await db().sourceAttestation.findMany({
    where: {
      shortNotifiedAt: null,
      receivedAt: { gte: BigInt(now - LOOK_BACK_MS), lte: BigInt(now - SHORT_DAY_GRACE_MS) },
    },
    orderBy: [{ day: "asc" }, { channelId: "asc" }],
    take: BATCH,
  });
  const short: Array<{ channelId: string; day: string; line: string }> = [];
  for (const a of candidates) {
    const attested = { posts: a.posts, files: a.files };
    const received = await countReceived(a.channelId, a.day, a.timeZone);
    if (statusOf(attested, received) !== "short") continue;
    short.push({
      channelId: a.channelId,
      day: a.day,
      line: `${a.day} (${a.timeZone}), channel ${a.channelId}: attested ${a.posts} posts and ${a.files} files, received ${received.posts} posts and ${received.files} files`,
    });
  }
  if (short.length === 0) return { mailed: 0 };
  try {
    await sendEmail(settings, {
      to: settings.Recipients,
      subject: `[Custodian] ${short.length} channel-day(s) short of what the chat system attested`,
      text: [
        "The chat system attested more posts or files than Custodian holds for these channel-days:",
        "",
        ...short.map((s) => `- ${s.line}`),
        "",
        "Something was not ingested (yet). Check the ingest client, then the Completeness page:",
        consoleUrl("completeness"),
      ].join("\n"),
    });
  } catch (error) {
    logger().warn({ err: error }, "short-day email failed; will retry");
    return { mailed: 0 };
  }
  for (const s of short)
    await db().sourceAttestation.update({
      where: { channelId_day: { channelId: s.channelId, day: s.day } },
      data: { shortNotifiedAt: BigInt(now) },
    });
  return { mailed: short.length };
}
