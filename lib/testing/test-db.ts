import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { resetEnvForTests } from "../config/env.ts";
import { disconnectDb } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { resetClusterIdCacheForTests } from "../installation/cluster-id.ts";

export type TestDatabase = { url: string; dataDir: string; cleanup: () => Promise<void> };

/**
 * A fresh, migrated database for one test file, of the kind the suite runs on: PostgreSQL when
 * DATABASE_URL is a postgres URL (a new database on that server), else a temporary SQLite file.
 * Points DATABASE_URL and CUSTODIAN_DATA_DIR at it, so lib code under test uses it.
 */
export async function useTestDatabase(): Promise<TestDatabase> {
  const base = process.env.CUSTODIAN_TEST_BASE_URL ?? process.env.DATABASE_URL ?? "";
  process.env.CUSTODIAN_TEST_BASE_URL = base;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "custodian-test-"));
  let url: string;
  let dropPg: (() => Promise<void>) | undefined;
  if (/^postgres(ql)?:\/\//.test(base)) {
    const name = `custodian_t_${randomBytes(6).toString("hex")}`;
    const admin = new URL(base);
    admin.pathname = "/postgres";
    await withPg(admin.toString(), (c) => c.query(`CREATE DATABASE ${name}`));
    const u = new URL(base);
    u.pathname = `/${name}`;
    url = u.toString();
    dropPg = () =>
      withPg(admin.toString(), (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => {},
      );
  } else {
    url = `file:${path.join(dataDir, "test.db")}`;
  }
  process.env.DATABASE_URL = url;
  process.env.CUSTODIAN_DATA_DIR = dataDir;
  delete process.env.CUSTODIAN_AUDIT_LOG_FILE;
  resetEnvForTests();
  resetClusterIdCacheForTests();
  await disconnectDb();
  await migrate(url);
  return {
    url,
    dataDir,
    cleanup: async () => {
      await disconnectDb();
      await dropPg?.();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function withPg<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
