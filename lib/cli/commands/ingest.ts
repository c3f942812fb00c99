import { parseArgs } from "node:util";
import { applyRecordFile } from "../../ingest/apply-record-file.ts";
import { runFileImport } from "../../ingest/run-file-import.ts";
import { CliUsageError, type CliCommand } from "../cli-error.ts";

const USAGE = `Usage: npm run cli -- ingest <file.jsonl> [--files DIR]

Loads chat records, one JSON object per line ({"type": "post", "post": {...}}; see docs/ingest.md).
Every line is checked first; if any is bad, each problem is printed as "line N: field: message"
and nothing is applied (exit 1). Otherwise all records are written in one transaction; records
with a known id replace the stored row. --files DIR: file_info.path is read from inside DIR and
the bytes are copied into Custodian's file store.`;

export const command: CliCommand = {
  summary: "Load chat records from a JSON-lines file (all or nothing)",
  usage: USAGE,
  async run(argv) {
    const { file, filesDir } = parseFileArgs(argv, USAGE);
    return runFileImport({ apiPath: "cli:ingest", file, filesDir, apply: applyRecordFile });
  },
};

export function parseFileArgs(argv: string[], usage: string): { file: string; filesDir?: string } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { files: { type: "string" } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliUsageError(`${(error as Error).message}\n\n${usage}`);
  }
  if (parsed.positionals.length !== 1) throw new CliUsageError(`expected one file\n\n${usage}`);
  return { file: parsed.positionals[0]!, filesDir: parsed.values.files };
}
