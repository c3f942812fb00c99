import { db } from "../db/client.ts";
import {
  lockIfOverLimit,
  loginRetryAfter,
  releaseLoginAttempt,
  reserveLoginAttempt,
} from "./login-throttle.ts";
import { burnPasswordCheck, verifyPassword } from "./password.ts";

export type AuthenticateResult =
  | { ok: true; userId: string }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

/** Checks an email and password, applying the sign-in throttle. Unknown and wrong look the same. */
export async function authenticate(options: {
  email: string;
  password: string;
  ip: string;
  now?: Date;
}): Promise<AuthenticateResult> {
  const now = options.now ?? new Date();
  const email = options.email.trim().toLowerCase();
  const targets = { email, ip: options.ip };
  const waiting = await loginRetryAfter(targets, now);
  if (waiting > 0) return { ok: false, reason: "throttled", retryAfterSeconds: waiting };
  const counts = await reserveLoginAttempt(targets, now);
  if (!counts)
    return {
      ok: false,
      reason: "throttled",
      retryAfterSeconds: Math.max(1, await loginRetryAfter(targets, now)),
    };
  const user = await db().adminUser.findUnique({ where: { email } });
  const valid =
    user && !user.disabledAt
      ? await verifyPassword(user.passwordHash, options.password)
      : (await burnPasswordCheck(options.password), false);
  if (!valid || !user) {
    await lockIfOverLimit(targets, counts, now);
    return { ok: false, reason: "invalid" };
  }
  await releaseLoginAttempt(targets);
  return { ok: true, userId: user.id };
}
