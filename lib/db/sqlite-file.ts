import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";

/**
 * Creates the SQLite file (and its folder) private before SQLite opens it: SQLite creates a new
 * database 0644 less the umask, and gives the WAL and SHM files the database file's own mode.
 */
export function preparePrivateSqliteFile(file: string): void {
  if (file === ":memory:") return;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, "a", 0o600));
  chmodSync(file, 0o600);
}
