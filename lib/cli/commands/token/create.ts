import { z } from "zod";
import { API_TOKEN_MAX_DAYS } from "../../../auth/api-token-schema.ts";
import { createApiToken } from "../../../auth/create-api-token.ts";
import { db } from "../../../db/client.ts";
import { UserError } from "../../../errors/user-error.ts";
import { createIngestToken } from "../../../ingest/create-ingest-token.ts";
import { ZIngestTokenName } from "../../../ingest/token-schema.ts";
import { defineCommand } from "../../define-command.ts";
import { ZDuration } from "../../schema.ts";

export const create = defineCommand({
  name: "token create",
  summary: "Create an ingest token, or (--kind api) an admin's API token; printed once",
  flags: {
    name: {
      type: "string",
      value: "NAME",
      help: "what the token is for, e.g. mattermost-prod",
      required: true,
    },
    kind: {
      type: "string",
      value: "ingest|api",
      help: "ingest (default): POST /api/v1/ingest; api: every other /api/v1 route, as an admin",
    },
    expires: {
      type: "string",
      value: "90d",
      help: "api tokens: lifetime, e.g. 30d (default 90d, at most 365d)",
    },
    as: {
      type: "string",
      value: "EMAIL",
      help: "api tokens: the admin it acts as (default: the owner)",
    },
  },
  schema: z
    .object({
      name: ZIngestTokenName,
      kind: z.enum(["ingest", "api"], "choose ingest or api").default("ingest"),
      expires: ZDuration.pipe(
        z
          .number()
          .min(86_400_000, "at least 1d")
          .max(API_TOKEN_MAX_DAYS * 86_400_000, `at most ${API_TOKEN_MAX_DAYS}d`),
      ).optional(),
      as: z.string().min(1).optional(),
    })
    .refine((v) => v.kind === "api" || (v.expires === undefined && v.as === undefined), {
      path: ["kind"],
      message: "--expires and --as are for --kind api",
    }),
  json: true,
  details:
    "The token alone is printed on standard output; only its sha256 is stored, so keep it somewhere safe.\n" +
    "An API token acts with its admin's rights as they are at each call: revoke a right and the token loses it.",
  audit: (input) => ({
    event: input.kind === "api" ? "createApiToken" : "createIngestToken",
    objectType: "token",
  }),
  async run({ input, emit, note, json }) {
    if (input.kind === "api") {
      const admin = input.as
        ? await db().adminUser.findUnique({ where: { email: input.as.toLowerCase() } })
        : await db().adminUser.findUnique({ where: { ownerSlot: "owner" } });
      if (!admin || admin.disabledAt)
        throw new UserError(
          input.as
            ? `no active admin has the email ${input.as}`
            : "there is no owner yet: create one first (admin create --owner)",
          404,
        );
      const expiresInDays = Math.round((input.expires ?? 90 * 86_400_000) / 86_400_000);
      const created = await createApiToken({
        userId: admin.id,
        name: input.name,
        expiresInDays,
        createdBy: "cli",
      });
      if (!json)
        note(
          `Created API token "${created.name}" (id ${created.id}) for ${admin.email}, valid until ${created.expiresAt.toISOString()}. It is shown only this once.`,
        );
      emit(
        {
          id: created.id,
          name: created.name,
          kind: "api",
          admin: admin.email,
          expiresAt: created.expiresAt.getTime(),
          token: created.token,
        },
        (t) => t.token,
      );
      return {
        audit: {
          parameters: { name: created.name, admin: admin.email, expires_in_days: expiresInDays },
          resultingState: {
            token_id: created.id,
            user_id: admin.id,
            expires_at: created.expiresAt.toISOString(),
          },
        },
      };
    }
    const created = await createIngestToken({ name: input.name, createdBy: "cli" });
    if (!json)
      note(
        `Created ingest token "${created.name}" (id ${created.id}). It is shown only this once.`,
      );
    emit(
      { id: created.id, name: created.name, kind: "ingest", token: created.token },
      (t) => t.token,
    );
    return {
      audit: { parameters: { name: created.name }, resultingState: { token_id: created.id } },
    };
  },
});
