import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { env } from "../config/env.ts";
import { parseDatabaseUrl, type DatabaseTarget } from "../config/database-url.ts";
import { closeReader } from "./sql.ts";
import { closeWriteConnection } from "./write-connection.ts";
import { preparePrivateSqliteFile } from "./sqlite-file.ts";
import { gatePrismaWrites } from "./sqlite-write-gate.ts";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client.ts";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client.ts";

/**
 * Both generated clients have the same models (prisma/*\/schema.prisma are kept identical), so the
 * SQLite client's type describes either; one build serves both databases.
 */
export type Db = InstanceType<typeof SqliteClient>;
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

const globalForDb = globalThis as unknown as { custodianDb?: { url: string; client: Db } };

export function createClient(target: DatabaseTarget): Db {
  if (target.provider === "sqlite") {
    preparePrivateSqliteFile(target.file);
    const adapter = gatePrismaWrites(
      new PrismaBetterSqlite3({ url: target.file, timeout: 15_000 }),
    );
    return new SqliteClient({ adapter });
  }
  const adapter = new PrismaPg({ connectionString: target.url, max: env().CUSTODIAN_PG_POOL_SIZE });
  return new PostgresClient({ adapter }) as unknown as Db;
}

/** The process-wide client for DATABASE_URL (one per process, kept across hot reloads). */
export function db(): Db {
  const url = env().DATABASE_URL;
  const cached = globalForDb.custodianDb;
  if (cached && cached.url === url) return cached.client;
  const client = createClient(parseDatabaseUrl(url));
  globalForDb.custodianDb = { url, client };
  return client;
}

export function databaseProvider(): DatabaseTarget["provider"] {
  return parseDatabaseUrl(env().DATABASE_URL).provider;
}

export async function disconnectDb(): Promise<void> {
  await closeReader();
  await closeWriteConnection();
  const cached = globalForDb.custodianDb;
  globalForDb.custodianDb = undefined;
  await cached?.client.$disconnect();
}
