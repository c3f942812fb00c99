import { randomBytes, randomUUID } from "node:crypto";
import { can, type Principal, type Right } from "../auth/rights.ts";
import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { newPasswordToken } from "./password-token.ts";

/**
 * Adds an admin who sets their own password through a one-time link (shown once to whoever added
 * them, valid 72 hours). Only the owner can hand out manage_admins.
 */
export async function addAdmin(options: {
  actor: Principal;
  email: string;
  rights: Right[];
  now?: Date;
}): Promise<{ userId: string; token: string; expiresAt: Date }> {
  if (options.rights.includes("manage_admins") && !can(options.actor, "owner"))
    throw new UserError("Only the owner can grant the right to manage admins.", 403);
  const email = options.email.toLowerCase();
  if (await db().adminUser.findUnique({ where: { email } }))
    throw new UserError(`An admin with email ${email} already exists.`, 409, {
      email: "An admin with this email already exists.",
    });
  const { token, hash, expiresAt } = newPasswordToken(options.now);
  const user = await db().adminUser.create({
    data: {
      id: randomUUID(),
      email,
      // No password until they set one: this value is not a hash, so no password can match it.
      passwordHash: `!unset-${randomBytes(16).toString("hex")}`,
      passwordTokenHash: hash,
      passwordTokenExpiresAt: expiresAt,
      rights: { create: options.rights.map((right) => ({ right, grantedBy: options.actor.id })) },
    },
  });
  return { userId: user.id, token, expiresAt };
}
