import type { SqlRow, WriteSql } from "../../db/write-connection.ts";

// The tables ingest writes, and set-at-a-time statements over them: one statement per chunk of rows
// on PostgreSQL (unnest of typed arrays); on SQLite, reads by one key take a JSON array of keys per
// statement, writes run one cached prepared statement per row (an in-process call, no round trip).
// Feed columns (seq, createSeq, liveSeq, liveUpdateAt) are never written here: the change feed's
// triggers stamp every insert and update (write/staged-posts.ts numbers its rows itself).

type ColumnType = "text" | "bigint" | "boolean";
export type TableSpec = {
  table: string;
  columns: Record<string, ColumnType>;
  key: readonly string[];
};
export type Row = Record<string, string | number | boolean | null>;

export const TEAM: TableSpec = {
  table: "ChatTeam",
  columns: {
    id: "text",
    name: "text",
    displayName: "text",
    type: "text",
    createAt: "bigint",
    updateAt: "bigint",
    deleteAt: "bigint",
  },
  key: ["id"],
};
export const CHANNEL: TableSpec = {
  table: "ChatChannel",
  columns: {
    id: "text",
    teamId: "text",
    type: "text",
    name: "text",
    displayName: "text",
    createAt: "bigint",
    updateAt: "bigint",
    deleteAt: "bigint",
  },
  key: ["id"],
};
export const USER: TableSpec = {
  table: "ChatUser",
  columns: {
    id: "text",
    username: "text",
    email: "text",
    firstName: "text",
    lastName: "text",
    nickname: "text",
    isBot: "boolean",
    createAt: "bigint",
    updateAt: "bigint",
    deleteAt: "bigint",
  },
  key: ["id"],
};
export const POST: TableSpec = {
  table: "Post",
  columns: {
    id: "text",
    channelId: "text",
    userId: "text",
    createAt: "bigint",
    updateAt: "bigint",
    editAt: "bigint",
    deleteAt: "bigint",
    message: "text",
    type: "text",
    props: "text",
    rootId: "text",
    originalId: "text",
    fileIds: "text",
    hashtags: "text",
  },
  key: ["id"],
};
export const FILE_INFO: TableSpec = {
  table: "FileInfo",
  columns: {
    id: "text",
    postId: "text",
    creatorId: "text",
    channelId: "text",
    name: "text",
    path: "text",
    size: "bigint",
    mimeType: "text",
    extension: "text",
    createAt: "bigint",
    updateAt: "bigint",
    deleteAt: "bigint",
    storeKey: "text",
    sha256: "text",
  },
  key: ["id"],
};
export const MEMBER_HISTORY: TableSpec = {
  table: "ChannelMemberHistory",
  columns: { channelId: "text", userId: "text", joinTime: "bigint", leaveTime: "bigint" },
  key: ["channelId", "userId", "joinTime"],
};

/** Well under SQLite's 32,766 bound variables; PostgreSQL gets one array per column. */
export const ROWS_PER_STATEMENT = 500;

const q = (name: string) => `"${name}"`;
const columnList = (spec: TableSpec, columns = Object.keys(spec.columns)) =>
  columns.map(q).join(", ");

/** Reads a row back as this module writes it (SQLite stores booleans as 0/1). */
function normalize(spec: TableSpec, row: SqlRow): Row {
  const out: Row = {};
  for (const [column, type] of Object.entries(spec.columns)) {
    const value = row[column];
    out[column] = type === "boolean" ? value === true || value === 1 : (value as Row[string]);
  }
  return out;
}

