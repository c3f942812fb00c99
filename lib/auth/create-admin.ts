import { randomUUID } from "node:crypto";
import { db } from "../db/client.ts";
import { hashPassword } from "./password.ts";
import { assertPasswordPolicy } from "./password-policy.ts";
import type { Right } from "./rights.ts";

export class AdminExistsError extends Error {}
export class OwnerExistsError extends Error {}

/**
 * Creates an admin. The owner takes the unique `ownerSlot`, so two simultaneous set-ups cannot both
 * create one: the loser gets OwnerExistsError.
 */
export async function createAdmin(options: {
  email: string;
  password: string;
  owner: boolean;
  rights?: Right[];
  grantedBy?: string;
}) {
  const email = options.email.toLowerCase();
  assertPasswordPolicy(options.password, { email });
  const passwordHash = await hashPassword(options.password);
  try {
    return await db().adminUser.create({
      data: {
        id: randomUUID(),
        email,
        passwordHash,
        ownerSlot: options.owner ? "owner" : null,
        rights: {
          create: (options.rights ?? []).map((right) => ({
            right,
            grantedBy: options.grantedBy ?? null,
          })),
        },
      },
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") {
      const target = JSON.stringify((error as { meta?: unknown }).meta ?? "");
      if (options.owner && (target.includes("ownerSlot") || (await hasOwner())))
        throw new OwnerExistsError("An owner already exists.");
      throw new AdminExistsError(`An admin with email ${email} already exists.`);
    }
    throw error;
  }
}

export async function hasOwner(): Promise<boolean> {
  return (await db().adminUser.count({ where: { ownerSlot: "owner" } })) > 0;
}
