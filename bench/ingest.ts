// The ingest benchmark (issue 14, issue 11 item 6), part of `npm run bench`, or alone:
// `npm run bench:ingest`. On a fresh database (SQLite, or BENCH_DATABASE_URL's PostgreSQL server),
// in one run, side by side:
//   - baseline: the same posts inserted straight through the driver (prepared statements, the change
//     feed's triggers, 1,000 rows a transaction) — the limit for this database;
//   - POST /api/v1/ingest of the compiled server (`npm start`): 1,000-record requests from 4
//     concurrent clients, with /api/health probed all along (p99);
//   - one maximum-size request (CUSTODIAN_INGEST_MAX_BYTES of posts) with /api/health and
//     GET /api/v1/jobs probed all along (p99);
//   - `npm run cli -- ingest` of a JSON-lines file (the process's start-up included);
//   - `npm run cli -- seed --posts 50000`.
// Never part of `npm test`; the numbers are printed, never asserted.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { Worker } from "node:worker_threads";
import { createApiToken } from "../lib/auth/create-api-token.ts";
import { createAdmin } from "../lib/auth/create-admin.ts";
import { resetEnvForTests } from "../lib/config/env.ts";
import { disconnectDb } from "../lib/db/client.ts";
import { parseDatabaseUrl } from "../lib/config/database-url.ts";
import { migrate } from "../lib/db/migrate.ts";
import { createIngestToken } from "../lib/ingest/create-ingest-token.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const RECORDS = Number(process.env.BENCH_INGEST_RECORDS ?? 100_000);
const CLIENTS = 4;
const PER_REQUEST = 1000;
// CUSTODIAN_INGEST_MAX_BYTES (10 MiB), less a margin under Next.js's own 10 MB body buffer.
const MAX_BYTES = 9.5 * 1024 * 1024;
const PORT = Number(process.env.BENCH_INGEST_PORT ?? 3391);
const BASE = `http://127.0.0.1:${PORT}`;
const T0 = 1_700_000_000_000;

export type IngestBenchRow = {
  run: string;
  records: number;
  seconds: number;
  healthP99?: number;
  jobsP99?: number;
  baseline: number;
};

const post = (id: string, at: number, n: number) => ({
  type: "post",
  post: {
    id,
    channel_id: `chan-${n % 40}`,
    user_id: `user-${n % 200}`,
    create_at: at,
    message: `Message ${n}: the quarterly numbers, "as discussed", are attached — 👍`,
    props: {},
    file_ids: [],
  },
});
const workspace = () => [
  { type: "team", team: { id: "team-bench", name: "bench" } },
  ...Array.from({ length: 40 }, (_, c) => ({
    type: "channel",
    channel: { id: `chan-${c}`, team_id: "team-bench", type: "O", name: `channel-${c}` },
  })),
  ...Array.from({ length: 200 }, (_, u) => ({
    type: "user",
    user: { id: `user-${u}`, username: `user${u}`, email: `user${u}@example.com` },
  })),
];

async function freshDatabase(
  label: string,
): Promise<{ url: string; dir: string; drop: () => Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `custodian-bench-ingest-${label}-`));
  const base = process.env.BENCH_DATABASE_URL;
  if (!base)
    return {
      url: `file:${path.join(dir, "bench.db")}`,
      dir,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  const name = `custodian_bench_${label}_${randomBytes(4).toString("hex")}`;
  const admin = new URL(base);
  admin.pathname = "/postgres";
  const run = async (sql: string) => {
    const c = new pg.Client({ connectionString: admin.toString() });
    await c.connect();
    await c.query(sql).finally(() => c.end());
  };
  await run(`CREATE DATABASE ${name}`);
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    dir,
    drop: async () => (
      await run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      rmSync(dir, { recursive: true, force: true })
    ),
  };
}

