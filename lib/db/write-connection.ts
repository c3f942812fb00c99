import Database from "better-sqlite3";
import pg from "pg";
import { env } from "../config/env.ts";
import { parseDatabaseUrl } from "../config/database-url.ts";
import { preparePrivateSqliteFile } from "./sqlite-file.ts";

/**
 * A writer connection of its own, for ingest. Ingest writes on it, with raw prepared statements (issue 14, issue 15
 * item 10). Two reasons: speed (no per-row ORM work), and isolation — Prisma's SQLite adapter shares
 * one connection per process, so a statement issued by any other code while an interactive
 * transaction is open runs inside it and sees its uncommitted rows.
 *
 * Statements use $1…$n placeholders (SQLite reads them as named parameters "1"…"n", as lib/db/sql.ts
 * does). Integers come back as JavaScript numbers on both databases.
 */
export type Dialect = "sqlite" | "postgresql";
export type SqlRow = Record<string, unknown>;

export type WriteSql = {
  readonly dialect: Dialect;
  all(sql: string, params?: unknown[]): Promise<SqlRow[]>;
  /** Runs a statement; the number of rows it changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
};

export type WriteConnection = WriteSql & {
  url: string;
  /** BEGIN, taking the write lock (SQLite) or the change feed's counter (PostgreSQL), waiting at most until `deadline` (ms epoch). */
  begin(deadline: number): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  close(): Promise<void>;
  /**
   * After a transaction and its turn at the write gate (lib/db/sqlite-write-gate.ts): SQLite copies
   * the write-ahead log into the database here, when it has grown, instead of inside COMMIT, so the
   * process's other writes no longer wait for the copy.
   */
  afterTurn(): Promise<void>;
};

