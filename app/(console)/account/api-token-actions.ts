"use server";

import { ZApiTokenInput, ZApiTokenRef } from "@/lib/auth/api-token-schema.ts";
import { createApiToken } from "@/lib/auth/create-api-token.ts";
import { revokeApiToken } from "@/lib/auth/revoke-api-token.ts";
import { UserError } from "@/lib/errors/user-error.ts";
import { defineAction } from "@/app/_server/action.ts";

/** A personal API token: it acts with the signed-in admin's own rights, whatever they become. */
export const createApiTokenAction = defineAction(
  {
    id: "/account#createApiToken",
    schema: ZApiTokenInput,
    right: "signed-in",
    event: "createApiToken",
    objectType: "token",
    auditable: { name: true, expiresInDays: true },
  },
  async ({ input, session }) => {
    const created = await createApiToken({
      userId: session.user.id,
      name: input.name,
      expiresInDays: input.expiresInDays,
      createdBy: session.user.email,
    });
    return {
      data: {
        id: created.id,
        name: created.name,
        token: created.token,
        expiresAt: created.expiresAt.getTime(),
      },
      audit: {
        resultingState: { token_id: created.id, expires_at: created.expiresAt.toISOString() },
      },
    };
  },
);

export const revokeApiTokenAction = defineAction(
  {
    id: "/account#revokeApiToken",
    schema: ZApiTokenRef,
    right: "signed-in",
    event: "revokeApiToken",
    objectType: "token",
    auditable: { tokenId: true },
  },
  async ({ input, session }) => {
    if (!(await revokeApiToken({ tokenId: input.tokenId, userId: session.user.id })))
      throw new UserError("No such active token of yours.", 404);
    return { data: null };
  },
);
