import { z } from "zod";
import { AdminExistsError, createAdmin, OwnerExistsError } from "../../../auth/create-admin.ts";
import { passwordProblem } from "../../../auth/password-policy.ts";
import { UserError } from "../../../errors/user-error.ts";
import { ZEmail } from "../../../validation/email.ts";
import { CliUsageError } from "../../../errors/cli-usage-error.ts";
import { defineCommand } from "../../define-command.ts";
import { readSecretInput } from "../../read-secret-input.ts";
import { ZRightsList } from "../../schema.ts";

export const create = defineCommand({
  name: "admin create",
  summary: "Create an admin; --owner creates the owner (only one may exist: the headless set-up)",
  flags: {
    email: { type: "string", value: "EMAIL", help: "the admin's email address", required: true },
    owner: { type: "boolean", help: "create the owner" },
    rights: {
      type: "string",
      value: "R,R",
      help: "rights to grant: configure, request, download, audit, manage_admins",
    },
    "password-stdin": { type: "boolean", help: "read the password from standard input" },
  },
  schema: z.object({
    email: ZEmail,
    owner: z.boolean().default(false),
    rights: ZRightsList.default([]),
    passwordStdin: z.boolean().default(false),
  }),
  details:
    "The password is read from CUSTODIAN_ADMIN_PASSWORD, or from standard input with --password-stdin.",
  audit: { event: "createUser", objectType: "user" },
  async run({ input, out }) {
    const password = input.passwordStdin
      ? await readSecretInput()
      : (process.env.CUSTODIAN_ADMIN_PASSWORD ?? "");
    if (!password)
      throw new CliUsageError("no password: set CUSTODIAN_ADMIN_PASSWORD or pass --password-stdin");
    const problem = passwordProblem(password, { email: input.email });
    if (problem) throw new CliUsageError(`password: ${problem}`);
    const parameters = { email: input.email, owner: input.owner, rights: input.rights };
    try {
      const user = await createAdmin({
        email: input.email,
        password,
        owner: input.owner,
        rights: input.rights,
      });
      out(`Created ${input.owner ? "owner" : "admin"} ${user.email} (${user.id})`);
      return {
        audit: {
          parameters,
          resultingState: { user_id: user.id, email: user.email, owner: input.owner },
        },
      };
    } catch (error) {
      if (error instanceof OwnerExistsError || error instanceof AdminExistsError)
        throw new UserError(error.message, 409);
      throw error;
    }
  },
});
