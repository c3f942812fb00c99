import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { isBuiltInTarget, toStoredTarget, toTargetView, type TargetView } from "./stored-target.ts";
import { targetInUse } from "./target-in-use.ts";

/**
 * Removes a target. Refused for the built-in ones (the Compliance Export settings keep them) and
 * while the default export (or a running job) uses it. Finished exports keep their target id: their
 * files stay where they are, but Custodian no longer downloads, verifies or deletes them.
 */
export async function removeTarget(options: { id: string }): Promise<TargetView> {
  return db().$transaction(async (tx) => {
    const row = await tx.target.findUnique({ where: { id: options.id } });
    if (!row) throw new UserError("No such target.", 404);
    if (isBuiltInTarget(row.id))
      throw new UserError(`"${row.name}" is built in; disable it instead.`, 409);
    const use = await targetInUse(row.id, tx);
    if (use) throw new UserError(`"${row.name}" cannot be removed: ${use}.`, 409);
    await tx.target.delete({ where: { id: row.id } });
    return toTargetView(toStoredTarget(row));
  });
}
