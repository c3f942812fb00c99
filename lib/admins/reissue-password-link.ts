import { revokeUserSessions } from "../auth/sessions.ts";
import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { assertMayManage } from "./assert-may-manage.ts";
import { newPasswordToken } from "./password-token.ts";

/**
 * A fresh one-time set-password link for another admin (forgotten password, or a first link that
 * expired). Their current password stops working and their sessions end until they set a new one.
 */
export async function reissuePasswordLink(options: {
  actorId: string;
  userId: string;
  now?: Date;
}): Promise<{ email: string; token: string; expiresAt: Date }> {
  const user = await db().adminUser.findUnique({
    where: { id: options.userId },
    include: { rights: true },
  });
  if (!user) throw new UserError("No such admin.", 404);
  if (user.ownerSlot === "owner")
    throw new UserError("The owner changes their password on the account page.", 409);
  if (user.id === options.actorId)
    throw new UserError("Change your own password on the account page.", 409);
  if (user.disabledAt) throw new UserError("Reactivate the admin first.", 409);
  await assertMayManage({ actorId: options.actorId, target: user });
  const { token, hash, expiresAt } = newPasswordToken(options.now);
  await db().adminUser.update({
    where: { id: user.id },
    data: {
      passwordHash: `!reset-${hash.slice(0, 16)}`,
      passwordTokenHash: hash,
      passwordTokenExpiresAt: expiresAt,
    },
  });
  await revokeUserSessions(user.id);
  return { email: user.email, token, expiresAt };
}
