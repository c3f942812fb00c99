// Decrypt on export (issue 10): the same attachments exported with "decrypt" on (plaintext, read
// back with the real unzip) and off (ciphertext + encryption.json, valid against its JSON Schema),
// restored byte for byte by `decrypt-export`; tampering in the store and in a zip.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { after, before, test } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import { ZipFile } from "yazl";
import { createAdmin } from "../auth/create-admin.ts";
import { runCli } from "../cli/testing/run-cli.ts";
import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { parseExportPlan } from "../export/plan/export-plan.ts";
import { planExport } from "../export/plan/plan-export.ts";
import { applyRecords } from "../ingest/apply-records.ts";
import { storeFileBytes, storeKeyForFile, storePath } from "../ingest/file-store.ts";
import { channel, fileInfo, history, post, team, user } from "../ingest/test-records.ts";
import { claimNextJob } from "../jobs/claim-job.ts";
import { enqueueExportJob } from "../jobs/enqueue-job.ts";
import {
  jobExportDir,
  listBatchFiles,
  setExportSettings,
  unzipEntry,
  zipEntries,
} from "../testing/export-fixtures.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { runJob } from "../worker/run-job.ts";
import { exportAttachmentKey } from "./export-attachment-key.ts";
import { ENCRYPTION_FILE } from "./encryption-manifest.ts";
import { blobPath, readMeta } from "./stored-file.ts";

process.env.LOG_LEVEL = "silent";
const schema = JSON.parse(
  readFileSync(path.join(import.meta.dirname, "../../docs/encryption.schema.json"), "utf8"),
);
const ajvValidate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
const validate = Object.assign((value: unknown): boolean => ajvValidate(value), {
  get errors() {
    return ajvValidate.errors;
  },
});
const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
const MARKER = "EXPORT-PLAINTEXT-MARKER-41c2";
const PASSWORD = "correct horse battery staple 1729";

let t: TestDatabase;
const plaintext = new Map<string, Buffer>();
let keyFile = "";

before(async () => {
  t = await useTestDatabase();
  await setExportSettings({ BatchSize: 100, ExportAttachments: true, ExportFromTimestamp: 0 });
  // fa, fb, fc arrive through the ingest API (encrypted as they are stored); fd was stored by a
  // version before encryption (plaintext and a {"sha256","size"} .meta).
  for (const [id, text] of [
    ["fa", "quarterly numbers"],
    ["fb", "meeting notes"],
    ["fc", "a picture"],
    ["fd", "stored before encryption"],
  ] as const) {
    const bytes = Buffer.from(`${MARKER} ${text}\n`.repeat(300));
    plaintext.set(id, bytes);
    if (id === "fd") {
      const p = storePath(storeKeyForFile(id));
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, bytes);
      writeFileSync(`${p}.meta`, JSON.stringify({ sha256: sha(bytes), size: bytes.length }));
    } else await storeFileBytes({ fileId: id, source: Readable.from([bytes]) });
  }
  const result = await applyRecords({
    records: [
      team,
      channel,
      user,
      history,
      post("post1", { file_ids: ["fa", "fb"] }),
      post("post2", {
        file_ids: ["fc", "fd"],
        create_at: 1_735_689_602_000,
        update_at: 1_735_689_602_000,
      }),
      fileInfo("fa", {
        post_id: "post1",
        name: "numbers.xlsx",
        path: "data/fa/numbers.xlsx",
        size: plaintext.get("fa")!.length,
      }),
      fileInfo("fb", {
        post_id: "post1",
        name: "notes.txt",
        path: "data/fb/notes.txt",
        size: plaintext.get("fb")!.length,
      }),
      fileInfo("fc", {
        post_id: "post2",
        name: "picture.png",
        path: "data/fc/picture.png",
        size: plaintext.get("fc")!.length,
      }),
      fileInfo("fd", {
        post_id: "post2",
        name: "old.pdf",
        path: "data/fd/old.pdf",
        size: plaintext.get("fd")!.length,
      }),
    ],
  });
  assert.ok(result.ok, JSON.stringify(result));
  await createAdmin({ email: "owner@example.com", password: PASSWORD, owner: true });
  keyFile = path.join(t.dataDir, "k1.jwk");
  await exportAttachmentKey({ keyId: "k1", out: keyFile, password: PASSWORD });
});
after(async () => t.cleanup());

