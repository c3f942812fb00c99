import { db } from "../db/client.ts";

/** Test connection / Send test email: attempts per admin per window (both buttons share it). */
export const SMTP_TEST_LIMIT = { limit: 5, windowMs: 10 * 60_000 } as const;

/**
 * Counts one attempt under `key` in a fixed window (one atomic upsert, so concurrent attempts on
 * any instance are all counted). Refused attempts count too: hammering does not shorten the wait.
 */
export async function consumeRateLimit(options: {
  key: string;
  limit: number;
  windowMs: number;
  now?: Date;
}): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }> {
  const now = BigInt((options.now ?? new Date()).getTime());
  const expired = now - BigInt(options.windowMs);
  const rows = await db().$queryRaw<
    Array<{ count: number | bigint; windowStartMs: number | bigint }>
  >`
    INSERT INTO "RateLimit" ("key", "count", "windowStartMs") VALUES (${options.key}, 1, ${now})
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimit"."windowStartMs" <= ${expired} THEN 1 ELSE "RateLimit"."count" + 1 END,
      "windowStartMs" = CASE WHEN "RateLimit"."windowStartMs" <= ${expired} THEN ${now} ELSE "RateLimit"."windowStartMs" END
    RETURNING "count", "windowStartMs"`;
  const row = rows[0]!;
  if (Number(row.count) <= options.limit) return { ok: true };
  const endsAt = Number(row.windowStartMs) + options.windowMs;
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((endsAt - Number(now)) / 1000)) };
}
