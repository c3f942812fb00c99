import { can, type Principal, type Right } from "../auth/rights.ts";
import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";

/**
 * Replaces an admin's rights. The owner's rights cannot change, nobody changes their own, and only
 * the owner grants or revokes manage_admins. A revoke moves the admin's rights epoch (their signed
 * download links die).
 */
export async function updateAdminRights(options: {
  actor: Principal;
  userId: string;
  rights: Right[];
}): Promise<{ before: Right[]; after: Right[] }> {
  if (options.userId === options.actor.id && !options.actor.isOwner)
    throw new UserError("You cannot change your own rights.", 403);
  const user = await db().adminUser.findUnique({
    where: { id: options.userId },
    include: { rights: true },
  });
  if (!user) throw new UserError("No such admin.", 404);
  if (user.ownerSlot === "owner") throw new UserError("The owner always has every right.", 409);
  const before = user.rights.map((r) => r.right as Right).sort();
  const after = [...new Set(options.rights)].sort();
  const touchesManage = before.includes("manage_admins") !== after.includes("manage_admins");
  if (touchesManage && !can(options.actor, "owner"))
    throw new UserError("Only the owner can grant or revoke the right to manage admins.", 403);
  const revoked = before.some((r) => !after.includes(r));
  await db().$transaction([
    db().adminRight.deleteMany({ where: { userId: user.id, right: { notIn: after } } }),
    ...after
      .filter((r) => !before.includes(r))
      .map((right) =>
        db().adminRight.create({ data: { userId: user.id, right, grantedBy: options.actor.id } }),
      ),
    ...(revoked
      ? [db().adminUser.update({ where: { id: user.id }, data: { rightsEpoch: { increment: 1 } } })]
      : []),
  ]);
  return { before, after };
}
