import { z } from "zod";
import { listApiTokens } from "../../../auth/list-api-tokens.ts";
import { listIngestTokens } from "../../../ingest/list-ingest-tokens.ts";
import { defineCommand } from "../../define-command.ts";
import { iso, table } from "../../schema.ts";

export const list = defineCommand({
  name: "token list",
  summary: "The ingest and API tokens (never the tokens themselves)",
  schema: z.object({}),
  json: true,
  async run({ emit }) {
    const ingest = (await listIngestTokens()).map((t) => ({
      id: t.id,
      kind: "ingest",
      name: t.name,
      admin: null as string | null,
      status: t.revokedAt ? "revoked" : "active",
      createdAt: t.createdAt.getTime(),
      expiresAt: null as number | null,
      lastUsedAt: t.lastUsedAt?.getTime() ?? null,
    }));
    const api = (await listApiTokens()).map((t) => ({
      id: t.id,
      kind: "api",
      name: t.name,
      admin: t.email,
      status: t.status,
      createdAt: t.createdAt,
      expiresAt: t.expiresAt,
      lastUsedAt: t.lastUsedAt,
    }));
    const tokens = [...ingest, ...api].sort((a, b) => b.createdAt - a.createdAt);
    emit(tokens, (ts) =>
      table(
        ["ID", "KIND", "STATUS", "CREATED", "EXPIRES", "LAST USED", "ADMIN", "NAME"],
        ts.map((t) => [
          t.id,
          t.kind,
          t.status,
          iso(t.createdAt),
          iso(t.expiresAt),
          t.lastUsedAt ? iso(t.lastUsedAt) : "never",
          t.admin ?? "-",
          t.name,
        ]),
      ),
    );
  },
});
