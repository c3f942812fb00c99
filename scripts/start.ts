// `npm start`: migrate the database, build if the sources changed, then serve the console with the
// worker in-process. Every request gets the client's address from the TCP connection in a header a
// client cannot forge (any incoming copy is overwritten). Production runs this compiled
// (scripts/launch.mjs → dist/<stamp>/start.js); `npm run dev` runs it through tsx.
// `--build-only` (npm run build): build the console if needed and exit.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import { keepDeclaredLength } from "../lib/http/declared-length.ts";
import path from "node:path";
import next from "next";
import { env } from "../lib/config/env.ts";
import { protectDataFiles } from "../lib/config/private-data.ts";
import { migrate } from "../lib/db/migrate.ts";
import { redactDatabaseUrl } from "../lib/config/database-url.ts";
import { hostAllowed, isCrossSiteAction } from "../lib/http/host-guard.ts";
import { logger } from "../lib/log/logger.ts";
import { sourceStamp } from "./build-stamp.ts";

const root = projectRoot(import.meta.dirname);
const dev = process.argv.includes("--dev");

/** The checkout this script belongs to, from scripts/ or from dist/<stamp>/. */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json")) && existsSync(path.join(dir, "next.config.ts")))
      return dir;
    if (path.dirname(dir) === dir) throw new Error(`no Custodian checkout above ${from}`);
  }
}

async function main(): Promise<void> {
  if (process.argv.includes("--build-only")) {
    buildIfNeeded();
    return;
  }
  const config = env();
  const inheritedUmask = protectDataFiles();
  const result = await migrate(config.DATABASE_URL);
  logger().info(
    { database: redactDatabaseUrl(config.DATABASE_URL), applied: result.applied },
    "database ready",
  );
  if (!dev) buildIfNeeded(inheritedUmask);
  // Ingest requests are applied on a worker thread (lib/ingest/thread/): compiled beside this script, or the sources through tsx.
  process.env.CUSTODIAN_INGEST_THREAD ??= import.meta.filename.endsWith(".ts")
    ? path.join(root, "lib/ingest/thread/ingest-thread.ts")
    : path.join(import.meta.dirname, "ingest-thread.js");

  const app = next({
    dev,
    dir: root,
    port: config.PORT,
    hostname: process.env.HOSTNAME ?? "0.0.0.0",
  });
  const handle = app.getRequestHandler();
  await app.prepare();
  const listenHost = process.env.HOSTNAME ?? "0.0.0.0";
  const hosts = {
    publicUrl: config.CUSTODIAN_PUBLIC_URL,
    allowedHosts: config.CUSTODIAN_ALLOWED_HOSTS,
    listenHost,
  };
  const server = http.createServer((req, res) => {
    // DNS rebinding: a page of another site that resolves its name to this server is refused.
    if (!hostAllowed(req.headers.host, hosts)) {
      logger().warn(
        { host: req.headers.host?.slice(0, 200), path: req.url?.slice(0, 200) },
        "request for an unknown host refused",
      );
      res.writeHead(421, {
        "Content-Type": "text/plain; charset=utf-8",
        "Cache-Control": "no-store",
      });
      res.end(
        "This console does not answer to that host name. Set CUSTODIAN_PUBLIC_URL or CUSTODIAN_ALLOWED_HOSTS.\n",
      );
      return;
    }
    req.headers["x-custodian-client-ip"] = req.socket.remoteAddress ?? "";
    req.headers["x-custodian-secure"] =
      "encrypted" in req.socket && req.socket.encrypted ? "1" : "0";
    req.headers["x-custodian-path"] = req.url ?? "/";
    // Next.js refuses a cross-site server action too, but leaves no audit record: refuse it here.
    if (isCrossSiteAction(req)) {
      res.writeHead(403, {
        "Content-Type": "text/plain; charset=utf-8",
        "Cache-Control": "no-store",
      });
      res.end("Cross-site requests are refused.\n");
      void import("../lib/http/audit-cross-site-action.ts")
        .then((m) => m.auditCrossSiteAction({ headers: req.headers, path: req.url ?? "/" }))
        .catch((error: unknown) =>
          logger().error({ err: error }, "audit of a refused cross-site request failed"),
        );
      return;
    }
    // Next.js drops a route handler's Content-Length; a download that knows its size says it in
    // this header instead, and it goes out as Content-Length (lib/http/declared-length.ts).
    keepDeclaredLength(res);
    void handle(req, res);
  });
  server.listen(config.PORT, listenHost, () => {
    logger().info({ url: `http://localhost:${config.PORT}` }, "Custodian is serving the console");
  });
  const shutdown = (signal: string) => {
    logger().info({ signal }, "shutting down");
    server.close();
    void import("../lib/worker/start-worker.ts")
      .then((w) => w.stopWorker())
      .finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

/** Builds .next under the umask the operator gave us: only the data directory is private. */
function buildIfNeeded(umask?: number): void {
  const stampFile = path.join(root, ".next", "custodian-build-stamp");
  const stamp = sourceStamp(root);
  const built =
    existsSync(path.join(root, ".next", "BUILD_ID")) &&
    existsSync(stampFile) &&
    readFileSync(stampFile, "utf8") === stamp;
  if (built) return;
  logger().info("building the console (first start or changed sources)…");
  const privateUmask = umask === undefined ? undefined : process.umask(umask);
  try {
    execFileSync(
      process.execPath,
      [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"],
      { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } },
    );
  } finally {
    if (privateUmask !== undefined) process.umask(privateUmask);
  }
  writeFileSync(stampFile, stamp);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
