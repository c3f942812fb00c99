import { randomBytes } from "node:crypto";
import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { INGEST_TOKEN_PREFIX, hashIngestToken } from "./hash-ingest-token.ts";
import { newId } from "../ids/ids.ts";
import { ZIngestTokenName } from "./token-schema.ts";

export type CreatedIngestToken = { id: string; name: string; createdAt: Date; token: string };

/** A new bearer token for the ingest API. The plaintext is returned here only; the database keeps its sha256. */
export async function createIngestToken(options: {
  name: string;
  createdBy: string;
}): Promise<CreatedIngestToken> {
  const parsed = ZIngestTokenName.safeParse(options.name);
  if (!parsed.success)
    throw new UserError(parsed.error.issues[0]!.message, 400, {
      name: parsed.error.issues[0]!.message,
    });
  const name = parsed.data;
  const token = INGEST_TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const row = await db().ingestToken.create({
    data: { id: newId(), name, tokenHash: hashIngestToken(token), createdBy: options.createdBy },
  });
  return { id: row.id, name: row.name, createdAt: row.createdAt, token };
}