/** The write lock could not be had within the budget: the caller answers 503 with Retry-After. */
export class DatabaseBusyError extends Error {
  readonly retryAfterSeconds = 5;
  constructor(waitedMs: number) {
    super(
      `The database is busy with other writes (waited ${Math.round(waitedMs / 1000)} s); nothing was written. Try again shortly.`,
    );
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function toSqliteValue(value: unknown): unknown {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "bigint") return Number(value);
  return value;
}

function openSqlite(url: string, file: string): WriteConnection {
  preparePrivateSqliteFile(file);
  // busy_timeout 0: a busy database is waited for below, asynchronously, never by blocking the thread.
  const conn = new Database(file, { timeout: 0 });
  conn.pragma("journal_mode = WAL");
  conn.pragma("synchronous = NORMAL");
  // Statement journals (one per statement in a transaction, since the tables have triggers) and the
  // staging tables of lib/ingest/write/ live in memory, not in temporary files: several times faster.
  conn.pragma("temp_store = MEMORY");
  // A large transaction (a file of records, a maximum-size request) outgrows the default 2 MB page
  // cache and spills pages to the WAL mid-transaction; 64 MiB (allocated as used) keeps them.
  conn.pragma("cache_size = -65536");
  // Checkpoints in afterTurn, not inside COMMIT (where the write lock and the gate are still held).
  conn.pragma("wal_autocheckpoint = 0");
  const checkpointPassive = conn.prepare("PRAGMA wal_checkpoint(PASSIVE)");
  const totalChanges = conn.prepare("SELECT total_changes() AS n").pluck();
  let changesAtCheckpoint = 0;
  let checkpointedAt = Date.now();
  // A statement whose placeholders are $1…$n once each, in order, binds positionally (cheaper than
  // an object of named parameters per row); any other falls back to the names "1"…"n".
  const cache = new Map<string, { stmt: Database.Statement; positional: boolean }>();
  const statement = (sql: string) => {
    let entry = cache.get(sql);
    if (!entry) {
      const numbers = [...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
      const positional = numbers.every((n, i) => n === i + 1);
      entry = { stmt: conn.prepare(positional ? sql.replace(/\$\d+/g, "?") : sql), positional };
      cache.set(sql, entry);
    }
    return entry;
  };
  const bind = (entry: { positional: boolean }, params: unknown[]) =>
    entry.positional
      ? params.map(toSqliteValue)
      : [Object.fromEntries(params.map((p, i) => [String(i + 1), toSqliteValue(p)]))];
  return {
    url,
    dialect: "sqlite",
    all: async (sql, params = []) => {
      const entry = statement(sql);
      return entry.stmt.all(...bind(entry, params)) as SqlRow[];
    },
    run: async (sql, params = []) => {
      const entry = statement(sql);
      return entry.stmt.run(...bind(entry, params)).changes;
    },
    async begin(deadline) {
      const started = Date.now();
      for (let pause = 5; ; pause = Math.min(pause * 2, 200)) {
        try {
          conn.exec("BEGIN IMMEDIATE");
          return;
        } catch (error) {
          if ((error as { code?: string }).code !== "SQLITE_BUSY") throw error;
          if (Date.now() + pause > deadline) throw new DatabaseBusyError(Date.now() - started);
          await sleep(pause);
        }
      }
    },
    commit: async () => void conn.exec("COMMIT"),
    rollback: async () => {
      if (conn.inTransaction) conn.exec("ROLLBACK");
    },
    close: async () => void conn.close(),
    async afterTurn() {
      // SQLite's own rule is every 1,000 pages; rows are a cheap proxy (a few rows a page), and
      // a second's worth of small writes is checkpointed too.
      const changes = totalChanges.get() as number;
      if (changes - changesAtCheckpoint < 2000 && Date.now() - checkpointedAt < 1000) return;
      checkpointPassive.run();
      changesAtCheckpoint = changes;
      checkpointedAt = Date.now();
    },
  };
}

function openPostgres(url: string): WriteConnection {
  // One connection: ingest writers are serialized in the process anyway (lib/ingest/with-ingest-transaction.ts).
  // bigint (int8) comes back as a number: every one of ours (epoch ms, sizes, sequence numbers) fits a double.
  const types = {
    getTypeParser: (oid: number, format?: string) =>
      oid === 20 ? Number : pg.types.getTypeParser(oid, format as "text"),
  };
  const pool = new pg.Pool({
    connectionString: url,
    max: 1,
    allowExitOnIdle: true,
    types: types as unknown as pg.CustomTypesConfig,
  });
  pool.on("error", () => {}); // an idle client's error surfaces on the next query
  let client: pg.PoolClient | undefined;
  const query = async (sql: string, params: unknown[] = []) => {
    const values = params.map((p) => (typeof p === "bigint" ? p.toString() : p));
    return client ? client.query(sql, values) : pool.query(sql, values);
  };
  return {
    url,
    dialect: "postgresql",
    all: async (sql, params) => (await query(sql, params)).rows as SqlRow[],
    run: async (sql, params) => (await query(sql, params)).rowCount ?? 0,
    async begin(deadline) {
      const started = Date.now();
      client = await pool.connect();
      try {
        await client.query("BEGIN");
        // The first stamp of a transaction locks the feed counter until commit, so ingest transactions
        // serialize on it. Taking it first, before any other lock, means no deadlock can form; the wait
        // for it is bounded like SQLite's.
        const budget = Math.max(1, deadline - Date.now());
        await client.query(`SET LOCAL lock_timeout = ${Math.round(budget)}`);
        await client.query("SELECT custodian_feed_stamp()");
        await client.query("SET LOCAL lock_timeout = 0");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        client.release();
        client = undefined;
        if ((error as { code?: string }).code === "55P03")
          throw new DatabaseBusyError(Date.now() - started);
        throw error;
      }
    },
    async commit() {
      const c = client;
      client = undefined;
      try {
        await c?.query("COMMIT");
      } finally {
        c?.release();
      }
    },
    async rollback() {
      const c = client;
      client = undefined;
      try {
        await c?.query("ROLLBACK");
      } finally {
        c?.release();
      }
    },
    close: () => pool.end(),
    afterTurn: async () => {},
  };
}

const globalForWriter = globalThis as unknown as { custodianWriteConnection?: WriteConnection };

/** This process's (or worker thread's) writer connection for DATABASE_URL. */
export function writeConnection(): WriteConnection {
  const url = env().DATABASE_URL;
  const cached = globalForWriter.custodianWriteConnection;
  if (cached && cached.url === url) return cached;
  if (cached) void cached.close().catch(() => {});
  const target = parseDatabaseUrl(url);
  const conn = target.provider === "sqlite" ? openSqlite(url, target.file) : openPostgres(url);
  globalForWriter.custodianWriteConnection = conn;
  return conn;
}

export async function closeWriteConnection(): Promise<void> {
  const cached = globalForWriter.custodianWriteConnection;
  globalForWriter.custodianWriteConnection = undefined;
  await cached?.close();
}
