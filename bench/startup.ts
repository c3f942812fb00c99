// `npm run bench:startup`: start-up time and memory of the server, the worker and the CLI, run the
// development way (TypeScript through tsx) and the production way (compiled JavaScript through
// `node scripts/launch.mjs`, issue 14), in the same run on the same pre-migrated SQLite database.
// Ready = the first HTTP answer from /api/health (server), the "worker started" log line (worker),
// the exit of `cli jobs list` (CLI). RSS is summed over the process tree (tsx runs a child node).
// Median of BENCH_RUNS (default 3). Never part of `npm test`.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrate } from "../lib/db/migrate.ts";

const root = path.resolve(import.meta.dirname, "..");
const runs = Number(process.env.BENCH_RUNS ?? 3);
const port = Number(process.env.BENCH_PORT ?? 3397);
const dir = mkdtempSync(path.join(os.tmpdir(), "custodian-startup-"));
const env = {
  ...process.env,
  DATABASE_URL: `file:${path.join(dir, "c.db")}`,
  CUSTODIAN_DATA_DIR: dir,
  PORT: String(port),
  HOSTNAME: "127.0.0.1",
  LOG_LEVEL: "info",
  NEXT_TELEMETRY_DISABLED: "1",
};
await migrate(env.DATABASE_URL);
// Both ways share the console build and dist/, built here, outside the timings.
execFileSync(process.execPath, ["scripts/launch.mjs", "build"], {
  cwd: root,
  env,
  stdio: "ignore",
});

const tsx = path.join(root, "node_modules", ".bin", "tsx");
const CASES = [
  {
    name: "server",
    ready: "http",
    dev: [tsx, "scripts/start.ts"],
    prod: [process.execPath, "scripts/launch.mjs", "start"],
  },
  {
    name: "worker",
    ready: "worker started",
    dev: [tsx, "scripts/worker.ts"],
    prod: [process.execPath, "scripts/launch.mjs", "worker"],
  },
  {
    name: "cli jobs list",
    ready: "exit",
    dev: [tsx, "lib/cli/main.ts", "jobs", "list"],
    prod: [process.execPath, "scripts/launch.mjs", "cli", "jobs", "list"],
  },
] as const;

function treeRssKb(pid: number): number {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${name}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone meanwhile
    }
  }
  let total = 0;
  const visit = (p: number) => {
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      return;
    }
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return total;
}

async function measure(
  cmd: readonly string[],
  ready: string,
): Promise<{ ms: number; peakMb: number; settledMb: number }> {
  const started = performance.now();
  const child = spawn(cmd[0]!, cmd.slice(1), {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c));
  child.stderr.on("data", (c: Buffer) => (output += c));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  let peak = 0;
  let done = false;
  const sampler = setInterval(() => (peak = Math.max(peak, treeRssKb(child.pid!))), 20);
  const isReady = async () => {
    if (ready === "exit") return done;
    if (ready === "http")
      return fetch(`http://127.0.0.1:${port}/api/health`).then(
        () => true,
        () => false,
      );
    return output.includes(ready);
  };
  void exited.then(() => (done = true));
  while (!(await isReady())) {
    if (done && ready !== "exit") throw new Error(`${cmd.join(" ")} exited:\n${output}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const ms = performance.now() - started;
  let settled = 0;
  if (ready !== "exit") {
    await new Promise((r) => setTimeout(r, 2000));
    settled = treeRssKb(child.pid!);
    peak = Math.max(peak, settled);
    process.kill(-child.pid!, "SIGTERM");
    await exited;
  }
  clearInterval(sampler);
  return { ms, peakMb: peak / 1024, settledMb: settled / 1024 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: string[][] = [];
for (const c of CASES) {
  // The two ways alternate run by run, so a busy moment on a shared machine slows both alike.
  const byWay = {
    dev: [] as Awaited<ReturnType<typeof measure>>[],
    prod: [] as Awaited<ReturnType<typeof measure>>[],
  };
  for (let i = 0; i < runs; i++)
    for (const way of ["dev", "prod"] as const) byWay[way].push(await measure(c[way], c.ready));
  for (const way of ["dev", "prod"] as const) {
    const results = byWay[way];
    rows.push([
      c.name,
      way === "dev" ? "tsx (TypeScript)" : "node (compiled)",
      `${(median(results.map((r) => r.ms)) / 1000).toFixed(2)} s`,
      `${median(results.map((r) => r.peakMb)).toFixed(0)} MB`,
      c.ready === "exit" ? "-" : `${median(results.map((r) => r.settledMb)).toFixed(0)} MB`,
    ]);
  }
}
const header = ["process", "run as", "ready after", "peak RSS", "RSS 2 s after ready"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
for (const r of [header, ...rows])
  console.log(r.map((cell, i) => cell.padEnd(widths[i]!)).join("  "));
console.log(
  `\n${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}, median of ${runs}`,
);
rmSync(dir, { recursive: true, force: true });
