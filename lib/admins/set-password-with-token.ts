import { hashPassword } from "../auth/password.ts";
import { assertPasswordPolicy } from "../auth/password-policy.ts";
import { revokeUserSessions } from "../auth/sessions.ts";
import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { hashPasswordToken } from "./password-token.ts";

/** Spends a one-time set-password token: the password is set, the token is gone. */
export async function setPasswordWithToken(options: {
  token: string;
  password: string;
  now?: Date;
}): Promise<{ userId: string; email: string }> {
  const now = options.now ?? new Date();
  const user = await db().adminUser.findUnique({
    where: { passwordTokenHash: hashPasswordToken(options.token) },
  });
  if (
    !user ||
    user.disabledAt ||
    !user.passwordTokenExpiresAt ||
    user.passwordTokenExpiresAt <= now
  ) {
    throw new UserError("This link is not valid any more. Ask the owner for a new one.", 410);
  }
  assertPasswordPolicy(options.password, { email: user.email });
  const { count } = await db().adminUser.updateMany({
    where: { id: user.id, passwordTokenHash: user.passwordTokenHash },
    data: {
      passwordHash: await hashPassword(options.password),
      passwordTokenHash: null,
      passwordTokenExpiresAt: null,
    },
  });
  if (count !== 1) throw new UserError("This link has just been used.", 410);
  await revokeUserSessions(user.id);
  return { userId: user.id, email: user.email };
}
