import type { WriteSql } from "../../db/write-connection.ts";
import { postRow } from "../record-rows.ts";
import type { PostRecord } from "../schema.ts";
import { ConcurrentChangeError, type IngestWarning, type ValidRecord } from "../types.ts";
import { decidePostWrite } from "./decide-post-write.ts";
import { POST, ROWS_PER_STATEMENT, selectByKeys, type Row } from "./row-tables.ts";

// Issue 11 item 6, issue 14: on SQLite a request's posts are prepared before the write lock is taken
// and written with two set-based statements under it, so the lock (which every other write of the
// process waits for, synchronously) is held for a short, C-only block instead of a JavaScript loop
// over every row. Before the lock, in chunks that hand the thread back: the stored rows are read,
// each post's write is decided (write/decide-post-write.ts, as the row-at-a-time writer decides it)
// and the rows to write go into a TEMP table of the ingest connection (temporary tables take no lock
// of the database file). Under the lock: one INSERT … SELECT and one UPDATE … FROM, each row numbered
// in the change feed from one reservation of FeedSequence (a row written with its numbers set is not
// stamped again by the triggers). What was read before the lock is checked under it: an insert whose
// id appeared meanwhile, or an update whose row moved on, is a ConcurrentChangeError (the batch runs
// again, apply-record-stream.ts).

const STAGE = `temp."ingest_post_stage"`;
const COLUMNS = Object.keys(POST.columns);
const q = (name: string) => `"${name}"`;
const INSERT = 0;
const UPDATE = 1;

/** A batch of plain posts: what stagePosts needs, and the records to write row at a time. */
export type PostBatch = {
  posts: Array<{ index: number; post: PostRecord }>;
  others: ValidRecord[];
};

/**
 * Splits a validated batch into its posts and the rest, when the posts can be staged: every record
 * is a post (or post_created) or a team, channel or user (written row at a time under the lock, they
 * are few), and no post comes twice with different texts (the first text would have to be stored
 * before the second is decided). Undefined otherwise: the row-at-a-time writer takes the batch.
 */
export function splitStageable(records: readonly ValidRecord[]): PostBatch | undefined {
  const byId = new Map<string, { index: number; post: PostRecord }>();
  const others: ValidRecord[] = [];
  for (const valid of records) {
    const { record, index } = valid;
    if (record.type === "team" || record.type === "channel" || record.type === "user") {
      others.push(valid);
      continue;
    }
    if (record.type !== "post" && record.type !== "post_created") return undefined;
    const post = record.type === "post" ? record.post : record.post_created.post;
    const earlier = byId.get(post.id);
    if (earlier && earlier.post.message !== post.message) return undefined;
    // Within a batch the newest update_at wins; on a tie, the later record (write-records.ts).
    if (earlier && earlier.post.update_at > post.update_at) continue;
    byId.set(post.id, { index, post });
  }
  return { posts: [...byId.values()], others };
}

export type StagedPosts = {
  rows: number;
  inserts: number;
  updates: number;
  warnings: IngestWarning[];
};

type PostWrite = { op: typeof INSERT | typeof UPDATE; guard: number; row: Row };

/** An emptied staging table and a way to add rows to it (in the caller's transaction, if any). */
async function openStage(
  sql: WriteSql,
): Promise<{ staged: StagedPosts; add: (write: PostWrite) => Promise<void> }> {
  await sql.run(
    `CREATE TEMP TABLE IF NOT EXISTS "ingest_post_stage" ("ord" INTEGER PRIMARY KEY, "op" INTEGER NOT NULL, "guard" INTEGER NOT NULL, ` +
      `${COLUMNS.map((c) => `${q(c)} ${POST.columns[c] === "text" ? "TEXT" : "INTEGER"} NOT NULL`).join(", ")})`,
  );
  await sql.run(`DELETE FROM ${STAGE}`);
  const insert = `INSERT INTO ${STAGE} ("ord", "op", "guard", ${COLUMNS.map(q).join(", ")}) VALUES (${[...COLUMNS, "", "", ""].map((_, i) => `$${i + 1}`).join(", ")})`;
  const staged: StagedPosts = { rows: 0, inserts: 0, updates: 0, warnings: [] };
  const add = async ({ op, guard, row }: PostWrite) => {
    staged.rows += 1;
    if (op === INSERT) staged.inserts += 1;
    else staged.updates += 1;
    await sql.run(insert, [staged.rows, op, guard, ...COLUMNS.map((c) => row[c])]);
  };
  return { staged, add };
}

/**
 * Inside the write transaction (SQLite), for the row-at-a-time writer's chunks of posts (files of
 * records, batches with events): writes already decided go through the staging table too, so that
 * they are written by two statements with their feed numbers set instead of one trigger-stamped
 * statement per row.
 */
