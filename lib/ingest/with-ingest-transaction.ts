import { env } from "../config/env.ts";
import { takeIngestTurn } from "../db/sqlite-write-gate.ts";
import { DatabaseBusyError, writeConnection, type WriteSql } from "../db/write-connection.ts";

const globalForQueue = globalThis as unknown as { custodianIngestQueue?: Promise<void> };

/**
 * Runs `fn` in one transaction on the ingest connection, all or nothing. Ingest writers of this
 * process take turns (one transaction at a time, in arrival order); then the database lock is taken
 * (SQLite: first the process's write gate, lib/db/sqlite-write-gate.ts, then BEGIN IMMEDIATE;
 * PostgreSQL: the change feed's counter, first thing). The whole wait — for the turn, then for the
 * lock — is bounded by CUSTODIAN_INGEST_LOCK_WAIT_SECONDS (30): past it,
 * DatabaseBusyError, nothing written (the API answers 503 with Retry-After).
 *
 * On SQLite the transaction holds the database's one write lock: `fn` must not wait for anything
 * else that needs this thread (it may await the ingest connection's statements, which complete at
 * once, and — in the CLI, which writes nothing else meanwhile — file reads).
 */
export async function withIngestTransaction<T>(
  fn: (sql: WriteSql) => Promise<T>,
  options: {
    waitMs?: number;
    /**
     * Runs in this writer's turn, before the lock is taken (outside any transaction): work that
     * needs no lock, such as filling TEMP staging tables (write/staged-posts.ts). Its time does not
     * count against the wait budget.
     */
    prepare?: (sql: WriteSql) => Promise<void>;
  } = {},
): Promise<T> {
  const started = Date.now();
  let deadline = started + (options.waitMs ?? env().CUSTODIAN_INGEST_LOCK_WAIT_SECONDS * 1000);
  let release!: () => void;
  const turn = new Promise<void>((resolve) => (release = resolve));
  const previous = globalForQueue.custodianIngestQueue ?? Promise.resolve();
  globalForQueue.custodianIngestQueue = previous.then(() => turn);
  try {
    if (!(await settlesBefore(previous, deadline)))
      throw new DatabaseBusyError(Date.now() - started);
    const conn = writeConnection();
    if (options.prepare) {
      const preparing = Date.now();
      await options.prepare(conn);
      deadline += Date.now() - preparing;
    }
    // SQLite: the process's other writes wait (asynchronously) while this one holds the lock.
    const endTurn = conn.dialect === "sqlite" ? await takeIngestTurn(deadline) : () => {};
    if (!endTurn) throw new DatabaseBusyError(Date.now() - started);
    let result: T;
    try {
      await conn.begin(deadline);
      try {
        result = await fn(conn);
        await conn.commit();
      } catch (error) {
        await conn.rollback().catch(() => {});
        throw error;
      }
    } finally {
      endTurn();
    }
    await conn.afterTurn();
    return result;
  } finally {
    release();
  }
}

async function settlesBefore(promise: Promise<void>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>(
    (resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))),
  );
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
