import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { db } from "../../db/client.ts";
import { verifyIngestToken } from "../../ingest/verify-ingest-token.ts";
import { useTestDatabase, type TestDatabase } from "../../testing/test-db.ts";
import { runCliInProcess } from "../testing/run-cli.ts";

let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
});
after(async () => t.cleanup());

const T0 = 1_735_689_600_000;

/** Runs a command, capturing what it prints. */
async function run(name: string, argv: string[]) {
  const r = await runCliInProcess([...name.split(" "), ...argv]);
  return { code: r.code, out: r.stdout.trimEnd(), err: r.stderr.trimEnd() };
}
const ingest = "ingest";
const importMattermost = "import-mattermost";
const seed = "seed";
const token = "token";

/** A usage error: exit 2, the message and the command's usage on stderr, nothing on stdout. */
async function assertUsageError(name: string, argv: string[], message?: RegExp) {
  const r = await run(name, argv);
  assert.equal(r.code, 2, `${name} ${argv.join(" ")}: ${r.err}`);
  assert.equal(r.out, "");
  assert.match(r.err, /^error: /);
  assert.match(r.err, /Usage: npm run cli -- /);
  if (message) assert.match(r.err, message);
}

function writeLines(name: string, lines: unknown[]): string {
  const file = path.join(t.dataDir, name);
  writeFileSync(
    file,
    lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n",
  );
  return file;
}

async function lastAudit() {
  const row = await db().auditRecord.findFirstOrThrow({ orderBy: { id: "desc" } });
  return JSON.parse(row.json);
}

test("ingest: a good file is applied; counts printed; one bulkImport audit record", async () => {
  mkdirSync(path.join(t.dataDir, "files"), { recursive: true });
  writeFileSync(path.join(t.dataDir, "files", "a.txt"), "bytes");
  const file = writeLines("good.jsonl", [
    { type: "team", team: { id: "t1", name: "acme" } },
    "",
    { type: "channel", channel: { id: "c1", team_id: "t1", type: "O", name: "general" } },
    { type: "user", user: { id: "u1", username: "bob", email: "not-an-email" } },
    {
      type: "post",
      post: {
        id: "p1",
        channel_id: "c1",
        user_id: "u1",
        create_at: T0,
        message: "hi",
        file_ids: ["f1"],
      },
    },
    {
      type: "file_info",
      file_info: { id: "f1", post_id: "p1", name: "a.txt", path: "a.txt", size: 5 },
    },
  ]);
  const result = await run(ingest, [file, "--files", path.join(t.dataDir, "files")]);
  assert.equal(result.code, 0, result.err);
  assert.match(
    result.out,
    /Applied good\.jsonl:\n {2}team: 1\n {2}channel: 1\n {2}user: 1\n {2}post: 1\n {2}file_info: 1/,
  );
  assert.match(result.out, /warning: line 4: user bob has a malformed email "not-an-email"/);
  assert.equal(await db().post.count(), 1);
  assert.notEqual((await db().fileInfo.findUniqueOrThrow({ where: { id: "f1" } })).storeKey, "");
  const audit = await lastAudit();
  assert.equal(audit.event_name, "bulkImport");
  assert.equal(audit.status, "success");
  assert.equal(audit.actor.client, "cli");
  assert.equal(audit.meta.api_path, "cli:ingest");
  assert.equal(audit.event.parameters.file, "good.jsonl");
  assert.equal(audit.event.parameters.counts.post, 1);
});

test("ingest: a bad file prints line N: field: message, exits 1 and applies nothing", async () => {
  const before = await db().post.count();
  const file = writeLines("bad.jsonl", [
    {
      type: "post",
      post: { id: "p2", channel_id: "c1", user_id: "u1", create_at: T0, message: "fine" },
    },
    {
      type: "post",
      post: { id: "p3", channel_id: "c1", user_id: "u1", create_at: -5, message: "x" },
    },
    "{broken",
    { type: "file_info", file_info: { id: "f9", name: "x", path: "../../etc/passwd" } },
  ]);
  const result = await run(ingest, [file, "--files", t.dataDir]);
  assert.equal(result.code, 1);
  const lines = result.err.split("\n");
  assert.equal(
    lines[0],
    "line 2: post.create_at: must be a non-negative integer number of epoch milliseconds (got -5)",
  );
  assert.match(lines[1]!, /^line 3: json: is not valid JSON/);
  assert.equal(
    lines[2],
    'line 4: file_info.path: "../../etc/passwd" must not contain ".." segments',
  );
  assert.equal(lines.at(-1), "3 invalid record(s); nothing was applied.");
  assert.equal(await db().post.count(), before);
  const audit = await lastAudit();
  assert.deepEqual(
    [audit.status, audit.meta.api_path, audit.error.status_code],
    ["fail", "cli:ingest", 422],
  );
});

test("ingest: usage errors exit 2", async () => {
  await assertUsageError(ingest, [], /missing <file>/);
  await assertUsageError(ingest, ["a", "b"], /unexpected argument "b"/);
  await assertUsageError(ingest, ["--nope", "x"], /Unknown option '--nope'/);
  await assertUsageError(ingest, [path.join(t.dataDir, "missing.jsonl")], /no such file/);
  await assertUsageError(
    ingest,
    [writeLines("x.jsonl", []), "--files", path.join(t.dataDir, "nodir")],
    /no such directory/,
  );
});

