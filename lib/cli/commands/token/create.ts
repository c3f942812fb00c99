import { z } from "zod";
import { createIngestToken } from "../../../ingest/create-ingest-token.ts";
import { ZIngestTokenName } from "../../../ingest/token-schema.ts";
import { defineCommand } from "../../define-command.ts";

export const create = defineCommand({
  name: "token create",
  summary: "Create a bearer token for the ingest API (POST /api/v1/ingest); printed once",
  flags: { name: { type: "string", value: "NAME", help: "what the token is for, e.g. mattermost-prod" } },
  schema: z.object({ name: ZIngestTokenName }),
  json: true,
  details: "The token alone is printed on standard output; only its sha256 is stored, so keep it somewhere safe.",
  audit: { event: "createIngestToken", objectType: "token" },
  async run({ input, emit, note, json }) {
    const created = await createIngestToken({ name: input.name, createdBy: "cli" });
    if (!json) note(`Created ingest token "${created.name}" (id ${created.id}). It is shown only this once.`);
    emit({ id: created.id, name: created.name, kind: "ingest", token: created.token }, (t) => t.token);
    return { audit: { parameters: { name: created.name }, resultingState: { token_id: created.id } } };
  },
});
