import { db } from "../db/client.ts";

// Failures are counted per account and per client address over a 15-minute window. From the
// 5th failure (account) or 20th (address) each further attempt is refused for a doubling delay,
// 30 s up to 15 min; the window then forgets. No permanent lock-out: a compliance console must
// not be lockable by a stranger who knows an admin's address.
const WINDOW_MS = 15 * 60_000;
const MAX_DELAY_MS = 15 * 60_000;
const FREE_FAILURES = { account: 5, ip: 20 } as const;

type Kind = keyof typeof FREE_FAILURES;
const key = (kind: Kind, value: string) => `${kind}:${value.toLowerCase()}`;

/** Seconds the caller must wait before another attempt, or 0. */
export async function loginRetryAfter(targets: { email: string; ip: string }, now = new Date()): Promise<number> {
  const rows = await db().loginThrottle.findMany({ where: { key: { in: [key("account", targets.email), key("ip", targets.ip)] } } });
  let wait = 0;
  for (const row of rows) {
    if (row.lockedUntil && row.lockedUntil > now) wait = Math.max(wait, Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 1000));
  }
  return wait;
}

export async function recordLoginFailure(targets: { email: string; ip: string }, now = new Date()): Promise<void> {
  for (const kind of ["account", "ip"] as const) {
    const k = key(kind, kind === "account" ? targets.email : targets.ip);
    const row = await db().loginThrottle.findUnique({ where: { key: k } });
    const fresh = !row || now.getTime() - row.windowStart.getTime() > WINDOW_MS;
    const failures = fresh ? 1 : row.failures + 1;
    const over = failures - FREE_FAILURES[kind];
    const lockedUntil = over >= 0 ? new Date(now.getTime() + Math.min(MAX_DELAY_MS, 30_000 * 2 ** over)) : null;
    await db().loginThrottle.upsert({
      where: { key: k },
      create: { key: k, failures, windowStart: now, lockedUntil },
      update: { failures, windowStart: fresh ? now : row.windowStart, lockedUntil },
    });
  }
}

export async function clearAccountFailures(email: string): Promise<void> {
  await db().loginThrottle.deleteMany({ where: { key: key("account", email) } });
}
