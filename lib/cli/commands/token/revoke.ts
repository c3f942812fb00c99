import { z } from "zod";
import { UserError } from "../../../errors/user-error.ts";
import { revokeIngestToken } from "../../../ingest/revoke-ingest-token.ts";
import { defineCommand } from "../../define-command.ts";

export const revoke = defineCommand({
  name: "token revoke",
  summary: "Revoke a token by its id (it stops working at once)",
  positionals: ["id"],
  schema: z.object({ id: z.string().min(1).max(100) }),
  audit: { event: "revokeIngestToken", objectType: "token" },
  async run({ input, out }) {
    if (!(await revokeIngestToken(input.id))) throw new UserError(`no active token with id "${input.id}"`, 404);
    out(`Revoked token ${input.id}.`);
    return { audit: { parameters: { token_id: input.id } } };
  },
});
