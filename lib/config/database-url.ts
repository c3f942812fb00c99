import path from "node:path";

export type DatabaseTarget =
  { provider: "sqlite"; file: string } | { provider: "postgresql"; url: string };

/** `file:<path>` → SQLite (path relative to the working directory); `postgres(ql)://` → PostgreSQL. */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith("file:")) {
    const file = url.slice("file:".length).replace(/\?.*$/, "");
    if (!file) throw new Error("DATABASE_URL: file: needs a path, e.g. file:./data/custodian.db");
    return { provider: "sqlite", file: file === ":memory:" ? file : path.resolve(file) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { provider: "postgresql", url };
  throw new Error("DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL)");
}

/** The URL with its password replaced, for logs and error messages. */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, "$1***@");
}
