import { z } from "zod";
import { importMattermostBulk } from "../../ingest/import-mattermost-bulk.ts";
import { runFileImport } from "../../ingest/run-file-import.ts";
import { defineCommand } from "../define-command.ts";

export const command = defineCommand({
  name: "import-mattermost",
  summary: "Import a Mattermost bulk export (mmctl export) with its attachments",
  positionals: ["file"],
  flags: {
    files: {
      type: "string",
      value: "DIR",
      help: "the directory the attachments' paths are relative to (usually the unzipped export)",
    },
  },
  schema: z.object({ file: z.string().min(1), files: z.string().min(1).optional() }),
  details:
    'The JSON-lines file of "mmctl export" (unzip the export first). Ids are derived from names, so importing\n' +
    'the same file again changes nothing. All or nothing: problems are printed as "line N: field: message"\n' +
    "and nothing is applied (exit 1).",
  async run({ input }) {
    return {
      exitCode: await runFileImport({
        apiPath: "cli:import-mattermost",
        file: input.file,
        filesDir: input.files,
        apply: importMattermostBulk,
      }),
    };
  },
});