/** A ranged CSV export of every post, planned with decryptAttachments as given; its one batch zip. */
async function exportWith(
  decryptAttachments: boolean | undefined,
  format: "csv" | "actiance" | "json" = "csv",
): Promise<{ jobId: string; zip: string; status: string }> {
  const job = await enqueueExportJob({
    trigger: "manual",
    initiatedBy: "u1",
    initiatedByLabel: "test",
    format,
    window: { start: 0, end: Date.now() },
  });
  const claimed = await claimNextJob({ workerId: "w-test", leaseMs: 60_000, jobId: job.id });
  assert.ok(claimed);
  const row = await db().exportJob.findUniqueOrThrow({ where: { id: job.id } });
  const plan = await planExport({
    job: row,
    now: new Date(),
    ...(decryptAttachments === undefined ? {} : { decryptAttachments }),
  });
  // What the core engineer's policies will do: the runner keeps a stored plan.
  await db().exportJob.update({
    where: { id: job.id },
    data: { plan: JSON.stringify(plan), exportDir: plan.exportDir },
  });
  const status = await runJob({ claimed, workerId: "w-test", leaseMs: 60_000 });
  const dir = await jobExportDir(job.id);
  const zips = await listBatchFiles(dir);
  assert.equal(zips.length, 1);
  return { jobId: job.id, zip: path.join(dir, zips[0]!), status };
}

// CSV puts attachments at files/<post id>/<file id>-<name>.
const attachmentEntries = (entries: string[]) =>
  entries.filter((e) => e.startsWith("files/") && !e.endsWith("/"));
const idOf = (entry: string) => /^files\/post\d\/(f[a-d])-/.exec(entry)![1]!;

test("decrypt on (the default): the batch holds the plaintext attachments and no encryption.json", async () => {
  const { zip, status } = await exportWith(undefined);
  assert.equal(status, "success");
  const entries = await zipEntries(zip);
  assert.ok(!entries.includes(ENCRYPTION_FILE));
  const files = attachmentEntries(entries);
  assert.equal(files.length, 4, entries.join(", "));
  for (const entry of files)
    assert.ok((await unzipEntry(zip, entry)).equals(plaintext.get(idOf(entry))!), entry);
  const plan = parseExportPlan(
    (await db().exportJob.findFirstOrThrow({ where: { status: "success" } })).plan,
  );
  assert.equal(plan.decryptAttachments, true);
});

let offZip = "";
test("decrypt off: ciphertext entries and an encryption.json that validates and names each one; the store stays encrypted", async () => {
  const { zip, status } = await exportWith(false);
  assert.equal(status, "success");
  offZip = zip;
  const entries = await zipEntries(zip);
  assert.equal(entries[entries.length - 1], ENCRYPTION_FILE, "the zip's last entry");
  const manifest = JSON.parse((await unzipEntry(zip, ENCRYPTION_FILE)).toString("utf8"));
  assert.ok(validate(manifest), JSON.stringify(validate.errors));
  const files = attachmentEntries(entries);
  assert.equal(files.length, 4);
  assert.deepEqual(
    manifest.files.map((f: { path: string }) => f.path).sort(),
    [...files].sort(),
    "one line per attachment, by its path in the zip",
  );
  assert.deepEqual(manifest.key_ids, ["k1"]);
  for (const entry of files) {
    const bytes = await unzipEntry(zip, entry);
    const original = plaintext.get(idOf(entry))!;
    assert.equal(bytes.length, original.length);
    assert.ok(!bytes.includes(MARKER), `${entry} is not the plaintext`);
    const line = manifest.files.find((f: { path: string }) => f.path === entry);
    assert.equal(line.plaintext_sha256, sha(original));
    assert.equal(line.plaintext_size, original.length);
  }
  // fd, stored before encryption, was encrypted in the store to be exported; nothing is plaintext.
  const fd = storePath(storeKeyForFile("fd"));
  assert.equal(existsSync(fd), false);
  assert.ok((await readMeta(fd))?.encryption);
  assert.equal(
    (await readMeta(fd))?.sha256,
    sha(plaintext.get("fd")!),
    "its identity did not change",
  );
  const posts = await db().post.count();
  const fileRows = await db().fileInfo.findMany({ orderBy: { id: "asc" } });
  assert.equal(posts, 2);
  assert.deepEqual(
    fileRows.map((f) => [f.id, f.sha256]),
    ["fa", "fb", "fc", "fd"].map((id) => [id, sha(plaintext.get(id)!)]),
    "exporting changed no stored row",
  );
});

test("decrypt-export restores the plaintext byte for byte with the key file alone", async () => {
  const out = path.join(t.dataDir, "restored");
  const r = await runCli(
    ["decrypt-export", offZip, "--key-file", keyFile, "--out", out, "--json"],
    { env: { DATABASE_URL: "file:/nonexistent/never-used.db" } },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).decrypted, 4);
  const entries = (await zipEntries(offZip)).filter(
    (e) => e !== ENCRYPTION_FILE && !e.endsWith("/"),
  );
  for (const entry of entries) {
    const restored = readFileSync(path.join(out, entry));
    if (entry.startsWith("files/"))
      assert.equal(sha(restored), sha(plaintext.get(idOf(entry))!), entry);
    else assert.ok(restored.equals(await unzipEntry(offZip, entry)), `${entry} copied as it is`);
  }
  assert.equal(existsSync(path.join(out, ENCRYPTION_FILE)), false);
});

