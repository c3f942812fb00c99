// Compiles the server, the worker and the CLI (scripts/start.ts, scripts/worker.ts, lib/cli/main.ts
// and everything they import from lib/) into plain JavaScript with esbuild, so production runs
// `node` without a TypeScript loader. The output goes to dist/<stamp>/, where the stamp is a hash of
// the sources: a build never overwrites one that a running process may still load chunks from, and
// two processes starting at once build into separate temporary directories and rename (the second
// rename finds the first one's build and keeps it). Development and tests run the sources with tsx.
//
//   node scripts/build-server.mjs          build if the sources changed; prints the directory
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DIST = path.join(ROOT, "dist");
const SOURCES = [
  "lib",
  "scripts",
  "package.json",
  "tsconfig.json",
  "prisma/sqlite/schema.prisma",
  "prisma/postgresql/schema.prisma",
];
// Tests and test helpers are not part of the build; generated clients follow from the schemas.
const SKIP = /(\.test\.tsx?$)|(^|\/)(generated|testing)(\/|$)/;
export const ENTRIES = {
  start: "scripts/start.ts",
  worker: "scripts/worker.ts",
  cli: "lib/cli/main.ts",
  "ingest-thread": "lib/ingest/thread/ingest-thread.ts",
};
const KEEP_BUILDS = 3;

/** A fingerprint of every source the compiled entry points depend on. */
export function serverStamp() {
  const hash = createHash("sha256");
  const visit = (p) => {
    if (!existsSync(p) || SKIP.test(path.relative(ROOT, p))) return;
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p).sort()) visit(path.join(p, name));
    } else {
      hash.update(path.relative(ROOT, p)).update(readFileSync(p));
    }
  };
  for (const s of SOURCES) visit(path.join(ROOT, s));
  return hash.digest("hex").slice(0, 16);
}

/** How the production build compiles entry points (bench/export-child.ts is compiled the same way by the bench). */
export function esbuildOptions(entryPoints, outdir) {
  return {
    absWorkingDir: ROOT,
    entryPoints,
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    sourcemap: true,
    chunkNames: "chunks/[name]-[hash]",
    logLevel: "warning",
    // Bundled ESM has no `require`; a dependency reached through the bundle may still call it.
    banner: {
      js: 'import { createRequire as __custodianRequire } from "node:module"; const require = __custodianRequire(import.meta.url);',
    },
  };
}

/** The directory of an up-to-date build, building it first when missing or stale. */
export async function ensureServerBuild() {
  const stamp = serverStamp();
  const dir = path.join(DIST, stamp);
  if (existsSync(path.join(dir, "BUILT"))) return dir;
  const { build } = await import("esbuild");
  const tmp = path.join(DIST, `.tmp-${stamp}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  const started = Date.now();
  await build(esbuildOptions(ENTRIES, tmp));
  mkdirSync(tmp, { recursive: true });
  writeFileSync(
    path.join(tmp, "BUILT"),
    `${new Date().toISOString()} ${Date.now() - started} ms\n`,
  );
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another process finished the same build first
  }
  pruneOldBuilds(stamp);
  return dir;
}

function pruneOldBuilds(current) {
  const builds = readdirSync(DIST, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== current && !e.name.startsWith("."))
    .map((e) => ({ name: e.name, mtime: statSync(path.join(DIST, e.name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of builds.slice(KEEP_BUILDS - 1))
    rmSync(path.join(DIST, old.name), { recursive: true, force: true });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(path.relative(ROOT, await ensureServerBuild()));
}
