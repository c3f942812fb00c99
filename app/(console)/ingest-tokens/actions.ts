"use server";

import { UserError } from "@/lib/errors/user-error.ts";
import { createIngestToken } from "@/lib/ingest/create-ingest-token.ts";
import { revokeIngestToken } from "@/lib/ingest/revoke-ingest-token.ts";
import { ZCreateIngestTokenInput, ZIngestTokenRef } from "@/lib/ingest/token-schema.ts";
import { defineAction } from "@/app/_server/action.ts";

export const createIngestTokenAction = defineAction(
  {
    id: "/ingest-tokens#create",
    schema: ZCreateIngestTokenInput,
    right: "configure",
    event: "createIngestToken",
    objectType: "token",
    auditable: { name: true },
  },
  async ({ input, session }) => {
    const created = await createIngestToken({ name: input.name, createdBy: session.user.email });
    return {
      data: { id: created.id, name: created.name, token: created.token },
      audit: { resultingState: { token_id: created.id } },
    };
  },
);

export const revokeIngestTokenAction = defineAction(
  {
    id: "/ingest-tokens#revoke",
    schema: ZIngestTokenRef,
    right: "configure",
    event: "revokeIngestToken",
    objectType: "token",
    auditable: { tokenId: true },
  },
  async ({ input }) => {
    if (!(await revokeIngestToken(input.tokenId)))
      throw new UserError("No such active token.", 404);
    return { data: null };
  },
);
