import { db, type Tx } from "../db/client.ts";

/**
 * Moves an admin's rights epoch on: every signed download link they issued before stops working,
 * even if the right is granted again later. Called when a right is revoked, when their sessions
 * are ended (deactivation, password reset, "end sessions") and when they sign out.
 */
export async function bumpRightsEpoch(userId: string, tx: Tx = db()): Promise<void> {
  await tx.adminUser.updateMany({ where: { id: userId }, data: { rightsEpoch: { increment: 1 } } });
}
