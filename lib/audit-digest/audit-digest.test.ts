import assert from "node:assert/strict";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { env } from "../config/env.ts";
import { db } from "../db/client.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { componentActor } from "../audit/actor.ts";
import { record } from "../audit/record.ts";
import { HEAD_KEY, digestDir } from "./digest-format.ts";
import { verifyAuditLog } from "./verify-audit-log.ts";
import { writeAuditDigests } from "./write-audit-digests.ts";

let t: TestDatabase;
const NOW = new Date("2026-01-01T12:10:00.000Z");
const BASE = Date.parse("2026-01-01T05:00:00.000Z");
const N = 1000;
// 500 records in 05Z–07Z, none in 08Z (an empty hour the chain skips), 500 in 09Z–11Z.
const atFor = (i: number) =>
  new Date(BASE + (i < 500 ? i * 20_000 : 4 * 3_600_000 + (i - 500) * 20_000));

before(async () => {
  t = await useTestDatabase();
  const actor = componentActor("cli");
  for (let i = 0; i < N; i++) {
    await record({
      eventName: i % 7 === 0 ? "cancelJob" : "getConfig",
      status: i % 11 === 0 ? "fail" : "success",
      actor,
      objectType: i % 7 === 0 ? "job" : "config",
      apiPath: `test:${i}`,
      parameters: { i },
      ...(i % 11 === 0 ? { error: { description: "nope", status_code: 403 } } : {}),
      at: atFor(i),
    });
  }
});
after(async () => t.cleanup());

const rows = () => db().auditRecord.findMany({ orderBy: { id: "asc" } });
const digestFiles = () =>
  readdirSync(digestDir())
    .filter((n) => n.endsWith(".json"))
    .sort();

async function assertClean() {
  const r = await verifyAuditLog({});
  assert.deepEqual(r.problems, []);
  assert.equal(r.ok, true);
  return r;
}

async function expectProblem(pattern: RegExp) {
  const r = await verifyAuditLog({});
  assert.equal(r.ok, false);
  assert.ok(
    r.problems.some((p) => pattern.test(p)),
    `expected ${pattern} in ${JSON.stringify(r.problems)}`,
  );
  return r.problems;
}

test("writes one signed digest per hour with records, chained, idempotently", async () => {
  const first = await writeAuditDigests({ now: NOW });
  assert.deepEqual(first.written, [
    "2026-01-01T05Z",
    "2026-01-01T06Z",
    "2026-01-01T07Z",
    "2026-01-01T09Z",
    "2026-01-01T10Z",
    "2026-01-01T11Z",
  ]);
  assert.deepEqual(
    digestFiles(),
    first.written.map((h) => `${h}.json`),
  );
  const d9 = JSON.parse(readFileSync(path.join(digestDir(), "2026-01-01T09Z.json"), "utf8"));
  assert.deepEqual(Object.keys(d9), [
    "version",
    "hour",
    "first_id",
    "last_id",
    "count",
    "records_sha256",
    "previous",
    "signature",
  ]);
  assert.equal(d9.previous.hour, "2026-01-01T07Z");
  const again = await writeAuditDigests({ now: NOW });
  assert.deepEqual(again.written, []);
  const head = JSON.parse(
    (await db().setting.findUniqueOrThrow({ where: { key: HEAD_KEY } })).value,
  );
  const all = await rows();
  assert.equal(head.hour, "2026-01-01T11Z");
  assert.equal(head.last_id, all[all.length - 1]!.id);
  const r = await assertClean();
  assert.equal(r.records, N);
  assert.equal(r.digests, 6);
  // Every line keeps Mattermost's keys, in order, nothing else.
  for (const line of readFileSync(env().auditLogFile, "utf8").trim().split("\n")) {
    assert.deepEqual(Object.keys(JSON.parse(line)), [
      "timestamp",
      "event_name",
      "status",
      "actor",
      "event",
      "meta",
      "error",
    ]);
  }
});

