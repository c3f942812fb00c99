import Database from "better-sqlite3";
import pg from "pg";
import { env } from "../config/env.ts";
import { parseDatabaseUrl } from "../config/database-url.ts";

// The export's hot read path goes to the drivers directly: Prisma's row mapping costs more than
// the query itself at a million rows. Statements are written once with $1…$n placeholders, which
// SQLite reads as named parameters "1"…"n". Integers come back as JavaScript numbers (epoch ms fit).

type Reader = {
  url: string;
  /** raw: each row an array of its columns in SELECT order (no per-row object: about half the read's cost at 10,000 rows). */
  query: (
    sql: string,
    params: unknown[],
    raw?: boolean,
  ) => Promise<Record<string, unknown>[] | unknown[][]>;
  close: () => Promise<void>;
};
const globalForReader = globalThis as unknown as { custodianReader?: Reader };

function openReader(url: string): Reader {
  const target = parseDatabaseUrl(url);
  if (target.provider === "sqlite") {
    const conn = new Database(target.file, {
      readonly: true,
      fileMustExist: true,
      timeout: 15_000,
    });
    const cache = new Map<string, Database.Statement>();
    return {
      url,
      query: async (sql, params, raw = false) => {
        const key = raw ? `raw:${sql}` : sql;
        let stmt = cache.get(key);
        if (!stmt) {
          stmt = conn.prepare(sql).raw(raw);
          cache.set(key, stmt);
        }
        const named = Object.fromEntries(
          params.map((p, i) => [String(i + 1), typeof p === "bigint" ? Number(p) : p]),
        );
        return stmt.all(named) as Record<string, unknown>[] | unknown[][];
      },
      close: async () => {
        conn.close();
      },
    };
  }
  const pool = new pg.Pool({ connectionString: target.url, max: 2 });
  pool.on("error", () => {}); // an idle client's error surfaces on the next query
  return {
    url,
    query: async (sql, params, raw = false) =>
      (
        await pool.query({
          text: sql,
          values: params.map((p) => (typeof p === "bigint" ? p.toString() : p)),
          ...(raw ? { rowMode: "array" } : {}),
        })
      ).rows as Record<string, unknown>[] | unknown[][],
    close: () => pool.end(),
  };
}

/** Tests: each is told every statement readRows runs (to assert what a query asks, not only what comes back). */
export const readRowsObservers = new Set<(sql: string, params: readonly unknown[]) => void>();

/** Rows of a read-only statement, straight from the driver. */
export async function readRows(sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  for (const observe of readRowsObservers) observe(sql, params);
  return (await (await reader()).query(sql, params)) as Record<string, unknown>[];
}

/** Rows of a read-only statement as arrays of their columns, in the statement's column order (observed like readRows). */
export async function readRowArrays(sql: string, params: unknown[]): Promise<unknown[][]> {
  for (const observe of readRowsObservers) observe(sql, params);
  return (await (await reader()).query(sql, params, true)) as unknown[][];
}

async function reader(): Promise<Reader> {
  const url = env().DATABASE_URL;
  let reader = globalForReader.custodianReader;
  if (!reader || reader.url !== url) {
    await reader?.close().catch(() => {});
    reader = openReader(url);
    globalForReader.custodianReader = reader;
  }
  return reader;
}

export async function closeReader(): Promise<void> {
  const reader = globalForReader.custodianReader;
  globalForReader.custodianReader = undefined;
  await reader?.close();
}
