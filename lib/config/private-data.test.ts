import assert from "node:assert/strict";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { after, before, test } from "node:test";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { env } from "./env.ts";
import { databaseProvider, db, disconnectDb } from "../db/client.ts";
import { parseDatabaseUrl } from "./database-url.ts";
import { record } from "../audit/record.ts";
import { writeAuditDigests } from "../audit-digest/write-audit-digests.ts";
import { encryptSecret, resetSecretKeyForTests } from "../settings/secret-box.ts";
import { localExportTarget } from "../targets/resolve-target.ts";
import { writeFileBytes } from "../ingest/file-store.ts";
import { protectDataFiles } from "./private-data.ts";

// Issue 11 item 13: the SQLite file (the whole archive), its WAL and SHM, and every file under the
// data directory are 0600 and every directory 0700, whatever umask the process was started with.

let t: TestDatabase;
let inherited: number;
before(async () => {
  inherited = process.umask(0); // the most careless umask an operator could have
  t = await useTestDatabase(); // a database that already exists, made under that umask
});
after(async () => {
  process.umask(inherited);
  await t.cleanup();
});

function modes(dir: string, out: Array<{ file: string; dir: boolean; mode: number }> = []) {
  out.push({ file: dir, dir: true, mode: statSync(dir).mode & 0o777 });
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) modes(full, out);
    else out.push({ file: full, dir: false, mode: statSync(full).mode & 0o777 });
  }
  return out;
}

test("every file the console writes under the data directory is 0600, every directory 0700", async () => {
  protectDataFiles();
  resetSecretKeyForTests();
  await disconnectDb();
  // What a running console writes: database pages (WAL, SHM), audit lines and digests, the
  // generated key, an export file, an attachment.
  await db().setting.upsert({
    where: { key: "mode-test" },
    create: { key: "mode-test", value: "1" },
    update: { value: "1" },
  });
  await record({
    eventName: "getConfig",
    status: "success",
    actor: { userId: "", sessionId: "", client: "test", ipAddress: "" },
    objectType: "config",
    apiPath: "test",
    at: new Date(Date.now() - 2 * 3600_000),
  });
  await writeAuditDigests();
  encryptSecret("mode test");
  const pending = await localExportTarget().openWrite(
    "compliance-export-mode-test/batch001-1-2.zip",
  );
  pending.stream.end("zip bytes");
  await new Promise((resolve) => pending.stream.once("finish", resolve));
  await pending.commit();
  await writeFileBytes({
    fileId: "mode-test-file",
    source: Readable.from([Buffer.from("attachment")]),
  });

  const seen = modes(env().dataDir);
  if (databaseProvider() === "sqlite") {
    const file = (parseDatabaseUrl(env().DATABASE_URL) as { file: string }).file;
    assert.ok(
      file.startsWith(env().dataDir + path.sep),
      "the test database is inside the data directory",
    );
    for (const f of [file, `${file}-wal`, `${file}-shm`])
      assert.ok(existsSync(f), `${path.basename(f)} exists`);
  }
  for (const name of ["secret.key", "logs", "exports", "files"])
    assert.ok(
      seen.some((s) => path.relative(env().dataDir, s.file).split(path.sep)[0] === name),
      `${name} was written`,
    );
  const wrong = seen
    .filter((s) => s.mode !== (s.dir ? 0o700 : 0o600))
    .map((s) => `${path.relative(env().dataDir, s.file) || "."} ${s.mode.toString(8)}`);
  assert.deepEqual(wrong, []);
});
