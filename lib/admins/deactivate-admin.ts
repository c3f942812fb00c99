import { revokeUserSessions } from "../auth/sessions.ts";
import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { assertMayManage } from "./assert-may-manage.ts";

/**
 * Deactivates (keeps the account, refuses sign-in) or removes an admin; either way their sessions
 * end at once. The owner cannot be deactivated or removed, and nobody removes themself.
 */
export async function deactivateAdmin(options: {
  actorId: string;
  userId: string;
  remove: boolean;
  now?: Date;
}): Promise<{ email: string; sessionsEnded: number }> {
  const user = await db().adminUser.findUnique({
    where: { id: options.userId },
    include: { rights: true },
  });
  if (!user) throw new UserError("No such admin.", 404);
  if (user.ownerSlot === "owner")
    throw new UserError("The owner cannot be deactivated or removed.", 409);
  if (user.id === options.actorId)
    throw new UserError("You cannot deactivate or remove yourself.", 409);
  await assertMayManage({ actorId: options.actorId, target: user });
  const sessionsEnded = await revokeUserSessions(user.id);
  if (options.remove) await db().adminUser.delete({ where: { id: user.id } });
  else
    await db().adminUser.update({
      where: { id: user.id },
      data: {
        disabledAt: options.now ?? new Date(),
        passwordTokenHash: null,
        passwordTokenExpiresAt: null,
      },
    });
  return { email: user.email, sessionsEnded };
}

export async function reactivateAdmin(options: {
  actorId: string;
  userId: string;
}): Promise<{ email: string }> {
  const user = await db().adminUser.findUnique({
    where: { id: options.userId },
    include: { rights: true },
  });
  if (user) await assertMayManage({ actorId: options.actorId, target: user });
  const { count } = await db().adminUser.updateMany({
    where: { id: options.userId, disabledAt: { not: null } },
    data: { disabledAt: null },
  });
  if (count !== 1) throw new UserError("No such deactivated admin.", 404);
  return db().adminUser.findUniqueOrThrow({
    where: { id: options.userId },
    select: { email: true },
  });
}
