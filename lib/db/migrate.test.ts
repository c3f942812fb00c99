import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import pg from "pg";
import Database from "better-sqlite3";
import { parseDatabaseUrl } from "../config/database-url.ts";
import { migrate, migrationsDir, readMigrations } from "./migrate.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";

let t: TestDatabase;
before(async () => {
  t = await useTestDatabase(); // already migrated once
});
after(async () => t.cleanup());

async function appliedRows(
  url: string,
): Promise<Array<{ migration_name: string; checksum: string; finished_at: unknown }>> {
  const target = parseDatabaseUrl(url);
  if (target.provider === "sqlite") {
    const conn = new Database(target.file, { readonly: true });
    try {
      return conn
        .prepare(
          `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name`,
        )
        .all() as never;
    } finally {
      conn.close();
    }
  }
  const c = new pg.Client({ connectionString: target.url });
  await c.connect();
  try {
    return (
      await c.query(
        `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name`,
      )
    ).rows;
  } finally {
    await c.end();
  }
}

test("records every committed migration in Prisma's table with Prisma's sha256 checksum", async () => {
  const provider = parseDatabaseUrl(t.url).provider;
  const committed = readMigrations(migrationsDir(provider));
  const rows = await appliedRows(t.url);
  assert.deepEqual(
    rows.map((r) => r.migration_name),
    committed.map((m) => m.name),
  );
  assert.deepEqual(
    rows.map((r) => r.checksum),
    committed.map((m) => m.checksum),
  );
  assert.ok(rows.every((r) => r.finished_at));
});

test("a second run (and concurrent runs) apply nothing twice", async () => {
  const results = await Promise.all([migrate(t.url), migrate(t.url), migrate(t.url)]);
  for (const r of results) assert.deepEqual(r.applied, []);
  assert.equal(
    (await appliedRows(t.url)).length,
    readMigrations(migrationsDir(parseDatabaseUrl(t.url).provider)).length,
  );
});

test("rejects a DATABASE_URL of an unknown kind with a clear message", async () => {
  await assert.rejects(
    () => migrate("mysql://root@localhost/x"),
    /must start with file: \(SQLite\) or postgresql:\/\//,
  );
});
