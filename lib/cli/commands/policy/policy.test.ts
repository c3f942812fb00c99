// `policy list|show|add|update|enable|disable|remove|run` in process: flags to the shared schemas,
// field errors as `error: field: message` (exit 1), usage errors (exit 2), the audit records, and
// `policy run --wait` running the policy's export to its end through the shared wait loop.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { db } from "../../../db/client.ts";
import {
  ExportFixture,
  FIXTURE_BASE,
  listBatchFiles,
  readExportRows,
  setExportSettings,
} from "../../../testing/export-fixtures.ts";
import { useTestDatabase, type TestDatabase } from "../../../testing/test-db.ts";
import { runCliInProcess } from "../../testing/run-cli.ts";

process.env.LOG_LEVEL = "silent";
let t: TestDatabase;
let fx: ExportFixture;
before(async () => {
  t = await useTestDatabase();
  await setExportSettings({ EnableExport: false });
  fx = new ExportFixture("policy-cli");
  await fx.insertWorkspace();
});
after(async () => t.cleanup());

const events = async (name: string) =>
  (await db().auditRecord.findMany({ where: { eventName: name }, orderBy: { id: "asc" } })).map(
    (r) =>
      JSON.parse(r.json) as {
        status: string;
        event: {
          parameters: Record<string, unknown>;
          prior_state: Record<string, unknown>;
          resulting_state: Record<string, unknown>;
        };
      },
  );