test("import-mattermost: a bulk export is imported and audited", async () => {
  const file = writeLines("bulk.jsonl", [
    { type: "version", version: 1 },
    { type: "team", team: { name: "blue", display_name: "Blue" } },
    { type: "channel", channel: { team: "blue", name: "main", display_name: "Main", type: "O" } },
    {
      type: "user",
      user: {
        username: "zed",
        email: "zed@example.com",
        teams: [{ name: "blue", channels: [{ name: "main" }] }],
      },
    },
    {
      type: "post",
      post: {
        team: "blue",
        channel: "main",
        user: "zed",
        message: "from mattermost",
        create_at: T0,
      },
    },
  ]);
  const result = await run(importMattermost, [file]);
  assert.equal(result.code, 0, result.err);
  assert.match(result.out, /post: 1/);
  assert.equal(await db().post.count({ where: { message: "from mattermost" } }), 1);
  const audit = await lastAudit();
  assert.deepEqual(
    [audit.status, audit.meta.api_path, audit.event.parameters.file],
    ["success", "cli:import-mattermost", "bulk.jsonl"],
  );

  const bad = await run(importMattermost, [
    writeLines("bulk-bad.jsonl", [{ type: "team", team: { name: "x" } }]),
  ]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /^line 1: type: the first line must be the version line/);
});

test("seed: generates and loads a workspace; the same seed and --from twice changes nothing", async () => {
  const from = "2026-01-01T00:00:00Z";
  const earlier = new Set((await db().post.findMany({ select: { id: true } })).map((p) => p.id));
  const first = await run(seed, ["--posts", "200", "--seed", "9", "--from", from, "--days", "10"]);
  assert.equal(first.code, 0, first.err);
  assert.match(
    first.out,
    /^Seeded \d+ records \(seed 9, 2026-01-01T00:00:00\.000Z to 2026-01-11T00:00:00\.000Z\)/,
  );
  assert.match(first.out, /post_edited: \d+/);
  const posts = await db().post.count();
  assert.ok(posts >= 200);
  const snapshot = await db().post.findMany({
    orderBy: { id: "asc" },
    select: { id: true, updateAt: true, message: true },
  });
  const seeded = snapshot.filter((p) => !earlier.has(p.id));
  assert.ok(seeded.length >= 200);
  assert.ok(
    seeded.every(
      (p) =>
        Number(p.updateAt) >= Date.parse(from) &&
        Number(p.updateAt) <= Date.parse("2026-01-11T00:00:00Z"),
    ),
    "every post within --from + --days",
  );
  assert.equal(
    (await run(seed, ["--posts", "200", "--seed", "9", "--from", from, "--days", "10"])).code,
    0,
  );
  assert.deepEqual(
    await db().post.findMany({
      orderBy: { id: "asc" },
      select: { id: true, updateAt: true, message: true },
    }),
    snapshot,
  );
  const audit = await lastAudit();
  assert.deepEqual(
    [
      audit.event_name,
      audit.meta.api_path,
      audit.event.parameters.posts,
      audit.event.parameters.from,
    ],
    ["bulkImport", "cli:seed", 200, Date.parse(from)],
  );
  await assertUsageError(
    seed,
    ["--posts", "10", "--from", new Date(Date.now() - 86_400_000).toISOString()],
    /would end in the future/,
  );
  await assertUsageError(seed, [], /--posts: is required/);
  await assertUsageError(seed, ["--posts", "1.5"], /--posts: must be a whole number/);
  await assertUsageError(seed, ["--posts", "0"], /--posts: must be a whole number/);
});

test("seed without --from ends now, so Enable → seed → Run now has something to export (issue 12 item 4)", async () => {
  const earlier = new Set((await db().post.findMany({ select: { id: true } })).map((p) => p.id));
  const before = Date.now();
  const r = await run(seed, ["--posts", "100", "--seed", "31", "--days", "2"]);
  const after = Date.now();
  assert.equal(r.code, 0, r.err);
  const seeded = (await db().post.findMany({ select: { id: true, createAt: true } })).filter(
    (p) => !earlier.has(p.id),
  );
  assert.ok(seeded.length >= 100);
  const times = seeded.map((p) => Number(p.createAt));
  assert.ok(Math.max(...times) <= after, "nothing dated after now");
  assert.ok(Math.min(...times) >= before - 2 * 86_400_000, "nothing before --days ago");
  // The generator ends the posts at ~95 % of the span (edits and deletions fill the rest).
  assert.ok(
    Math.max(...times) >= before - 0.1 * 2 * 86_400_000,
    "the newest posts are from the last hours",
  );
});

test("token: create prints the token once; list shows it; revoke stops it", async () => {
  const created = await run(token, ["create", "--name", "mm-prod"]);
  assert.equal(created.code, 0);
  const plaintext = created.out.match(/cus_[A-Za-z0-9_-]{43}/)?.[0];
  assert.ok(plaintext);
  const row = await verifyIngestToken(plaintext);
  assert.equal(row?.name, "mm-prod");
  const audit = await lastAudit();
  assert.equal(audit.event_name, "createIngestToken");
  assert.ok(!JSON.stringify(audit).includes(plaintext), "the token is never audited");

  const listed = await run(token, ["list"]);
  assert.match(listed.out, new RegExp(`${row!.id}\\s+ingest\\s+active\\s+.*mm-prod`));
  assert.ok(!listed.out.includes(plaintext));

  assert.equal((await run(token, ["revoke", row!.id])).code, 0);
  assert.equal(await verifyIngestToken(plaintext), null);
  assert.match((await run(token, ["list"])).out, new RegExp(`${row!.id}\\s+ingest\\s+revoked`));
  const again = await run(token, ["revoke", row!.id]);
  assert.equal(again.code, 1);
  assert.equal((await lastAudit()).status, "fail");

  await assertUsageError(token, ["create"], /--name: /);
  await assertUsageError(token, ["create", "--name", " "], /--name: /);
  await assertUsageError(token, ["bogus"], /unknown token subcommand "bogus"/);
  await assertUsageError(token, ["revoke"], /missing <id>/);
});
