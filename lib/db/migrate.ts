import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { parseDatabaseUrl, type DatabaseTarget } from "../config/database-url.ts";
import { preparePrivateSqliteFile } from "./sqlite-file.ts";

/**
 * Applies the committed migrations in prisma/<provider>/migrations, keeping Prisma's own
 * `_prisma_migrations` table, so no Prisma CLI or schema engine is needed at run time
 * (air-gapped installs). Safe to call from several processes at once: SQLite serialises on
 * BEGIN IMMEDIATE, PostgreSQL on the advisory lock Prisma itself uses.
 */
export type MigrationResult = { applied: string[]; alreadyApplied: number };

type Migration = { name: string; sql: string; checksum: string };

const PRISMA_ADVISORY_LOCK = 72707369;

export function migrationsDir(provider: DatabaseTarget["provider"]): string {
  return path.resolve(process.cwd(), "prisma", provider, "migrations");
}

export function readMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) throw new Error(`No migrations folder at ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

export async function migrate(databaseUrl: string): Promise<MigrationResult> {
  const target = parseDatabaseUrl(databaseUrl);
  const migrations = readMigrations(migrationsDir(target.provider));
  return target.provider === "sqlite"
    ? migrateSqlite(target.file, migrations)
    : migratePostgres(target.url, migrations);
}

type AppliedRow = {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
};

function pending(migrations: Migration[], rows: AppliedRow[]): Migration[] {
  const done = new Set<string>();
  for (const row of rows) {
    if (row.rolled_back_at) continue;
    if (!row.finished_at) {
      throw new Error(
        `Migration ${row.migration_name} started but did not finish. Restore the database from a backup ` +
          `or repair it by hand, then delete its row from _prisma_migrations.`,
      );
    }
    done.add(row.migration_name);
  }
  return migrations.filter((m) => !done.has(m.name));
}

function migrateSqlite(file: string, migrations: Migration[]): MigrationResult {
  preparePrivateSqliteFile(file);
  const conn = new Database(file, { timeout: 30_000 });
  try {
    conn.pragma("journal_mode = WAL");
    // Prisma's SQLite migrations rebuild tables (create new, copy, drop old). PRAGMA foreign_keys is
    // ignored inside a transaction, so it must be off before BEGIN, or dropping a parent table would
    // cascade-delete its children's rows.
    conn.pragma("foreign_keys = OFF");
    conn.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
      "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
      "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
      "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`);
    conn.exec("BEGIN IMMEDIATE");
    try {
      const rows = conn
        .prepare(
          `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`,
        )
        .all() as AppliedRow[];
      const todo = pending(migrations, rows);
      for (const m of todo) {
        conn.exec(m.sql);
        conn
          .prepare(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
             VALUES (?, ?, current_timestamp, ?, current_timestamp, 1)`,
          )
          .run(randomUUID(), m.checksum, m.name);
      }
      conn.exec("COMMIT");
      return { applied: todo.map((m) => m.name), alreadyApplied: migrations.length - todo.length };
    } catch (error) {
      conn.exec("ROLLBACK");
      throw error;
    }
  } finally {
    conn.close();
  }
}

async function migratePostgres(url: string, migrations: Migration[]): Promise<MigrationResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const { rows } = await client.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`,
    );
    const todo = pending(migrations, rows);
    for (const m of todo) {
      await client.query("BEGIN");
      try {
        await client.query(m.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, now(), 1)`,
          [randomUUID(), m.checksum, m.name],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${m.name} failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    return { applied: todo.map((m) => m.name), alreadyApplied: migrations.length - todo.length };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK]).catch(() => {});
    await client.end();
  }
}
