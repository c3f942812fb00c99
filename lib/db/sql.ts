import Database from "better-sqlite3";
import pg from "pg";
import { env } from "../config/env.ts";
import { parseDatabaseUrl } from "./database-url.ts";

// The export's hot read path goes to the drivers directly: Prisma's row mapping costs more than
// the query itself at a million rows. Statements are written once with $1…$n placeholders, which
// SQLite reads as named parameters "1"…"n". Integers come back as JavaScript numbers (epoch ms fit).

type Reader = { url: string; query: (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>; close: () => Promise<void> };
const globalForReader = globalThis as unknown as { custodianReader?: Reader };

function openReader(url: string): Reader {
  const target = parseDatabaseUrl(url);
  if (target.provider === "sqlite") {
    const conn = new Database(target.file, { readonly: true, fileMustExist: true, timeout: 15_000 });
    const cache = new Map<string, Database.Statement>();
    return {
      url,
      query: async (sql, params) => {
        let stmt = cache.get(sql);
        if (!stmt) {
          stmt = conn.prepare(sql);
          cache.set(sql, stmt);
        }
        const named = Object.fromEntries(params.map((p, i) => [String(i + 1), typeof p === "bigint" ? Number(p) : p]));
        return stmt.all(named) as Record<string, unknown>[];
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
    query: async (sql, params) => (await pool.query({ text: sql, values: params.map((p) => (typeof p === "bigint" ? p.toString() : p)) })).rows as Record<string, unknown>[],
    close: () => pool.end(),
  };
}

/** Tests: each is told every statement readRows runs (to assert what a query asks, not only what comes back). */
export const readRowsObservers = new Set<(sql: string, params: readonly unknown[]) => void>();

/** Rows of a read-only statement, straight from the driver. */
export async function readRows(sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  for (const observe of readRowsObservers) observe(sql, params);
  const url = env().DATABASE_URL;
  let reader = globalForReader.custodianReader;
  if (!reader || reader.url !== url) {
    await reader?.close().catch(() => {});
    reader = openReader(url);
    globalForReader.custodianReader = reader;
  }
  return reader.query(sql, params);
}

export async function closeReader(): Promise<void> {
  const reader = globalForReader.custodianReader;
  globalForReader.custodianReader = undefined;
  await reader?.close();
}