export async function writePostsSetBased(
  sql: WriteSql,
  writes: { inserts: readonly Row[]; updates: ReadonlyArray<{ row: Row; guard: number }> },
): Promise<void> {
  if (writes.inserts.length === 0 && writes.updates.length === 0) return;
  const { staged, add } = await openStage(sql);
  for (const row of writes.inserts) await add({ op: INSERT, guard: 0, row });
  for (const { row, guard } of writes.updates) await add({ op: UPDATE, guard, row });
  await commitStagedPosts(sql, staged);
}

/** Before the write lock: decides every post's write and fills the staging table, yielding between chunks. */
export async function stagePosts(
  sql: WriteSql,
  posts: PostBatch["posts"],
  yieldNow: () => Promise<unknown>,
): Promise<StagedPosts> {
  const { staged, add } = await openStage(sql);
  for (let i = 0; i < posts.length; i += ROWS_PER_STATEMENT) {
    const chunk = posts
      .slice(i, i + ROWS_PER_STATEMENT)
      .map(({ index, post }) => ({ index, row: postRow(post) as Row }));
    const stored = await selectByKeys(
      sql,
      POST,
      chunk.map(({ row }) => [row.id as string]),
    );
    const versions: Row[] = [];
    const writes: PostWrite[] = [];
    for (const { index, row } of chunk) {
      const decision = decidePostWrite(stored.get(row.id as string), row);
      if (decision.kind === "insert") writes.push({ op: INSERT, guard: 0, row: decision.row });
      else if (decision.kind === "stored-is-newer")
        staged.warnings.push({
          index,
          message: `post ${row.id}: kept the stored row, which is newer (update_at ${decision.storedUpdateAt} > ${row.updateAt})`,
        });
      else if (decision.kind === "update") {
        writes.push({ op: UPDATE, guard: decision.guard, row: decision.row });
        if (decision.version) versions.push(decision.version);
      }
    }
    // A version kept before (the same post, time and text) is not written again.
    const keptBefore = await selectByKeys(
      sql,
      POST,
      versions.map((v) => [v.id as string]),
    );
    await sql.run("BEGIN");
    try {
      for (const version of versions)
        if (!keptBefore.has(version.id as string))
          await add({ op: INSERT, guard: 0, row: version });
      for (const write of writes) await add(write);
      await sql.run("COMMIT");
    } catch (error) {
      await sql.run("ROLLBACK").catch(() => {});
      throw error;
    }
    await yieldNow();
  }
  return staged;
}

/** Inside the write transaction: writes the staged posts, numbered in the change feed, checking what was read before the lock. */
export async function commitStagedPosts(sql: WriteSql, staged: StagedPosts): Promise<void> {
  if (staged.rows === 0) return;
  const [reserved] = await sql.all(
    `UPDATE "FeedSequence" SET "value" = "value" + $1 WHERE "id" = 1 RETURNING "value"`,
    [staged.rows],
  );
  const base = Number(reserved!.value) - staged.rows;
  const live = (seq: string, row: string, otherwise: string) =>
    `CASE WHEN ${row}."deleteAt" = 0 THEN ${seq} ELSE ${otherwise} END`;
  if (staged.inserts > 0) {
    try {
      await sql.run(
        `INSERT INTO "Post" (${COLUMNS.map(q).join(", ")}, "seq", "createSeq", "liveSeq", "liveUpdateAt") ` +
          `SELECT ${COLUMNS.map((c) => `s.${q(c)}`).join(", ")}, $1 + s."ord", $1 + s."ord", ${live(`$1 + s."ord"`, "s", "0")}, ${live(`s."updateAt"`, "s", "0")} ` +
          `FROM ${STAGE} AS s WHERE s."op" = ${INSERT} ORDER BY s."ord"`,
        [base],
      );
    } catch (error) {
      // Another process stored one of these ids after it was read: decide again.
      if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_PRIMARYKEY")
        throw new ConcurrentChangeError("a post was stored while this batch was prepared");
      throw error;
    }
  }
  if (staged.updates > 0) {
    const set = COLUMNS.filter((c) => c !== "id").map((c) => `${q(c)} = s.${q(c)}`);
    const updated = await sql.run(
      `UPDATE "Post" AS p SET ${set.join(", ")}, "seq" = $1 + s."ord", "liveSeq" = ${live(`$1 + s."ord"`, "s", `p."liveSeq"`)}, ` +
        `"liveUpdateAt" = ${live(`s."updateAt"`, "s", `p."liveUpdateAt"`)} ` +
        `FROM ${STAGE} AS s WHERE s."op" = ${UPDATE} AND p."id" = s."id" AND p."updateAt" = s."guard"`,
      [base],
    );
    if (updated !== staged.updates)
      throw new ConcurrentChangeError("a post changed while this batch was prepared");
  }
  // The staged rows are only needed until here (emptying a whole table is one cheap step).
  await sql.run(`DELETE FROM ${STAGE}`);
}
