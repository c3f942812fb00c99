import { createHash } from "node:crypto";

export const INGEST_TOKEN_PREFIX = "cus_";

/** What IngestToken.tokenHash stores: sha256 hex of the whole token, prefix included. */
export function hashIngestToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
