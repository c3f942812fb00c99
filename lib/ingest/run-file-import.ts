import { statSync } from "node:fs";
import path from "node:path";
import { componentActor } from "../audit/actor.ts";
import { record } from "../audit/record.ts";
import { CliUsageError } from "../errors/cli-usage-error.ts";
import { DatabaseBusyError } from "../db/write-connection.ts";
import { UserError } from "../errors/user-error.ts";
import { formatCounts, formatIngestErrors, formatWarnings } from "./format-apply-result.ts";
import type { ApplyResult } from "./types.ts";

export type FileImport = (options: {
  file: string;
  filesDir?: string;
  onProgress?: (p: { phase: "validate" | "write"; records: number }) => void;
}) => Promise<ApplyResult>;

/**
 * The CLI side of `ingest` and `import-mattermost`: checks the paths, runs the import, prints
 * counts and warnings (stdout) or `line N: field: message` errors (stderr), and writes one
 * bulkImport audit record. Returns the exit code: 0 applied, 1 refused (nothing applied).
 */
export async function runFileImport(options: {
  apiPath: string;
  file: string;
  filesDir?: string;
  apply: FileImport;
}): Promise<number> {
  const { file, filesDir, apiPath } = options;
  if (!isKind(file, "file")) throw new CliUsageError(`${file}: no such file`);
  if (filesDir !== undefined && !isKind(filesDir, "directory"))
    throw new CliUsageError(`--files ${filesDir}: no such directory`);
  const parameters: Record<string, unknown> = {
    file: path.basename(file),
    ...(filesDir ? { files_dir: filesDir } : {}),
  };
  const actor = componentActor("cli");
  const onProgress = (p: { phase: string; records: number }) =>
    console.error(`${p.phase === "validate" ? "checked" : "written"}: ${p.records} records`);

  let result: ApplyResult;
  try {
    result = await options.apply({ file, filesDir, onProgress });
  } catch (error) {
    const description = error instanceof Error ? error.message : String(error);
    const busy = error instanceof DatabaseBusyError;
    await record({
      eventName: "bulkImport",
      status: "fail",
      actor,
      objectType: "import",
      apiPath,
      parameters,
      error: { description, status_code: busy ? 503 : 500 },
    });
    throw busy ? new UserError(description, 503) : error;
  }

  if (!result.ok) {
    for (const line of formatIngestErrors(result)) console.error(line);
    for (const line of formatWarnings(result)) console.error(line);
    const description = `${result.errorCount} invalid record(s); nothing was applied`;
    console.error(`${description}.`);
    await record({
      eventName: "bulkImport",
      status: "fail",
      actor,
      objectType: "import",
      apiPath,
      parameters: { ...parameters, errors: result.errorCount },
      error: { description, status_code: 422 },
    });
    return 1;
  }
  console.log(`Applied ${path.basename(file)}:`);
  for (const line of formatCounts(result.counts)) console.log(line);
  for (const line of formatWarnings(result)) console.log(line);
  await record({
    eventName: "bulkImport",
    status: "success",
    actor,
    objectType: "import",
    apiPath,
    parameters: { ...parameters, counts: result.counts },
    resultingState: { counts: result.counts, warnings: result.warningCount },
  });
  return 0;
}

function isKind(p: string, kind: "file" | "directory"): boolean {
  try {
    const info = statSync(p);
    return kind === "file" ? info.isFile() : info.isDirectory();
  } catch {
    return false;
  }
}
