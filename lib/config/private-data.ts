import { chmodSync, existsSync } from "node:fs";
import path from "node:path";
import { parseDatabaseUrl } from "./database-url.ts";
import { env } from "./env.ts";

/** New files 0600, new directories 0700. */
export const PRIVATE_UMASK = 0o077;

/**
 * Run first by every entry point (npm start, npm run worker, the CLI). The data directory holds the
 * whole archive, the key that opens its secrets and the audit log: nobody but this account may read
 * any of it, whatever umask the process inherited. Sets the process umask (every later file and
 * directory, whoever creates it, is private) and tightens what an earlier version left readable.
 * Returns the inherited umask, for child processes that build rather than store (next build).
 */
export function protectDataFiles(): number {
  const inherited = process.umask(PRIVATE_UMASK);
  const config = env();
  for (const dir of new Set([
    config.dataDir,
    path.dirname(config.auditLogFile),
    config.fileStoreDir,
    config.exportDir,
  ]))
    tighten(dir, 0o700);
  tighten(path.join(config.dataDir, "secret.key"), 0o600);
  tighten(config.auditLogFile, 0o600);
  const target = parseDatabaseUrl(config.DATABASE_URL);
  if (target.provider === "sqlite" && target.file !== ":memory:") {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) tighten(target.file + suffix, 0o600);
  }
  return inherited;
}

function tighten(file: string, mode: number): void {
  if (existsSync(file)) chmodSync(file, mode);
}
