import { createHash, randomBytes } from "node:crypto";
import { db } from "../db/client.ts";
import { newId } from "../ids/ids.ts";
import { API_TOKEN_PREFIX } from "./api-token-schema.ts";

export function hashApiToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/**
 * A personal API token for an admin: it acts with that admin's rights as they are at each call.
 * The plaintext is returned here only; the database keeps its sha256.
 */
export async function createApiToken(options: {
  userId: string;
  name: string;
  expiresInDays: number;
  createdBy: string;
  now?: Date;
}) {
  const now = options.now ?? new Date();
  const token = API_TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const row = await db().apiToken.create({
    data: {
      id: newId(),
      userId: options.userId,
      name: options.name,
      tokenHash: hashApiToken(token),
      createdAt: now,
      createdBy: options.createdBy,
      expiresAt: new Date(now.getTime() + options.expiresInDays * 86_400_000),
    },
  });
  return { id: row.id, name: row.name, expiresAt: row.expiresAt, token };
}