test("the current hour is not digested until it has ended (plus the settle window)", async () => {
  const extra = await record({
    eventName: "getConfig",
    status: "success",
    actor: componentActor("cli"),
    objectType: "config",
    apiPath: "test:late",
    at: new Date("2026-01-01T12:01:00.000Z"),
  });
  assert.ok(extra);
  assert.deepEqual(
    (await writeAuditDigests({ now: new Date("2026-01-01T12:30:00.000Z") })).written,
    [],
  );
  assert.deepEqual(
    (await writeAuditDigests({ now: new Date("2026-01-01T13:02:00.000Z") })).written,
    [],
  ); // settle
  assert.deepEqual(
    (await writeAuditDigests({ now: new Date("2026-01-01T13:06:00.000Z") })).written,
    ["2026-01-01T12Z"],
  );
  await assertClean();
});

test("an edited record (status, json too) is a hash mismatch", async () => {
  const r = (await rows())[123]!;
  const json = r.json.replace(
    /"status":"(success|fail)"/,
    (_m, s) => `"status":"${s === "success" ? "fail" : "success"}"`,
  );
  await db().auditRecord.update({
    where: { id: r.id },
    data: { status: JSON.parse(json).status, json },
  });
  await expectProblem(/^hash mismatch 2026-01-01T05Z$/);
  await db().auditRecord.update({ where: { id: r.id }, data: { status: r.status, json: r.json } });
  await assertClean();
});

test("a deleted record is a count mismatch naming its id", async () => {
  const r = (await rows())[600]!;
  await db().auditRecord.delete({ where: { id: r.id } });
  const problems = await expectProblem(/^count mismatch 2026-01-01T09Z/);
  assert.ok(problems.includes(`missing record id ${r.id}`), JSON.stringify(problems));
  await db().auditRecord.create({ data: r });
  await assertClean();
});

test("two swapped records are a hash mismatch", async () => {
  const all = await rows();
  const [a, b] = [all[10]!, all[11]!];
  assert.notEqual(a.json, b.json);
  await db().auditRecord.update({
    where: { id: a.id },
    data: {
      json: b.json,
      timestamp: b.timestamp,
      status: b.status,
      eventName: b.eventName,
      objectType: b.objectType,
    },
  });
  await db().auditRecord.update({
    where: { id: b.id },
    data: {
      json: a.json,
      timestamp: a.timestamp,
      status: a.status,
      eventName: a.eventName,
      objectType: a.objectType,
    },
  });
  await expectProblem(/^hash mismatch 2026-01-01T05Z$/);
  await db().auditRecord.update({ where: { id: a.id }, data: a });
  await db().auditRecord.update({ where: { id: b.id }, data: b });
  await assertClean();
});

test("tail truncation (last 10 rows and lines) is caught against the anchored head", async () => {
  const all = await rows();
  const tail = all.slice(-10);
  const file = env().auditLogFile;
  const text = readFileSync(file, "utf8");
  const lines = text.trimEnd().split("\n");
  await db().auditRecord.deleteMany({ where: { id: { in: tail.map((r) => r.id) } } });
  writeFileSync(file, lines.slice(0, -10).join("\n") + "\n");
  const last = all[all.length - 1]!.id;
  const kept = all[all.length - 11]!.id;
  const problems = await expectProblem(
    new RegExp(`^truncated: digest head says last id ${last}, found ${kept}$`),
  );
  assert.ok(
    problems.includes(
      `truncated: digest head says last id ${last}, audit file ends at record ${kept}`,
    ) || problems.some((p) => /^count mismatch/.test(p)),
    JSON.stringify(problems),
  );
  for (const r of tail) await db().auditRecord.create({ data: r });
  writeFileSync(file, text);
  await assertClean();
});

test("the JSON-lines file alone truncated is reported via the head", async () => {
  const all = await rows();
  const file = env().auditLogFile;
  const text = readFileSync(file, "utf8");
  writeFileSync(file, text.trimEnd().split("\n").slice(0, -10).join("\n") + "\n");
  await expectProblem(
    new RegExp(
      `^truncated: digest head says last id ${all[all.length - 1]!.id}, audit file ends at record ${all[all.length - 11]!.id}$`,
    ),
  );
  writeFileSync(file, text);
  await assertClean();
});

