import { hashPassword, verifyPassword } from "../auth/password.ts";
import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";

/** Changes one's own password; optionally ends every other session of the account. */
export async function changePassword(options: { userId: string; currentSessionId: string; currentPassword: string; password: string; endOtherSessions: boolean }): Promise<{ sessionsEnded: number }> {
  const user = await db().adminUser.findUniqueOrThrow({ where: { id: options.userId } });
  if (!(await verifyPassword(user.passwordHash, options.currentPassword))) {
    throw new UserError("The current password is incorrect.", 400, { currentPassword: "The current password is incorrect." });
  }
  await db().adminUser.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(options.password) } });
  if (!options.endOtherSessions) return { sessionsEnded: 0 };
  const { count } = await db().session.updateMany({ where: { userId: user.id, revokedAt: null, id: { not: options.currentSessionId } }, data: { revokedAt: new Date() } });
  return { sessionsEnded: count };
}