/** The stored rows among `keys` (each key: values of spec.key, in order), by their joined key. */
export async function selectByKeys(
  sql: WriteSql,
  spec: TableSpec,
  keys: ReadonlyArray<ReadonlyArray<string | number>>,
): Promise<Map<string, Row>> {
  const found = new Map<string, Row>();
  if (keys.length === 0) return found;
  if (sql.dialect === "sqlite" && spec.key.length === 1) {
    // One statement per chunk: the keys go in as one JSON array.
    const statement = `SELECT ${columnList(spec)} FROM ${q(spec.table)} WHERE ${q(spec.key[0]!)} IN (SELECT "value" FROM json_each($1))`;
    for (let i = 0; i < keys.length; i += ROWS_PER_STATEMENT) {
      const rows = await sql.all(statement, [
        JSON.stringify(keys.slice(i, i + ROWS_PER_STATEMENT).map((key) => key[0])),
      ]);
      for (const row of rows) found.set(keyOf(spec, row), normalize(spec, row));
    }
    return found;
  }
  if (sql.dialect === "sqlite") {
    const where = spec.key.map((k, i) => `${q(k)} = $${i + 1}`).join(" AND ");
    const statement = `SELECT ${columnList(spec)} FROM ${q(spec.table)} WHERE ${where}`;
    for (const key of keys) {
      const [row] = await sql.all(statement, [...key]);
      if (row) found.set(keyOf(spec, row), normalize(spec, row));
    }
    return found;
  }
  for (let i = 0; i < keys.length; i += ROWS_PER_STATEMENT) {
    const chunk = keys.slice(i, i + ROWS_PER_STATEMENT);
    const arrays = spec.key.map((_, k) => chunk.map((key) => key[k]));
    const casts = spec.key.map((k, n) => `$${n + 1}::${spec.columns[k]}[]`).join(", ");
    const join = spec.key.map((k) => `t.${q(k)} = k.${q(k)}`).join(" AND ");
    const rows = await sql.all(
      `SELECT ${Object.keys(spec.columns)
        .map((c) => `t.${q(c)}`)
        .join(
          ", ",
        )} FROM unnest(${casts}) AS k(${columnList(spec, [...spec.key])}) JOIN ${q(spec.table)} t ON ${join}`,
      arrays,
    );
    for (const row of rows) found.set(keyOf(spec, row), normalize(spec, row));
  }
  return found;
}

export function keyOf(spec: TableSpec, row: SqlRow | Row): string {
  return spec.key.length === 1
    ? String(row[spec.key[0]!])
    : JSON.stringify(spec.key.map((k) => String(row[k])));
}

export async function insertRows(
  sql: WriteSql,
  spec: TableSpec,
  rows: readonly Row[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(spec.columns);
  if (sql.dialect === "sqlite") {
    const statement = `INSERT INTO ${q(spec.table)} (${columnList(spec)}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})`;
    for (const row of rows)
      await sql.run(
        statement,
        columns.map((c) => row[c]),
      );
    return;
  }
  const casts = columns.map((c, i) => `$${i + 1}::${spec.columns[c]}[]`).join(", ");
  const statement = `INSERT INTO ${q(spec.table)} (${columnList(spec)}) SELECT * FROM unnest(${casts})`;
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    await sql.run(
      statement,
      columns.map((c) => chunk.map((row) => row[c])),
    );
  }
}

/**
 * Updates rows by key to the values given, each only while its `guard` column still holds the value
 * read (another writer changed it otherwise). Returns how many rows were updated.
 */
export async function updateRows(
  sql: WriteSql,
  spec: TableSpec,
  rows: ReadonlyArray<{ row: Row; guard: number }>,
  options: { set?: readonly string[]; guardColumn?: string } = {},
): Promise<number> {
  if (rows.length === 0) return 0;
  const set = options.set ?? Object.keys(spec.columns).filter((c) => !spec.key.includes(c));
  const guardColumn = options.guardColumn ?? "updateAt";
  const params = [...set, ...spec.key];
  let changed = 0;
  if (sql.dialect === "sqlite") {
    const statement =
      `UPDATE ${q(spec.table)} SET ${set.map((c, i) => `${q(c)} = $${i + 1}`).join(", ")} ` +
      `WHERE ${spec.key.map((k, i) => `${q(k)} = $${set.length + i + 1}`).join(" AND ")} AND ${q(guardColumn)} = $${params.length + 1}`;
    for (const { row, guard } of rows)
      changed += await sql.run(statement, [...params.map((c) => row[c]), guard]);
    return changed;
  }
  const casts = [
    ...params.map((c, i) => `$${i + 1}::${spec.columns[c]}[]`),
    `$${params.length + 1}::bigint[]`,
  ].join(", ");
  const statement =
    `UPDATE ${q(spec.table)} t SET ${set.map((c) => `${q(c)} = v.${q(c)}`).join(", ")} ` +
    `FROM unnest(${casts}) AS v(${[...params.map(q), '"__guard"'].join(", ")}) ` +
    `WHERE ${spec.key.map((k) => `t.${q(k)} = v.${q(k)}`).join(" AND ")} AND t.${q(guardColumn)} = v."__guard"`;
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    changed += await sql.run(statement, [
      ...params.map((c) => chunk.map(({ row }) => row[c])),
      chunk.map(({ guard }) => guard),
    ]);
  }
  return changed;
}

/** Whether a stored row already holds every value of `row`. */
export function sameRow(stored: Row, row: Row): boolean {
  for (const key of Object.keys(row)) if (stored[key] !== row[key]) return false;
  return true;
}