test("policy add with every filter flag, then list and show (text and --json)", async () => {
  const add = await runCliInProcess([
    "policy",
    "add",
    "--name",
    "traders",
    "--format",
    "csv",
    "--target",
    "Local exports",
    "--teams",
    "acme",
    "--channel-types",
    "O,P,D,G",
    "--exclude-channels",
    "general",
    "--users",
    "alice,carol@example.com",
    "--by",
    "participant",
    "--schedule",
    "weekly mon,thu 02:00",
    "--time-zone",
    "America/New_York",
    "--batch-size",
    "50",
    "--attachments",
    "on",
    "--decrypt",
    "off",
    "--not-before",
    "2026-01-01T00:00:00Z",
    "--not-after",
    "1798761599999",
  ]);
  assert.equal(add.code, 0, add.stderr);
  const id = add.stdout.trim();
  const row = await db().exportPolicy.findUniqueOrThrow({ where: { id } });
  assert.deepEqual(JSON.parse(row.schedule), { kind: "weekly", days: ["mon", "thu"], at: "02:00" });
  const filter = JSON.parse(row.filter);
  assert.equal(filter.by, "participant");
  assert.deepEqual(filter.users.sort(), [fx.users[0]!.id, fx.users[2]!.id].sort());
  assert.deepEqual(filter.channelTypes, ["O", "P", "D", "G"]);
  assert.deepEqual(
    [filter.notBefore, filter.notAfter],
    [Date.parse("2026-01-01T00:00:00Z"), 1798761599999],
    "--not-before as ISO 8601, --not-after as epoch ms",
  );
  assert.equal(row.decryptAttachments, false);
  assert.equal(row.batchSize, 50);
  assert.equal((await events("createPolicy")).at(-1)!.status, "success");

  const list = await runCliInProcess(["policy", "list"]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(
    list.stdout,
    /traders\s+enabled\s+csv\s+Local exports\s+weekly mon,thu 02:00 America\/New_York/,
  );
  assert.match(list.stdout, /^default\s/m);
  const show = await runCliInProcess(["policy", "show", "traders", "--json"]);
  assert.equal(show.code, 0, show.stderr);
  const view = JSON.parse(show.stdout);
  assert.equal(view.id, id);
  assert.match(view.filterSummary, /everything @alice, @carol could see or wrote/);
  assert.ok(
    [1, 4].includes(new Date(view.nextRunAt).getUTCDay()) ||
      new Date(view.nextRunAt).getUTCHours() < 8,
    "next run on a Monday or Thursday (New York)",
  );
});

test("refusals: a field error exits 1 and is audited as fail; a bad flag is a usage error (exit 2)", async () => {
  const addX = (flags: string[]) =>
    runCliInProcess([
      "policy",
      "add",
      "--name",
      "x",
      "--format",
      "csv",
      "--target",
      "local",
      ...flags,
    ]);
  const dup = await runCliInProcess([
    "policy",
    "add",
    "--name",
    "traders",
    "--format",
    "csv",
    "--target",
    "local",
  ]);
  assert.equal(dup.code, 1);
  assert.match(dup.stderr, /error: name: A policy named "traders" exists already/);
  const bad = await addX(["--schedule", "every 30h"]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /schedule\.every: Every 1 to 24 hours/);
  const gr = await runCliInProcess([
    "policy",
    "add",
    "--name",
    "gr",
    "--format",
    "globalrelay",
    "--target",
    "local",
  ]);
  assert.match(gr.stderr, /target: The Global Relay format delivers to an archive mailbox/);
  const usage = await addX(["--attachments", "maybe"]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--attachments: give on or off/, usage.stderr);
  const when = await addX(["--not-before", "last tuesday"]);
  assert.equal(when.code, 2);
  assert.match(when.stderr, /--not-before: give epoch milliseconds or an ISO 8601 time/);
  const order = await addX([
    "--not-before",
    "2026-02-01T00:00:00Z",
    "--not-after",
    "2026-01-01T00:00:00Z",
  ]);
  assert.equal(order.code, 1, order.stderr);
  assert.match(order.stderr, /filter\.notAfter: /);
  assert.ok((await events("createPolicy")).some((e) => e.status === "fail"));
});

test("update changes only what is given (diffs audited); disable, enable; remove archives", async () => {
  const up = await runCliInProcess([
    "policy",
    "update",
    "traders",
    "--schedule",
    "every 6h",
    "--channel-types",
    "D,G",
  ]);
  assert.equal(up.code, 0, up.stderr);
  const row = await db().exportPolicy.findUniqueOrThrow({ where: { name: "traders" } });
  assert.deepEqual(JSON.parse(row.schedule), { kind: "hours", every: 6 });
  const filter = JSON.parse(row.filter);
  assert.deepEqual(filter.channelTypes, ["D", "G"]);
  assert.equal(filter.by, "participant", "the rest of the filter is kept");
  assert.equal(row.batchSize, 50);
  const patch = (await events("patchPolicy")).at(-1)!;
  assert.ok(
    (patch.event.prior_state.config_diffs as Array<{ path: string }>).some(
      (d) => d.path === "ExportPolicy.filter.channelTypes",
    ),
  );

  assert.equal((await runCliInProcess(["policy", "disable", "traders"])).code, 0);
  assert.equal(
    (await db().exportPolicy.findUniqueOrThrow({ where: { name: "traders" } })).enabled,
    false,
  );
  assert.equal((await runCliInProcess(["policy", "enable", "traders"])).code, 0);
  assert.equal(
    (await db().exportPolicy.findUniqueOrThrow({ where: { name: "traders" } })).enabled,
    true,
  );

  const rm = await runCliInProcess(["policy", "remove", "traders"]);
  assert.equal(rm.code, 0, rm.stderr);
  assert.ok((await db().exportPolicy.findUniqueOrThrow({ where: { name: "traders" } })).archivedAt);
  assert.doesNotMatch((await runCliInProcess(["policy", "list"])).stdout, /traders/);
  assert.equal((await runCliInProcess(["policy", "remove", "default"])).code, 1);
});

test("policy run --wait exports the policy's subset to its end and prints the export directory", async () => {
  await fx.addPosts(12);
  const add = await runCliInProcess([
    "policy",
    "add",
    "--name",
    "town",
    "--format",
    "csv",
    "--target",
    "local",
    "--channels",
    "town-square",
  ]);
  assert.equal(add.code, 0, add.stderr);
  await db().exportPolicy.update({
    where: { name: "town" },
    data: { exportFrom: BigInt(FIXTURE_BASE - 60_000) },
  });
  const run = await runCliInProcess(["policy", "run", "town", "--wait"]);
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trim().split("\n");
  const job = await db().exportJob.findUniqueOrThrow({ where: { id: lines[0]! } });
  assert.equal(job.status, "success");
  assert.equal(job.trigger, "cli");
  const dir = lines.at(-1)!;
  assert.ok((await listBatchFiles(dir)).length > 0);
  const town = fx.channels[0]!.id;
  const posts = (await readExportRows(dir)).filter((r) => r.postType === "message");
  assert.deepEqual(
    posts.map((r) => r.postId).sort(),
    [...fx.posts.values()]
      .filter((p) => p.channelId === town && !p.type)
      .map((p) => p.id)
      .sort(),
  );
  assert.equal((await events("runPolicy")).at(-1)!.event.resulting_state.job_id, job.id);
  assert.match(
    (await runCliInProcess(["jobs", "show", job.id])).stdout,
    /^policy\s+town$/m,
    "each job names its policy",
  );
});
