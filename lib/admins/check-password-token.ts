import { db } from "../db/client.ts";
import { hashPasswordToken } from "./password-token.ts";

export type PasswordTokenState =
  { state: "missing" } | { state: "invalid" } | { state: "valid"; email: string };

/**
 * What the set-password page says before showing its form: a link without a token, one that was
 * used, expired or revoked (the same answer for all three, so the page tells nothing about other
 * accounts), or a valid one with the account's email. The action checks again when the form is sent.
 */
export async function checkPasswordToken(options: {
  token: string;
  now?: Date;
}): Promise<PasswordTokenState> {
  if (options.token === "") return { state: "missing" };
  const now = options.now ?? new Date();
  const user = await db().adminUser.findUnique({
    where: { passwordTokenHash: hashPasswordToken(options.token) },
    select: { email: true, disabledAt: true, passwordTokenExpiresAt: true },
  });
  if (
    !user ||
    user.disabledAt ||
    !user.passwordTokenExpiresAt ||
    user.passwordTokenExpiresAt <= now
  )
    return { state: "invalid" };
  return { state: "valid", email: user.email };
}
