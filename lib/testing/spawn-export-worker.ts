import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import path from "node:path";
import type { TestDatabase } from "./test-db.ts";

/**
 * The crash harness (`export-worker-child.ts`) in a process of its own, on the test's database;
 * `env` says which job it works and where it stalls or dies.
 */
export function spawnExportWorker(options: {
  db: Pick<TestDatabase, "url" | "dataDir">;
  env: Record<string, string>;
  stdio?: StdioOptions;
}): ChildProcess {
  return spawn(
    process.execPath,
    ["--import", "tsx", path.join("lib", "testing", "export-worker-child.ts")],
    {
      cwd: process.cwd(),
      env: {
        ...process.env,
        DATABASE_URL: options.db.url,
        CUSTODIAN_DATA_DIR: options.db.dataDir,
        LOG_LEVEL: "silent",
        ...options.env,
      },
      stdio: options.stdio ?? ["ignore", "ignore", "inherit"],
    },
  );
}
