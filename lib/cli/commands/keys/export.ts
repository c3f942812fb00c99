import { z } from "zod";
import { exportAttachmentKey } from "../../../encryption/export-attachment-key.ts";
import { CliUsageError } from "../../../errors/cli-usage-error.ts";
import { defineCommand } from "../../define-command.ts";
import { readSecretInput } from "../../read-secret-input.ts";

export const exportKey = defineCommand({
  name: "keys export",
  summary:
    "Write an attachment key to a key file (JWK, mode 0600) for opening exports made with decrypt off — the owner only",
  flags: {
    id: { type: "string", value: "K", help: "the key's id (keys list), e.g. k1", required: true },
    out: {
      type: "string",
      value: "FILE",
      help: "the key file to write (never over an existing file)",
      required: true,
    },
    "password-stdin": { type: "boolean", help: "read the owner's password from standard input" },
  },
  schema: z.object({
    id: z.string().regex(/^k[1-9][0-9]{0,8}$/, "a key id such as k1"),
    out: z.string().min(1),
    passwordStdin: z.boolean().default(false),
  }),
  details:
    "The owner's password is read from CUSTODIAN_ADMIN_PASSWORD, or from standard input with --password-stdin.\n" +
    "Whoever holds the file can decrypt every attachment exported under that key: keep it like the archive.",
  audit: { event: "exportAttachmentKey", objectType: "key" },
  async run({ input, out }) {
    const password = input.passwordStdin
      ? await readSecretInput()
      : (process.env.CUSTODIAN_ADMIN_PASSWORD ?? "");
    if (!password)
      throw new CliUsageError("no password: set CUSTODIAN_ADMIN_PASSWORD or pass --password-stdin");
    const r = await exportAttachmentKey({ keyId: input.id, out: input.out, password });
    out(`Wrote attachment key ${r.keyId} to ${r.out} (mode 0600).`);
    return {
      audit: {
        parameters: { key_id: r.keyId, out: r.out },
        resultingState: { owner: r.owner, file: r.out },
      },
    };
  },
});
