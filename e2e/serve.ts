// Playwright's webServer: one fresh, isolated Custodian for this run. A new data directory and a new
// database (a new PostgreSQL database when DATABASE_URL points at a server, else a SQLite file in the
// data directory), then `scripts/start.ts` with that environment. Where the instance lives is written
// to test-results/e2e-instance.json for the specs (audit JSONL, server log, database URL).
//
// Playwright stops the whole process group with SIGTERM (webServer.gracefulShutdown; SIGKILL after
// 15 s), so the server shuts down cleanly and nothing is left holding the port. Run by hand, Ctrl-C
// or SIGTERM to this process is forwarded to the server. Once the server has exited, the database
// is dropped and the data directory removed (E2E_KEEP_DATA=1 keeps the directory).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { E2E_METRICS_TOKEN, INSTANCE_FILE, type E2eInstance } from "./fixtures/instance.ts";

const root = path.resolve(import.meta.dirname, "..");
const port = process.env.E2E_PORT ?? "3210";
const base = process.env.DATABASE_URL ?? "";
const isPostgres = /^postgres(ql)?:\/\//.test(base);

async function withPg(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function maintenanceUrl(url: string): string {
  const u = new URL(url);
  u.pathname = "/postgres";
  return u.toString();
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "custodian-e2e-"));
  let databaseUrl: string;
  let dropDatabase: (() => Promise<void>) | undefined;
  if (isPostgres) {
    const name = `custodian_e2e_${randomBytes(6).toString("hex")}`;
    await withPg(maintenanceUrl(base), `CREATE DATABASE ${name}`);
    const u = new URL(base);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
    dropDatabase = () =>
      withPg(maintenanceUrl(base), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } else {
    databaseUrl = `file:${path.join(dataDir, "custodian.db")}`;
  }

  const serverLog = path.join(dataDir, "server.log");
  const instance: E2eInstance = {
    dataDir,
    databaseUrl,
    provider: isPostgres ? "postgresql" : "sqlite",
    auditLog: path.join(dataDir, "logs", "audit.jsonl"),
    serverLog,
    baseURL: `http://127.0.0.1:${port}`,
  };
  mkdirSync(path.dirname(INSTANCE_FILE), { recursive: true });
  writeFileSync(INSTANCE_FILE, JSON.stringify(instance, null, 2) + "\n");
  console.error(`[e2e] ${instance.provider} instance in ${dataDir} on port ${port}`);

  // The server's output goes to our stdout/stderr (what Playwright shows) and to server.log, which
  // the secret-canary test greps.
  const log = createWriteStream(serverLog, { flags: "a" });
  // A process group of its own: npx and tsx each start another process, and a signal to npx alone
  // left the server running after the tests (forward() signals the whole group).
  const child = spawn("npx", ["tsx", "scripts/start.ts"], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      CUSTODIAN_DATA_DIR: dataDir,
      CUSTODIAN_AUDIT_LOG_FILE: instance.auditLog,
      PORT: port,
      HOSTNAME: "127.0.0.1",
      NEXT_TELEMETRY_DISABLED: "1",
      CUSTODIAN_METRICS_TOKEN: E2E_METRICS_TOKEN,
    },
  });
  child.stdout.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    log.write(chunk);
  });
  child.stderr.on("data", (chunk: Buffer) => {
    process.stderr.write(chunk);
    log.write(chunk);
  });

  let stopping = false;
  const closeLog = () => new Promise<void>((resolve) => log.end(resolve));
  const cleanup = async () => {
    try {
      await dropDatabase?.();
    } catch (error) {
      console.error(
        `[e2e] could not drop the test database: ${error instanceof Error ? error.message : error}`,
      );
    }
    if (process.env.E2E_KEEP_DATA !== "1") rmSync(dataDir, { recursive: true, force: true });
  };
  const forward = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, signal);
    } catch {
      child.kill(signal);
    }
  };
  process.on("SIGTERM", () => forward("SIGTERM"));
  process.on("SIGINT", () => forward("SIGINT"));
  process.on("SIGHUP", () => forward("SIGTERM"));

  child.on("exit", (code, signal) => {
    void (async () => {
      await closeLog();
      // The server never exits on its own; if it does (failed build, bad migration), show why.
      if (!stopping) {
        const tail = readFileSync(serverLog, "utf8").split("\n").slice(-40).join("\n");
        console.error(
          `[e2e] the server exited (code ${code}, signal ${signal}); the end of its log:\n${tail}`,
        );
      }
      await cleanup();
      process.exit(stopping ? 0 : code || 1);
    })();
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
