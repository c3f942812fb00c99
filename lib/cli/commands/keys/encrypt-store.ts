import { z } from "zod";
import { collectStoreGarbage } from "../../../encryption/collect-store-garbage.ts";
import { encryptFileStore } from "../../../encryption/encrypt-file-store.ts";
import { defineCommand } from "../../define-command.ts";

export const encryptStore = defineCommand({
  name: "keys encrypt-store",
  summary:
    "Encrypt, in place, every attachment stored before encryption (the worker also does it in the background)",
  schema: z.object({}),
  json: true,
  details:
    "One file at a time: ciphertext to a temp file, fsync, rename, then its .meta, then the plaintext goes.\n" +
    "Safe to kill at any point and to run beside the worker; a file stays readable throughout.",
  audit: { event: "encryptFileStore", objectType: "key" },
  async run({ emit, terminal }) {
    const r = await encryptFileStore({
      component: "cli",
      onFile: (n) => terminal.setStatus(`${n} file(s) encrypted…`),
    });
    terminal.setStatus("");
    const removed = await collectStoreGarbage();
    emit({ ...r, removed }, (x) => [
      `Encrypted ${x.encrypted} file(s); ${x.remaining} left in plaintext.`,
      ...(x.mismatched
        ? [
            `${x.mismatched} of them no longer matched the SHA-256 recorded at ingest (kept as they are; exports report them).`,
          ]
        : []),
    ]);
    return {
      audit: {
        resultingState: {
          encrypted: r.encrypted,
          mismatched: r.mismatched,
          remaining: r.remaining,
        },
      },
    };
  },
});