test("an edited digest file fails its signature; a deleted one is a chain gap", async () => {
  const file = path.join(digestDir(), "2026-01-01T06Z.json");
  const text = readFileSync(file, "utf8");
  writeFileSync(
    file,
    text.replace(/"count": (\d+)/, (_m, n) => `"count": ${Number(n) + 1}`),
  );
  await expectProblem(/^signature verification failed 2026-01-01T06Z$/);
  rmSync(file);
  await expectProblem(/^chain gap 2026-01-01T06Z$/);
  writeFileSync(file, text);
  await assertClean();
  // The newest digest deleted: only the anchored head knows it existed.
  const newest = path.join(digestDir(), digestFiles().at(-1)!);
  const newestText = readFileSync(newest, "utf8");
  rmSync(newest);
  await expectProblem(new RegExp(`^chain gap ${path.basename(newest, ".json")}$`));
  writeFileSync(newest, newestText);
  await assertClean();
});

test("an edited or removed line of the JSON-lines file is reported at its record", async () => {
  const all = await rows();
  const file = env().auditLogFile;
  const text = readFileSync(file, "utf8");
  const lines = text.trimEnd().split("\n");
  const edited = [...lines];
  edited[42] =
    edited[42]!
      .replace('"status":"success"', '"status":"fail"')
      .replace('"status":"fail"', '"status":"success"') + " ";
  writeFileSync(file, edited.join("\n") + "\n");
  let problems = await expectProblem(new RegExp(`^audit file differs at record ${all[42]!.id}$`));
  assert.equal(problems.length, 1, JSON.stringify(problems));
  writeFileSync(file, lines.filter((_, i) => i !== 300).join("\n") + "\n");
  problems = await expectProblem(new RegExp(`^audit file differs at record ${all[300]!.id}$`));
  assert.equal(problems.length, 1, JSON.stringify(problems));
  writeFileSync(file, text);
  await assertClean();
});

test("a record with keys out of Mattermost's order is a bad record shape", async () => {
  const r = (await rows())[5]!;
  const o = JSON.parse(r.json);
  const { timestamp, ...rest } = o;
  const json = JSON.stringify({ ...rest, timestamp });
  await db().auditRecord.update({ where: { id: r.id }, data: { json } });
  await expectProblem(new RegExp(`^bad record shape ${r.id}`));
  await db().auditRecord.update({ where: { id: r.id }, data: { json: r.json } });
  await assertClean();
});

test("a digest file that exists with other content is never overwritten", async () => {
  const file = path.join(digestDir(), "2026-01-01T12Z.json");
  const text = readFileSync(file, "utf8");
  await db().setting.delete({ where: { key: HEAD_KEY } });
  await expectProblem(/^digest head missing/);
  // Rebuilding from scratch reproduces the same bytes (deterministic) and restores the head...
  const rebuilt = await writeAuditDigests({ now: new Date("2026-01-01T14:00:00.000Z") });
  assert.deepEqual(rebuilt, { written: [] });
  assert.equal(readFileSync(file, "utf8"), text);
  await assertClean();
  // ...but after tampering it stops at the first differing hour instead of overwriting evidence.
  const r = (await rows())[0]!;
  await db().setting.delete({ where: { key: HEAD_KEY } });
  await db().auditRecord.update({
    where: { id: r.id },
    data: { json: r.json.replace("test:0", "test:X") },
  });
  const blocked = await writeAuditDigests({ now: new Date("2026-01-01T14:00:00.000Z") });
  assert.match(blocked.conflict ?? "", /2026-01-01T05Z\.json exists with different content/);
  await db().auditRecord.update({ where: { id: r.id }, data: { json: r.json } });
  await writeAuditDigests({ now: new Date("2026-01-01T14:00:00.000Z") });
  await assertClean();
});
