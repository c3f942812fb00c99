// Production runs compiled JavaScript (scripts/launch.mjs → dist/<stamp>/): the compiled CLI works
// against a real database with plain node, and the build follows the sources' stamp.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { useTestDatabase, type TestDatabase } from "../lib/testing/test-db.ts";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "..");
let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
});
after(async () => t.cleanup());

test("node scripts/launch.mjs cli runs the compiled CLI (no TypeScript loader) with the same exit codes", async () => {
  const { ensureServerBuild, serverStamp } = (await import(
    path.join(root, "scripts/build-server.mjs")
  )) as { ensureServerBuild: () => Promise<string>; serverStamp: () => string };
  const dir = await ensureServerBuild();
  assert.equal(path.basename(dir), serverStamp());
  for (const entry of ["start.js", "worker.js", "cli.js"])
    assert.ok(existsSync(path.join(dir, entry)), entry);

  const env = { ...process.env, NODE_OPTIONS: "" };
  const listed = await run(
    process.execPath,
    ["scripts/launch.mjs", "cli", "jobs", "list", "--json"],
    { cwd: root, env },
  );
  assert.deepEqual(JSON.parse(listed.stdout), { jobs: [], next: null, total: 0 });
  const usage = await run(
    process.execPath,
    ["scripts/launch.mjs", "cli", "jobs", "list", "--nope"],
    { cwd: root, env },
  ).then(
    () => null,
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
  assert.equal(usage?.code, 2);
  assert.equal(usage?.stdout, "");
  assert.match(usage?.stderr ?? "", /Usage: npm run cli -- jobs list/);
  const unknown = await run(process.execPath, ["scripts/launch.mjs", "nonsense"], {
    cwd: root,
    env,
  }).then(
    () => null,
    (e: { code: number }) => e,
  );
  assert.equal(unknown?.code, 2);
});
