import { importMattermostBulk } from "../../ingest/import-mattermost-bulk.ts";
import { runFileImport } from "../../ingest/run-file-import.ts";
import type { CliCommand } from "../cli-error.ts";
import { parseFileArgs } from "./ingest.ts";

const USAGE = `Usage: npm run cli -- import-mattermost <bulk-export.jsonl> [--files DIR]

Imports a Mattermost bulk export (the JSON-lines file of "mmctl export"; unzip the export first).
--files DIR: the directory the attachments' paths are relative to (usually the unzipped export).
Ids are derived from names, so importing the same file again changes nothing. All or nothing:
problems are printed as "line N: field: message" and nothing is applied (exit 1).`;

export const command: CliCommand = {
  summary: "Import a Mattermost bulk export (mmctl export) with its attachments",
  usage: USAGE,
  async run(argv) {
    const { file, filesDir } = parseFileArgs(argv, USAGE);
    return runFileImport({ apiPath: "cli:import-mattermost", file, filesDir, apply: importMattermostBulk });
  },
};
