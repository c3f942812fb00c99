import { z } from "zod";
import { decryptExportZip } from "../../encryption/decrypt-export-zip.ts";
import { defineCommand } from "../define-command.ts";

export const command = defineCommand({
  name: "decrypt-export",
  summary:
    "Extract a batch zip exported with decrypt off, its attachments decrypted with an attachment key file",
  positionals: ["zip"],
  flags: {
    "key-file": {
      type: "string",
      value: "F",
      help: "an attachment key file (keys export); repeat for a batch under several keys",
      required: true,
      multiple: true,
    },
    out: {
      type: "string",
      value: "DIR",
      help: "where to extract (a new directory; default: the zip's name with -decrypted)",
    },
  },
  schema: z.object({
    zip: z.string().min(1),
    keyFile: z.array(z.string().min(1)).min(1, "give --key-file"),
    out: z.string().min(1).optional(),
  }),
  json: true,
  migrate: false,
  details:
    "Needs no database: only the zip and the key file(s). Every attachment's tag, SHA-256 and size are\n" +
    "checked; a wrong key or a changed entry stops it with the entry's name (exit 1) and nothing is left behind.",
  async run({ input, emit }) {
    const r = await decryptExportZip({ zip: input.zip, keyFiles: input.keyFile, out: input.out });
    emit(
      r,
      (x) =>
        `Extracted ${x.entries} entries into ${x.out}: ${x.decrypted} attachment(s) decrypted and verified.`,
    );
  },
});
