import { z } from "zod";
import { listIngestTokens } from "../../../ingest/list-ingest-tokens.ts";
import { defineCommand } from "../../define-command.ts";
import { table } from "../../schema.ts";

export const list = defineCommand({
  name: "token list",
  summary: "The ingest tokens (never the tokens themselves)",
  schema: z.object({}),
  json: true,
  async run({ emit }) {
    const tokens = (await listIngestTokens()).map((t) => ({
      id: t.id,
      kind: "ingest",
      name: t.name,
      status: t.revokedAt ? "revoked" : "active",
      createdAt: t.createdAt.getTime(),
      lastUsedAt: t.lastUsedAt?.getTime() ?? null,
      revokedAt: t.revokedAt?.getTime() ?? null,
    }));
    emit(tokens, (ts) =>
      table(
        ["ID", "KIND", "STATUS", "CREATED", "LAST USED", "NAME"],
        ts.map((t) => [t.id, t.kind, t.status, new Date(t.createdAt).toISOString(), t.lastUsedAt ? new Date(t.lastUsedAt).toISOString() : "never", t.name]),
      ),
    );
  },
});
