// `npm run bench`: seeds BENCH_POSTS posts (default 1,000,000) into a fresh SQLite database, exports
// them as CSV and as Actiance XML (each in its own process), and runs the limit pipeline
// `sqlite3 -csv … | zip` on the same rows in the same run for comparison. Never part of `npm test`.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrate } from "../lib/db/migrate.ts";
import { printCryptoTable, runCryptoBench } from "./attachment-crypto.ts";
import { printIngestTable, runIngestBench } from "./ingest.ts";
import { printTargetsTable, runTargetsBench } from "./targets.ts";
import { exportChildCommand } from "./export-child-command.ts";
import { seedPosts } from "./seed-posts.ts";

const posts = Number(process.env.BENCH_POSTS ?? 1_000_000);
const dir = mkdtempSync(path.join(os.tmpdir(), "custodian-bench-"));
const file = path.join(dir, "bench.db");
const env = {
  ...process.env,
  DATABASE_URL: `file:${file}`,
  CUSTODIAN_DATA_DIR: dir,
  LOG_LEVEL: "error",
  CUSTODIAN_WORKER: "off",
};

await migrate(`file:${file}`);
let t = performance.now();
const window = seedPosts(file, posts);
console.log(
  `seeded ${posts.toLocaleString()} posts in ${((performance.now() - t) / 1000).toFixed(1)} s (${dir})`,
);

type Result = { name: string; seconds: number; bytes: number; maxRssMb: number; posts: number };
const results: Result[] = [];
const exportChild = await exportChildCommand();
for (const format of ["csv", "actiance"] as const) {
  const child = spawnSync(process.execPath, exportChild.args, {
    env: {
      ...env,
      BENCH_FORMAT: format,
      BENCH_START: String(window.start),
      BENCH_END: String(window.end),
    },
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  const line = child.stdout.trim().split("\n").pop() ?? "";
  if (child.status !== 0 || !line.startsWith("{"))
    throw new Error(`${format} export failed:\n${child.stderr}\n${child.stdout}`);
  const r = JSON.parse(line) as Result & { status: string; error: string };
  if (r.status !== "success") throw new Error(`${format} export ended ${r.status}: ${r.error}`);
  results.push({ ...r, name: `Custodian ${format}` });
}
exportChild.cleanup();

t = performance.now();
const zipFile = path.join(dir, "baseline.zip");
const sql = `SELECT p."createAt", p."updateAt", t.id, t.name, c.id, c.name, c."displayName", c.type, u.id, u.email, u.username, p.id, p."rootId", p.message FROM "Post" p JOIN "ChatChannel" c ON c.id = p."channelId" LEFT JOIN "ChatTeam" t ON t.id = c."teamId" JOIN "ChatUser" u ON u.id = p."userId" WHERE p."updateAt" > ${window.start} AND p."updateAt" <= ${window.end} ORDER BY p."updateAt", p.id`;
execFileSync("bash", [
  "-c",
  `sqlite3 -csv ${JSON.stringify(file)} ${JSON.stringify(sql)} | zip -q -6 ${JSON.stringify(zipFile)} -`,
]);
results.push({
  name: "baseline sqlite3 -csv | zip",
  seconds: (performance.now() - t) / 1000,
  bytes: statSync(zipFile).size,
  maxRssMb: NaN,
  posts,
});

const baseline = results[results.length - 1]!.seconds;
console.log(`\n| run | posts | seconds | posts/s | output MB | MB/s | peak RSS MB | × baseline |`);
console.log(`|---|---|---|---|---|---|---|---|`);
for (const r of results) {
  const mb = r.bytes / 1e6;
  console.log(
    `| ${r.name} | ${r.posts.toLocaleString()} | ${r.seconds.toFixed(1)} | ${Math.round(r.posts / r.seconds).toLocaleString()} | ${mb.toFixed(1)} | ${(mb / r.seconds).toFixed(1)} | ${Number.isNaN(r.maxRssMb) ? "—" : r.maxRssMb.toFixed(0)} | ${(r.seconds / baseline).toFixed(2)} |`,
  );
}
if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });

// The same kind of export to a local directory and to an S3 target (bench/targets.ts), in the same run.
if (!process.env.BENCH_SKIP_TARGETS) printTargetsTable(await runTargetsBench());

// Ingest throughput and responsiveness (bench/ingest.ts), in the same run.
if (!process.env.BENCH_SKIP_INGEST) printIngestTable(await runIngestBench());

// Attachment encryption throughput (bench/attachment-crypto.ts), in the same run.
if (!process.env.BENCH_SKIP_CRYPTO) printCryptoTable(await runCryptoBench());