/** The same posts straight through the driver, 1,000 rows a transaction, triggers included. */
async function baseline(records: number): Promise<number> {
  const target = await freshDatabase("baseline");
  await migrate(target.url);
  const cols = `"id", "channelId", "userId", "createAt", "updateAt", "message", "props", "fileIds"`;
  const started = performance.now();
  const db = parseDatabaseUrl(target.url);
  if (db.provider === "sqlite") {
    const conn = new Database(db.file);
    conn.pragma("journal_mode = WAL");
    conn.pragma("synchronous = NORMAL");
    const insert = conn.prepare(
      `INSERT INTO "Post" (${cols}) VALUES (?, ?, ?, ?, ?, ?, '{}', '[]')`,
    );
    for (let i = 0; i < records; i += PER_REQUEST) {
      conn.transaction(() => {
        for (let n = i; n < Math.min(records, i + PER_REQUEST); n++) {
          const p = post(`b-${n}`, T0 + n, n).post;
          insert.run(p.id, p.channel_id, p.user_id, p.create_at, p.create_at, p.message);
        }
      })();
    }
    conn.close();
  } else {
    const c = new pg.Client({ connectionString: target.url });
    await c.connect();
    for (let i = 0; i < records; i += PER_REQUEST) {
      const rows = Array.from(
        { length: Math.min(PER_REQUEST, records - i) },
        (_, k) => post(`b-${i + k}`, T0 + i + k, i + k).post,
      );
      await c.query("BEGIN");
      await c.query(
        `INSERT INTO "Post" (${cols}) SELECT id, ch, u, t, t, m, '{}', '[]' FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[]) AS v(id, ch, u, t, m)`,
        [
          rows.map((r) => r.id),
          rows.map((r) => r.channel_id),
          rows.map((r) => r.user_id),
          rows.map((r) => r.create_at),
          rows.map((r) => r.message),
        ],
      );
      await c.query("COMMIT");
    }
    await c.end();
  }
  const seconds = (performance.now() - started) / 1000;
  await target.drop();
  return seconds;
}

/**
 * Polls a URL every 10 ms until stopped, from a worker thread of its own (the bench's own
 * JSON.stringify of the bodies must not delay the probes); the p99 of the answer times (ms).
 */
function probe(url: string, headers: Record<string, string> = {}): { stop: () => Promise<number> } {
  const worker = new Worker(
    `const { parentPort, workerData } = require("node:worker_threads");
    const times = [];
    let running = true;
    parentPort.once("message", () => (running = false));
    (async () => {
      while (running) {
        const t = performance.now();
        await fetch(workerData.url, { headers: workerData.headers })
          .then((r) => r.arrayBuffer())
          .catch(() => undefined);
        times.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 10));
      }
      parentPort.postMessage(times);
    })();`,
    { eval: true, workerData: { url, headers } },
  );
  const times = new Promise<number[]>((resolve, reject) =>
    worker.once("message", resolve).once("error", reject),
  );
  return {
    stop: async () => {
      worker.postMessage("stop");
      const sorted = (await times).sort((a, b) => a - b);
      await worker.terminate();
      return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? NaN;
    },
  };
}

