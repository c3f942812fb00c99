import { db } from "../db/client.ts";

// Failures are counted per account and per client address. Counting forgets 15 minutes after the
// last failure. From the 5th failure (account) or 20th (address) each further attempt is refused
// for a doubling delay, 30 s up to 15 min — no permanent lock-out, so a stranger who knows an
// admin's address cannot lock the compliance console for good.
//
// An attempt is counted *before* the password is checked (one atomic upsert), so parallel guesses
// cannot all slip in before the first failure is written; a success gives its reservation back.
const FORGET_AFTER_MS = 15 * 60_000;
const MAX_DELAY_MS = 15 * 60_000;
export const FREE_FAILURES = { account: 5, ip: 20 } as const;

type Kind = keyof typeof FREE_FAILURES;
type Targets = { email: string; ip: string };
const key = (kind: Kind, t: Targets) =>
  `${kind}:${(kind === "account" ? t.email : t.ip).toLowerCase()}`;

/** Seconds the caller must wait before another attempt, or 0. */
export async function loginRetryAfter(targets: Targets, now = new Date()): Promise<number> {
  const rows = await db().loginThrottle.findMany({
    where: { key: { in: [key("account", targets), key("ip", targets)] } },
  });
  const until = Math.max(0, ...rows.map((r) => Number(r.lockedUntilMs)));
  return until > now.getTime() ? Math.ceil((until - now.getTime()) / 1000) : 0;
}

/**
 * Counts one attempt for the account and the address. Returns the counts including it, or null
 * when either key has no attempt left (the reservation is then given back).
 */
export async function reserveLoginAttempt(
  targets: Targets,
  now = new Date(),
): Promise<Record<Kind, number> | null> {
  const counts = { account: 0, ip: 0 };
  const reserved: Kind[] = [];
  for (const kind of ["account", "ip"] as const) {
    const forgotten = BigInt(now.getTime() - FORGET_AFTER_MS);
    const rows = await db().$queryRaw<
      Array<{ failures: number | bigint; allowance: number | bigint }>
    >`
      INSERT INTO "LoginThrottle" ("key", "failures", "lastFailureMs", "lockedUntilMs", "allowance")
      VALUES (${key(kind, targets)}, 1, ${BigInt(now.getTime())}, 0, 0)
      ON CONFLICT ("key") DO UPDATE SET
        "failures" = CASE WHEN "LoginThrottle"."lastFailureMs" < ${forgotten} THEN 1 ELSE "LoginThrottle"."failures" + 1 END,
        "allowance" = CASE WHEN "LoginThrottle"."lastFailureMs" < ${forgotten} THEN 0 ELSE "LoginThrottle"."allowance" END,
        "lastFailureMs" = ${BigInt(now.getTime())}
      RETURNING "failures", "allowance"`;
    reserved.push(kind);
    counts[kind] = Number(rows[0]?.failures ?? 1);
    if (counts[kind] > FREE_FAILURES[kind] + Number(rows[0]?.allowance ?? 0)) {
      for (const k of reserved) await giveBack(k, targets);
      return null;
    }
  }
  return counts;
}

async function giveBack(kind: Kind, targets: Targets): Promise<void> {
  await db().loginThrottle.updateMany({
    where: { key: key(kind, targets), failures: { gt: 0 } },
    data: { failures: { decrement: 1 } },
  });
}

/** After a failed attempt: lock the keys that are past their free failures. */
export async function lockIfOverLimit(
  targets: Targets,
  counts: Record<Kind, number>,
  now = new Date(),
): Promise<void> {
  for (const kind of ["account", "ip"] as const) {
    const over = counts[kind] - FREE_FAILURES[kind];
    if (over < 0) continue;
    const until = BigInt(now.getTime() + Math.min(MAX_DELAY_MS, 30_000 * 2 ** over));
    await db().loginThrottle.updateMany({
      where: { key: key(kind, targets), lockedUntilMs: { lt: until } },
      data: { lockedUntilMs: until, allowance: over + 1 },
    });
  }
}

/** After a success: the account starts afresh; the address gets its reservation back. */
export async function releaseLoginAttempt(targets: Targets): Promise<void> {
  await db().loginThrottle.deleteMany({ where: { key: key("account", targets) } });
  await giveBack("ip", targets);
}
