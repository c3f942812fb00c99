import { createHash, randomBytes } from "node:crypto";

export const PASSWORD_TOKEN_HOURS = 72;

/** A one-time set-password token: the link carries it, the database only its hash. */
export function newPasswordToken(now = new Date()): {
  token: string;
  hash: string;
  expiresAt: Date;
} {
  const token = randomBytes(32).toString("base64url");
  return {
    token,
    hash: hashPasswordToken(token),
    expiresAt: new Date(now.getTime() + PASSWORD_TOKEN_HOURS * 3600_000),
  };
}

export function hashPasswordToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
