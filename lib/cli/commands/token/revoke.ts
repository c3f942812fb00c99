import { z } from "zod";
import { revokeApiToken } from "../../../auth/revoke-api-token.ts";
import { db } from "../../../db/client.ts";
import { UserError } from "../../../errors/user-error.ts";
import { revokeIngestToken } from "../../../ingest/revoke-ingest-token.ts";
import { defineCommand } from "../../define-command.ts";

export const revoke = defineCommand({
  name: "token revoke",
  summary: "Revoke an ingest or API token by its id (it stops working at once)",
  positionals: ["id"],
  schema: z.object({ id: z.string().min(1).max(100) }),
  async run({ input, out, record }) {
    const parameters = { token_id: input.id };
    if (await revokeIngestToken(input.id)) {
      await record("revokeIngestToken", "token", "success", { parameters });
      out(`Revoked ingest token ${input.id}.`);
      return;
    }
    const api = await revokeApiToken({ tokenId: input.id });
    if (!api) {
      const description = `no active token with id "${input.id}"`;
      await record("revokeIngestToken", "token", "fail", {
        parameters,
        error: { description, status_code: 404 },
      });
      throw new UserError(description, 404);
    }
    const owner = await db().adminUser.findUnique({
      where: { id: api.userId },
      select: { email: true },
    });
    await record("revokeApiToken", "token", "success", {
      parameters,
      resultingState: { user_id: api.userId, name: api.name },
    });
    out(`Revoked API token ${input.id} of ${owner?.email ?? api.userId}.`);
  },
});
