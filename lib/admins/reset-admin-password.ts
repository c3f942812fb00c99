import { revokeUserApiTokens } from "../auth/revoke-api-token.ts";
import { revokeUserSessions } from "../auth/sessions.ts";
import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { newPasswordToken } from "./password-token.ts";

/**
 * The machine operator's way back in (`cli admin reset-password`): any admin, the owner included,
 * gets a one-time set-password link. Their password stops working, their sessions and API tokens end, and a
 * sign-in lock-out of the account is lifted so the new password works at once.
 */
export async function resetAdminPassword(options: { email: string; now?: Date }): Promise<{
  userId: string;
  email: string;
  owner: boolean;
  token: string;
  expiresAt: Date;
  sessionsEnded: number;
  apiTokensRevoked: number;
}> {
  const email = options.email.toLowerCase();
  const user = await db().adminUser.findUnique({ where: { email } });
  if (!user) throw new UserError(`No admin has the email ${email}.`, 404);
  if (user.disabledAt)
    throw new UserError(
      `${email} is deactivated; reactivate the admin on the Admins page first.`,
      409,
    );
  const { token, hash, expiresAt } = newPasswordToken(options.now);
  await db().adminUser.update({
    where: { id: user.id },
    data: {
      passwordHash: `!reset-${hash.slice(0, 16)}`,
      passwordTokenHash: hash,
      passwordTokenExpiresAt: expiresAt,
    },
  });
  const sessionsEnded = await revokeUserSessions(user.id);
  const apiTokensRevoked = await revokeUserApiTokens(user.id);
  await db().loginThrottle.deleteMany({ where: { key: `account:${email}` } });
  return {
    userId: user.id,
    email,
    owner: user.ownerSlot === "owner",
    token,
    expiresAt,
    sessionsEnded,
    apiTokensRevoked,
  };
}
