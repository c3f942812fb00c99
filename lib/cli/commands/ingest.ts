import { z } from "zod";
import { applyRecordFile } from "../../ingest/apply-record-file.ts";
import { runFileImport } from "../../ingest/run-file-import.ts";
import { defineCommand } from "../define-command.ts";

export const command = defineCommand({
  name: "ingest",
  summary: "Load chat records from a JSON-lines file (all or nothing)",
  positionals: ["file"],
  flags: {
    files: {
      type: "string",
      value: "DIR",
      help: "read file_info.path from inside DIR and copy the bytes into the file store",
    },
  },
  schema: z.object({ file: z.string().min(1), files: z.string().min(1).optional() }),
  details:
    'One JSON object per line ({"type": "post", "post": {...}}; see docs/ingest.md). Every line is checked first;\n' +
    'if any is bad, each problem is printed as "line N: field: message" and nothing is applied (exit 1).\n' +
    "Otherwise all records are written in one transaction; records with a known id replace the stored row.",
  async run({ input }) {
    return {
      exitCode: await runFileImport({
        apiPath: "cli:ingest",
        file: input.file,
        filesDir: input.files,
        apply: applyRecordFile,
      }),
    };
  },
});
