import { authenticate } from "../auth/authenticate.ts";
import { hashPassword } from "../auth/password.ts";
import { assertPasswordPolicy } from "../auth/password-policy.ts";
import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";

/**
 * Changes one's own password; optionally ends every other session of the account. The current
 * password is checked through the sign-in throttle (per account and per address), so a stolen
 * session cannot be used to guess it.
 */
export async function changePassword(options: {
  userId: string;
  ip: string;
  currentSessionId: string;
  currentPassword: string;
  password: string;
  endOtherSessions: boolean;
}): Promise<{ sessionsEnded: number }> {
  const user = await db().adminUser.findUniqueOrThrow({ where: { id: options.userId } });
  const check = await authenticate({
    email: user.email,
    password: options.currentPassword,
    ip: options.ip,
  });
  if (!check.ok && check.reason === "throttled")
    throw new UserError(
      `Too many wrong passwords. Try again in ${check.retryAfterSeconds} seconds.`,
      429,
    );
  if (!check.ok || check.userId !== user.id) {
    throw new UserError("The current password is incorrect.", 400, {
      currentPassword: "The current password is incorrect.",
    });
  }
  assertPasswordPolicy(options.password, { email: user.email });
  await db().adminUser.update({
    where: { id: user.id },
    data: { passwordHash: await hashPassword(options.password) },
  });
  if (!options.endOtherSessions) return { sessionsEnded: 0 };
  const { count } = await db().session.updateMany({
    where: { userId: user.id, revokedAt: null, id: { not: options.currentSessionId } },
    data: { revokedAt: new Date() },
  });
  return { sessionsEnded: count };
}
