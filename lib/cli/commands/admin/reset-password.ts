import { z } from "zod";
import { resetAdminPassword } from "../../../admins/reset-admin-password.ts";
import { consoleUrl } from "../../../notifications/console-url.ts";
import { defineCommand } from "../../define-command.ts";

export const resetPassword = defineCommand({
  name: "admin reset-password",
  summary:
    "Print a one-time set-password link for an admin (the owner too); ends their sessions and API tokens",
  flags: {
    email: { type: "string", value: "EMAIL", help: "the admin's email address", required: true },
  },
  schema: z.object({ email: z.string({ error: "is required" }).min(1, "is required") }),
  details:
    "For the machine operator when a password is forgotten or the owner is locked out. The current password\n" +
    "stops working at once. The link (on standard output; CUSTODIAN_PUBLIC_URL sets its origin) is valid for\n" +
    "72 hours and works once. Audited as updatePassword.",
  audit: { event: "updatePassword", objectType: "user" },
  async run({ input, out, note }) {
    const r = await resetAdminPassword({ email: input.email });
    note(
      `Password of ${r.email} reset; ${r.sessionsEnded} session(s) ended, ${r.apiTokensRevoked} API token(s) revoked. The link expires ${r.expiresAt.toISOString()}.`,
    );
    out(consoleUrl(`set-password?token=${encodeURIComponent(r.token)}`));
    return {
      audit: {
        parameters: { email: r.email, mode: "one-time link issued by the operator" },
        resultingState: {
          user_id: r.userId,
          owner: r.owner,
          sessions_ended: r.sessionsEnded,
          api_tokens_revoked: r.apiTokensRevoked,
          link_expires_at: r.expiresAt.toISOString(),
        },
      },
    };
  },
});
