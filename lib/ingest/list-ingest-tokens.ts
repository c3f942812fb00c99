import { db } from "../db/client.ts";

/** Every ingest token, newest first, without its hash. */
export async function listIngestTokens() {
  return db().ingestToken.findMany({
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    select: {
      id: true,
      name: true,
      createdAt: true,
      createdBy: true,
      lastUsedAt: true,
      revokedAt: true,
    },
  });
}
