// `npm run bench:targets` (and part of `npm run bench`): one export of BENCH_TARGET_POSTS posts
// (default 100,000) to the local directory and the same export to an S3 target on a real
// S3-protocol server on loopback (s3rver, in this process), each in its own process: time and peak RSS.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrate } from "../lib/db/migrate.ts";
import { startTestS3Server } from "../lib/testing/s3/test-s3-server.ts";
import { seedPosts } from "./seed-posts.ts";

export type TargetBenchRow = {
  name: string;
  posts: number;
  seconds: number;
  bytes: number;
  maxRssMb: number;
  batches: number;
};

export async function runTargetsBench(
  posts = Number(process.env.BENCH_TARGET_POSTS ?? 100_000),
): Promise<TargetBenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "custodian-bench-targets-"));
  const file = path.join(dir, "bench.db");
  const env = {
    ...process.env,
    DATABASE_URL: `file:${file}`,
    CUSTODIAN_DATA_DIR: dir,
    LOG_LEVEL: "error",
    CUSTODIAN_WORKER: "off",
  };
  await migrate(`file:${file}`);
  const window = seedPosts(file, posts);
  const s3 = await startTestS3Server({ bucket: "custodian-bench" });
  const rows: TargetBenchRow[] = [];
  try {
    for (const [name, extra] of [
      ["CSV → local directory", {}],
      [
        "CSV → S3 (s3rver on loopback)",
        {
          BENCH_S3_ENDPOINT: s3.endpoint,
          BENCH_S3_BUCKET: s3.bucket,
          BENCH_S3_KEY: s3.accessKeyId,
          BENCH_S3_SECRET: s3.secretAccessKey,
        },
      ],
    ] as const) {
      // Asynchronous spawn: the S3 server answers from this process's event loop.
      const { stdout, stderr, code } = await new Promise<{
        stdout: string;
        stderr: string;
        code: number | null;
      }>((resolve) => {
        const child = spawn(process.execPath, ["--import", "tsx", "bench/export-child.ts"], {
          env: {
            ...env,
            ...extra,
            BENCH_FORMAT: "csv",
            BENCH_START: String(window.start),
            BENCH_END: String(window.end),
          },
        });
        let out = "";
        let err = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString()));
        child.stderr.on("data", (d: Buffer) => (err += d.toString()));
        child.on("close", (c) => resolve({ stdout: out, stderr: err, code: c }));
      });
      const line = stdout.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{"))
        throw new Error(`${name} failed:\n${stderr}\n${stdout}`);
      const r = JSON.parse(line) as TargetBenchRow & { status: string; error: string };
      if (r.status !== "success") throw new Error(`${name} ended ${r.status}: ${r.error}`);
      rows.push({
        name,
        posts: r.posts,
        seconds: r.seconds,
        bytes: r.bytes,
        maxRssMb: r.maxRssMb,
        batches: r.batches,
      });
    }
  } finally {
    await s3.stop();
    if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

export function printTargetsTable(rows: TargetBenchRow[]): void {
  console.log(`\n| export | posts | batches | seconds | posts/s | output MB | peak RSS MB |`);
  console.log(`|---|---|---|---|---|---|---|`);
  for (const r of rows)
    console.log(
      `| ${r.name} | ${r.posts.toLocaleString()} | ${r.batches} | ${r.seconds.toFixed(1)} | ${Math.round(r.posts / r.seconds).toLocaleString()} | ${(r.bytes / 1e6).toFixed(1)} | ${r.maxRssMb.toFixed(0)} |`,
    );
}

if (import.meta.url === `file://${process.argv[1]}`) printTargetsTable(await runTargetsBench());
