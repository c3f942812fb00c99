import { z } from "zod";
import { rotateAttachmentKey } from "../../../encryption/rotate-attachment-key.ts";
import { defineCommand } from "../../define-command.ts";

export const rotate = defineCommand({
  name: "keys rotate",
  summary:
    "Add a new attachment key, re-wrap every stored file's data key under it, retire the old keys",
  schema: z.object({}),
  json: true,
  details:
    "Only the small .meta of each file changes: the ciphertext is not re-encrypted. Safe to kill: run it\n" +
    "again (or let the worker's sweep) and it continues the same rotation rather than adding another key.\n" +
    "Retired keys are kept, so exports made with them (decrypt off) can still be opened.",
  audit: { event: "rotateAttachmentKey", objectType: "key" },
  async run({ emit }) {
    const r = (await rotateAttachmentKey())!;
    emit(r, (x) =>
      [
        `${x.resumed ? "Continued the rotation to" : "Rotated to"} ${x.keyId}: ${x.rewrapped} file(s) re-wrapped${x.retired.length ? `, retired ${x.retired.join(", ")}` : ""}.`,
        x.finished ? "" : "Not finished (files changed meanwhile): run it again.",
        x.plaintext
          ? `${x.plaintext} file(s) are still in plaintext: npm run cli -- keys encrypt-store`
          : "",
      ].filter(Boolean),
    );
    return {
      exitCode: r.finished ? 0 : 1,
      audit: {
        parameters: { resumed: r.resumed },
        resultingState: {
          key_id: r.keyId,
          rewrapped: r.rewrapped,
          retired: r.retired,
          finished: r.finished,
        },
      },
    };
  },
});