async function send(token: string, records: unknown[] | string): Promise<void> {
  const res = await fetch(`${BASE}/api/v1/ingest`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: typeof records === "string" ? records : JSON.stringify(records),
  });
  if (res.status !== 200)
    throw new Error(`ingest answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
}

function startServer(env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ["scripts/launch.mjs", "start"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
}

async function waitForServer(): Promise<void> {
  const deadline = Date.now() + 600_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`${BASE}/api/health`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("the server did not come up");
}

export async function runIngestBench(): Promise<IngestBenchRow[]> {
  const baseSeconds = await baseline(RECORDS);
  const rows: IngestBenchRow[] = [
    {
      run: "baseline: driver inserts, 1,000 a transaction",
      records: RECORDS,
      seconds: baseSeconds,
      baseline: 1,
    },
  ];

  const target = await freshDatabase("server");
  const env = {
    ...process.env,
    DATABASE_URL: target.url,
    CUSTODIAN_DATA_DIR: target.dir,
    PORT: String(PORT),
    HOSTNAME: "127.0.0.1",
    LOG_LEVEL: "error",
    CUSTODIAN_WORKER: "on",
  };
  Object.assign(process.env, {
    DATABASE_URL: target.url,
    CUSTODIAN_DATA_DIR: target.dir,
    LOG_LEVEL: "error",
  });
  resetEnvForTests();
  await migrate(target.url);
  const ingestToken = (await createIngestToken({ name: "bench", createdBy: "bench" })).token;
  const owner = await createAdmin({
    email: "bench-owner@example.com",
    password: `bench ${randomBytes(12).toString("hex")}`,
    owner: true,
  });
  const apiToken = (
    await createApiToken({ userId: owner.id, name: "bench", expiresInDays: 1, createdBy: owner.id })
  ).token;
  await disconnectDb();

  const server = startServer(env);
  try {
    await waitForServer();
    await send(ingestToken, workspace());
    await fetch(`${BASE}/api/health`);

    // 1,000-record requests from 4 clients.
    const requests = Math.ceil(RECORDS / PER_REQUEST);
    let next = 0;
    const health = probe(`${BASE}/api/health`);
    let started = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let r = next++; r < requests; r = next++) {
          await send(
            ingestToken,
            Array.from({ length: PER_REQUEST }, (_, k) =>
              post(`api-${r}-${k}`, T0 + r * PER_REQUEST + k, r * PER_REQUEST + k),
            ),
          );
        }
      }),
    );
    let seconds = (performance.now() - started) / 1000;
    rows.push({
      run: `POST /api/v1/ingest, ${CLIENTS} clients × 1,000-record requests`,
      records: requests * PER_REQUEST,
      seconds,
      healthP99: await health.stop(),
      baseline: seconds / baseSeconds,
    });

    // One maximum-size request.
    const big: unknown[] = [];
    let bytes = 2;
    for (let n = 0; ; n++) {
      const record = post(`max-${n}`, T0 + 5_000_000 + n, n);
      const size = Buffer.byteLength(JSON.stringify(record)) + 1;
      if (bytes + size > MAX_BYTES) break;
      big.push(record);
      bytes += size;
    }
    const body = JSON.stringify(big);
    // Warm: the first answer of a route loads its module and compiles its queries (~0.1 s), which
    // says nothing about a running server and would be a p99 of its own among ~60 probes.
    await fetch(`${BASE}/api/v1/jobs`, { headers: { authorization: `Bearer ${apiToken}` } });
    const health2 = probe(`${BASE}/api/health`);
    const jobs = probe(`${BASE}/api/v1/jobs`, { authorization: `Bearer ${apiToken}` });
    started = performance.now();
    await send(ingestToken, body);
    seconds = (performance.now() - started) / 1000;
    rows.push({
      run: `one maximum-size request (${(bytes / 1048576).toFixed(1)} MiB)`,
      records: big.length,
      seconds,
      healthP99: await health2.stop(),
      jobsP99: await jobs.stop(),
      baseline: seconds / ((baseSeconds * big.length) / RECORDS),
    });
  } finally {
    try {
      process.kill(-server.pid!, "SIGTERM");
    } catch {
      // already gone
    }
    await new Promise((r) => server.once("exit", r).once("error", r));
  }

  // The CLI: a JSON-lines file of the same shape into the same database.
  const file = path.join(target.dir, "records.jsonl");
  writeFileSync(
    file,
    [
      ...workspace(),
      ...Array.from({ length: RECORDS }, (_, n) => post(`cli-${n}`, T0 + 9_000_000 + n, n)),
    ]
      .map((r) => JSON.stringify(r))
      .join("\n") + "\n",
  );
  let started = performance.now();
  const cli = spawnSync(process.execPath, ["scripts/launch.mjs", "cli", "ingest", file], {
    cwd: ROOT,
    env,
    encoding: "utf8",
  });
  if (cli.status !== 0) throw new Error(`cli ingest failed: ${cli.stderr.slice(-500)}`);
  const cliSeconds = (performance.now() - started) / 1000;
  rows.push({
    run: "npm run cli -- ingest (one file, process start-up included)",
    records: RECORDS,
    seconds: cliSeconds,
    baseline: cliSeconds / baseSeconds,
  });
  await target.drop();

  const seedTarget = await freshDatabase("seed");
  await migrate(seedTarget.url);
  started = performance.now();
  const seed = spawnSync(
    process.execPath,
    ["scripts/launch.mjs", "cli", "seed", "--posts", "50000"],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: seedTarget.url,
        CUSTODIAN_DATA_DIR: seedTarget.dir,
        LOG_LEVEL: "error",
      },
      encoding: "utf8",
    },
  );
  if (seed.status !== 0) throw new Error(`seed failed: ${seed.stderr.slice(-500)}`);
  const records = Number(/Seeded (\d+) records/.exec(seed.stdout)?.[1] ?? 0);
  rows.push({
    run: "npm run cli -- seed --posts 50000",
    records,
    seconds: (performance.now() - started) / 1000,
    baseline: NaN,
  });
  await seedTarget.drop();
  return rows;
}

export function printIngestTable(rows: IngestBenchRow[]): void {
  const ms = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? "—" : v.toFixed(0));
  console.log(`\nIngest (${process.env.BENCH_DATABASE_URL ? "PostgreSQL" : "SQLite"}):\n`);
  console.log(
    "| run | records | seconds | records/s | /api/health p99 ms | GET /api/v1/jobs p99 ms | × baseline |",
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const r of rows)
    console.log(
      `| ${r.run} | ${r.records.toLocaleString()} | ${r.seconds.toFixed(2)} | ${Math.round(r.records / r.seconds).toLocaleString()} | ${ms(r.healthP99)} | ${ms(r.jobsP99)} | ${Number.isNaN(r.baseline) ? "—" : r.baseline.toFixed(2)} |`,
    );
}

if (import.meta.filename === process.argv[1]) {
  printIngestTable(await runIngestBench());
  await disconnectDb();
}
