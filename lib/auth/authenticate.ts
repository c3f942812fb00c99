import { db } from "../db/client.ts";
import { clearAccountFailures, loginRetryAfter, recordLoginFailure } from "./login-throttle.ts";
import { burnPasswordCheck, verifyPassword } from "./password.ts";

export type AuthenticateResult =
  | { ok: true; userId: string }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

/** Checks an email and password, applying the sign-in throttle. Unknown and wrong look the same. */
export async function authenticate(options: { email: string; password: string; ip: string; now?: Date }): Promise<AuthenticateResult> {
  const email = options.email.trim().toLowerCase();
  const targets = { email, ip: options.ip };
  const retryAfterSeconds = await loginRetryAfter(targets, options.now);
  if (retryAfterSeconds > 0) return { ok: false, reason: "throttled", retryAfterSeconds };
  const user = await db().adminUser.findUnique({ where: { email } });
  const valid = user && !user.disabledAt ? await verifyPassword(user.passwordHash, options.password) : (await burnPasswordCheck(options.password), false);
  if (!valid || !user) {
    await recordLoginFailure(targets, options.now);
    return { ok: false, reason: "invalid" };
  }
  await clearAccountFailures(email);
  return { ok: true, userId: user.id };
}
