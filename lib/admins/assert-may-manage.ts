import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";

/**
 * Admins who hold manage_admins are the owner's to manage: another manage_admins admin cannot
 * reset their password, deactivate, remove or reactivate them (that would be a takeover).
 */
export async function assertMayManage(options: {
  actorId: string;
  target: { id: string; rights: Array<{ right: string }> };
}): Promise<void> {
  if (!options.target.rights.some((r) => r.right === "manage_admins")) return;
  const actor = await db().adminUser.findUnique({
    where: { id: options.actorId },
    select: { ownerSlot: true },
  });
  if (actor?.ownerSlot !== "owner")
    throw new UserError("Only the owner can do this to an admin who manages admins.", 403);
}
