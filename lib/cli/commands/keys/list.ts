import { z } from "zod";
import { findCurrentAttachmentKey, listAttachmentKeys } from "../../../encryption/key-ring.ts";
import { summarizeFileStore } from "../../../encryption/summarize-file-store.ts";
import { defineCommand } from "../../define-command.ts";
import { iso, table } from "../../schema.ts";

export const list = defineCommand({
  name: "keys list",
  summary: "The key ring: each attachment key's id, state and dates (never the key)",
  flags: {
    files: {
      type: "boolean",
      help: "also count the stored files under each key, and those still in plaintext (reads every .meta)",
    },
  },
  schema: z.object({ files: z.boolean().default(false) }),
  json: true,
  details:
    "The current key wraps every new file; a retired key wraps no stored file any more and is kept to open\nexports made with it (decrypt off). A rotation that stopped shows as more than one key in use.",
  async run({ input, emit }) {
    const current = (await findCurrentAttachmentKey())?.id ?? null;
    const summary = input.files ? await summarizeFileStore() : null;
    const keys = (await listAttachmentKeys()).map((k) => ({
      id: k.id,
      state: k.id === current ? "current" : k.retiredAt ? "retired" : "rotating-out",
      createdAt: k.createdAt.getTime(),
      retiredAt: k.retiredAt?.getTime() ?? null,
      ...(summary ? { files: summary.byKey[k.id] ?? 0 } : {}),
    }));
    emit(
      summary ? { keys, plaintextFiles: summary.plaintext, files: summary.files } : { keys },
      (r) => [
        ...(r.keys.length === 0
          ? [
              "No attachment key yet: the first file stored (or the worker's first sweep) creates k1.",
            ]
          : table(
              ["ID", "STATE", "CREATED", "RETIRED", ...(summary ? ["FILES"] : [])],
              r.keys.map((k) => [
                k.id,
                k.state,
                iso(k.createdAt),
                iso(k.retiredAt),
                ...(summary ? [String(k.files ?? 0)] : []),
              ]),
            )),
        ...(summary
          ? [`${summary.files} stored files, ${summary.plaintext} still in plaintext.`]
          : []),
      ],
    );
  },
});