/** A copy of `zip` with `change` applied to the bytes of the entries it returns a new value for. */
async function rewriteZip(
  zip: string,
  out: string,
  change: (name: string, bytes: Buffer) => Buffer | undefined,
): Promise<void> {
  const entries = await zipEntries(zip);
  const z = new ZipFile();
  for (const name of entries)
    z.addBuffer(change(name, await unzipEntry(zip, name)) ?? (await unzipEntry(zip, name)), name);
  z.end();
  const chunks: Buffer[] = [];
  for await (const c of z.outputStream) chunks.push(c as Buffer);
  writeFileSync(out, Buffer.concat(chunks));
}

const leftovers = (dir: string) =>
  readdirSync(dir).filter((n) => n.includes("partial") || n.startsWith("bad-"));

test("decrypt-export: a wrong key, a missing key or a changed entry is an error naming it; nothing is left behind", async () => {
  const wrongKey = path.join(t.dataDir, "wrong.jwk");
  const jwk = JSON.parse(readFileSync(keyFile, "utf8"));
  writeFileSync(wrongKey, JSON.stringify({ ...jwk, k: Buffer.alloc(32, 7).toString("base64url") }));
  const wrong = await runCli([
    "decrypt-export",
    offZip,
    "--key-file",
    wrongKey,
    "--out",
    path.join(t.dataDir, "bad-wrong"),
  ]);
  assert.equal(wrong.code, 1);
  assert.match(
    wrong.stderr,
    /files\/post\d\/f[a-d]-[^:]+: the key file for k1 does not unwrap its data key/,
  );

  const otherKey = path.join(t.dataDir, "k7.jwk");
  writeFileSync(otherKey, JSON.stringify({ ...jwk, kid: "k7" }));
  const missing = await runCli([
    "decrypt-export",
    offZip,
    "--key-file",
    otherKey,
    "--out",
    path.join(t.dataDir, "bad-missing"),
  ]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /needs the attachment key k1/);

  const tampered = path.join(t.dataDir, "tampered.zip");
  let victim = "";
  await rewriteZip(offZip, tampered, (name, bytes) => {
    if (victim || !name.startsWith("files/")) return undefined;
    victim = name;
    const b = Buffer.from(bytes);
    b[10]! ^= 0x20;
    return b;
  });
  const changed = await runCli([
    "decrypt-export",
    tampered,
    "--key-file",
    keyFile,
    "--out",
    path.join(t.dataDir, "bad-changed"),
  ]);
  assert.equal(changed.code, 1);
  assert.ok(changed.stderr.includes(`${victim}: failed authentication`), changed.stderr);
  assert.deepEqual(leftovers(t.dataDir), [], "no output directory, no partial one");
});

test("a tampered ciphertext in the store is reported and never exported, with decrypt on or off", async () => {
  const p = storePath(storeKeyForFile("fb"));
  const blob = blobPath(p, (await readMeta(p))!.encryption!.blob);
  const b = readFileSync(blob);
  b[b.length - 1]! ^= 1;
  writeFileSync(blob, b);
  for (const decrypt of [true, false]) {
    const { zip, status } = await exportWith(decrypt);
    assert.equal(status, "warning", `decrypt ${decrypt}`);
    const entries = await zipEntries(zip);
    assert.deepEqual(
      attachmentEntries(entries).map(idOf).sort(),
      ["fa", "fc", "fd"],
      `decrypt ${decrypt}: fb is left out`,
    );
    const warnings = (await unzipEntry(zip, "warning.txt")).toString("utf8");
    assert.match(warnings, /data\/fb\/notes\.txt/, `decrypt ${decrypt}: ${warnings}`);
    if (!decrypt) {
      const manifest = JSON.parse((await unzipEntry(zip, ENCRYPTION_FILE)).toString("utf8"));
      assert.ok(validate(manifest));
      assert.equal(manifest.files.length, 3);
    }
  }
});

test("the plan: decrypt off is refused for Global Relay emails; a plan stored before the field reads as decrypt on", async () => {
  await setExportSettings({
    BatchSize: 100,
    ExportAttachments: true,
    ExportFromTimestamp: 0,
    ExportFormat: "globalrelay-zip",
  });
  const job = await enqueueExportJob({
    trigger: "manual",
    initiatedBy: "u1",
    initiatedByLabel: "test",
    format: "globalrelay-zip",
    window: { start: 0, end: Date.now() },
  });
  const row = await db().exportJob.findUniqueOrThrow({ where: { id: job.id } });
  await assert.rejects(
    planExport({ job: row, now: new Date(), decryptAttachments: false }),
    (e: unknown) => e instanceof UserError && /zip format/.test(e.message),
  );
  const plan = await planExport({ job: row, now: new Date() });
  const { decryptAttachments: _dropped, ...older } = plan;
  assert.equal(parseExportPlan(JSON.stringify(older)).decryptAttachments, true);
});
