// Targets as data, end to end through the CLI (child processes, secrets on standard input) against
// a real S3-protocol server on loopback (s3rver, started here): add, list, test, Destination, an
// export to the bucket, jobs show, legal hold, remove; secret binding; the S3 legal hold at the SDK
// boundary (s3rver has no Object Lock).
import assert from "node:assert/strict";
import type { S3Client } from "@aws-sdk/client-s3";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { pipeline } from "node:stream/promises";
import { db } from "../db/client.ts";
import { runCli } from "../cli/testing/run-cli.ts";
import { setLegalHold } from "../downloads/set-legal-hold.ts";
import { sweepExpiredExports } from "../export/sweep-expired-exports.ts";
import { loadExportSettings } from "../export-settings/export-settings-store.ts";
import { claimNextJob } from "../jobs/claim-job.ts";
import { runPolicyNow } from "../jobs/run-policy-now.ts";
import { ZPolicyInput } from "../policies/policy-schema.ts";
import { createPolicy } from "../policies/save-policy.ts";
import {
  ExportFixture,
  FIXTURE_BASE,
  readExportRows,
  setExportSettings,
} from "../testing/export-fixtures.ts";
import { runJob } from "../worker/run-job.ts";
import { startTestS3Server, type TestS3Server } from "../testing/s3/test-s3-server.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { resolveFileTarget } from "./resolve-target.ts";
import { createS3Client } from "./s3/s3-client.ts";
import { S3Target } from "./s3/s3-target.ts";
import { saveTarget } from "./save-target.ts";
import { ZS3Config, ZTargetInput } from "./schema.ts";
import { findTarget } from "./stored-target.ts";

process.env.LOG_LEVEL = "silent";
let t: TestDatabase;
let s3: TestS3Server;
let fx: ExportFixture;
const SECRET = "Canary-S3-secret-8f3a1c-Orchid";

before(async () => {
  t = await useTestDatabase();
  s3 = await startTestS3Server();
  await setExportSettings({ BatchSize: 4 });
  fx = new ExportFixture("targets-cli");
  await fx.insertWorkspace();
  await fx.addPosts(10);
});
after(async () => {
  await s3.stop();
  await t.cleanup();
});

const auditJson = async () =>
  (await db().auditRecord.findMany({ orderBy: { id: "asc" } })).map((r) => r.json).join("\n");
const s3Flags = () => [
  "--kind",
  "s3",
  "--endpoint",
  s3.endpoint,
  "--path-style",
  "--bucket",
  s3.bucket,
  "--prefix",
  "custodian",
  "--access-key-id",
  s3.accessKeyId,
  "--delete-after-days",
  "30",
];

let jobId = "";

test("target add reads the S3 secret from standard input, refuses it inline, and never shows or logs it", async () => {
  const inline = await runCli([
    "target",
    "add",
    "--name",
    "archive",
    ...s3Flags(),
    "--secret-access-key",
    SECRET,
  ]);
  assert.equal(inline.code, 2, inline.stderr);
  const added = await runCli(
    ["target", "add", "--name", "archive", ...s3Flags(), "--secret-access-key", "-"],
    { stdin: `${s3.secretAccessKey}\n` },
  );
  assert.equal(added.code, 0, added.stderr);
  const id = added.stdout.trim();
  assert.match(id, /^[0-9a-f-]{36}$/);
  const stored = await findTarget({ idOrName: "archive" });
  assert.equal(stored?.id, id);
  assert.equal(stored?.secret, s3.secretAccessKey);
  assert.equal(stored?.kind === "s3" && stored.config.prefix, "custodian/");

  const listed = await runCli(["target", "list", "--json"]);
  assert.equal(listed.code, 0, listed.stderr);
  const targets = JSON.parse(listed.stdout) as Array<{
    name: string;
    kind: string;
    secretSet: boolean;
    retentionDays: number | null;
  }>;
  assert.deepEqual(targets.map((x) => x.name).sort(), ["Global Relay", "Local exports", "archive"]);
  assert.deepEqual(
    targets.find((x) => x.name === "archive"),
    {
      ...targets.find((x) => x.name === "archive"),
      kind: "s3",
      secretSet: true,
      retentionDays: 30,
    },
  );

  // A canary secret through the service: the audit keeps the destination in clear, the secret masked.
  const canary = await runCli(
    ["target", "add", "--name", "canary", ...s3Flags(), "--secret-access-key", "-"],
    { stdin: `${SECRET}\n` },
  );
  assert.equal(canary.code, 0, canary.stderr);
  const audit = await auditJson();
  assert.ok(!audit.includes(SECRET), "no secret in any audit record");
  assert.ok(!canary.stdout.includes(SECRET) && !canary.stderr.includes(SECRET));
  const again = await runCli(["target", "list", "--json"]);
  assert.ok(!again.stdout.includes(SECRET), "the secret is never listed");
  const record = (
    await db().auditRecord.findMany({
      where: { eventName: "createTarget" },
      orderBy: { id: "desc" },
      take: 1,
    })
  )[0]!;
  const parsed = JSON.parse(record.json) as {
    event: { parameters: { config: string; secret: string; name: string } };
  };
  assert.equal(parsed.event.parameters.name, "canary");
  assert.equal(parsed.event.parameters.secret, "********************************");
});

test("target test writes, reads back and deletes a probe in the bucket; a wrong bucket fails with exit 1", async () => {
  const ok = await runCli(["target", "test", "archive"]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^ok: Wrote, read back and deleted a probe object/);
  assert.deepEqual(
    await (await resolveFileTarget((await findTarget({ idOrName: "archive" }))!.id)).list(""),
    [],
  );
  const stored = await findTarget({ idOrName: "canary" });
  assert.ok(stored?.kind === "s3");
  await saveTarget({
    id: stored.id,
    input: ZTargetInput.parse({
      kind: "s3",
      name: "canary",
      config: { ...stored.config, bucket: "no-such-bucket" },
      secret: s3.secretAccessKey,
    }),
  });
  const bad = await runCli(["target", "test", "canary", "--json"]);
  assert.equal(bad.code, 1);
  assert.equal(JSON.parse(bad.stdout).ok, false);
  assert.match(JSON.parse(bad.stdout).message, /NoSuchBucket/);
});

test("config set Destination sends the export to the bucket; jobs show names the target; remove is refused while it is the destination", async () => {
  const set = await runCli(["config", "set", "Destination", "archive"]);
  assert.equal(set.code, 0, set.stderr);
  const archive = (await findTarget({ idOrName: "archive" }))!;
  assert.equal((await loadExportSettings()).Destination, archive.id);
  const diff = (
    await db().auditRecord.findMany({
      where: { eventName: "patchConfig" },
      orderBy: { id: "desc" },
      take: 1,
    })
  )[0]!;
  assert.match(
    diff.json,
    /"path":"MessageExportSettings.Destination","base_val":"Local exports","actual_val":"archive"/,
  );

  const run = await runCli([
    "export",
    "--format",
    "csv",
    "--start",
    String(FIXTURE_BASE - 60_000),
    "--end",
    String(FIXTURE_BASE + 3_600_000),
    "--wait",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const job = await db().exportJob.findFirstOrThrow({ orderBy: { createdAt: "desc" } });
  jobId = job.id;
  assert.equal(job.targetId, archive.id);
  assert.equal(job.status, "success", job.error);
  const objects = await (await resolveFileTarget(archive.id)).list(job.exportDir);
  assert.deepEqual(
    objects.map((o) => o.name).filter((n) => n.endsWith(".zip")).length,
    3,
    "10 posts in batches of 4",
  );

  const shown = await runCli(["jobs", "show", job.id]);
  assert.match(shown.stdout, /^target\s+archive$/m);
  const json = JSON.parse((await runCli(["jobs", "show", job.id, "--json"])).stdout) as {
    targetName: string;
    targetId: string;
  };
  assert.deepEqual([json.targetName, json.targetId], ["archive", archive.id]);

  const refused = await runCli(["target", "remove", "archive"]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /Compliance Export destination/);
  const builtIn = await runCli(["target", "remove", "Local exports"]);
  assert.equal(builtIn.code, 1);
  assert.match(builtIn.stderr, /built in/);
});

test("a policy exports just its channel's posts to the S3 target, read back from the bucket (issue 10)", async () => {
  const channel = fx.channels[0]!;
  const { after: policy } = await createPolicy({
    input: ZPolicyInput.parse({
      name: "one channel to the bucket",
      format: "csv",
      target: "archive",
      batchSize: 100,
      schedule: { kind: "daily", at: "02:00" },
      filter: { channels: [channel.id] },
    }),
    now: new Date(FIXTURE_BASE - 60_000),
  });
  const { job } = await runPolicyNow({
    policy: policy.id,
    trigger: "manual",
    initiatedBy: "u1",
    initiatedByLabel: "test",
  });
  const claimed = await claimNextJob({ workerId: "w-test", leaseMs: 60_000, jobId: job.id });
  assert.ok(claimed);
  assert.equal(await runJob({ claimed, workerId: "w-test", leaseMs: 60_000 }), "success");
  const row = await db().exportJob.findUniqueOrThrow({ where: { id: job.id } });
  const bucket = await resolveFileTarget(row.targetId);
  assert.equal(bucket.kind, "s3");
  const local = await mkdtemp(path.join(os.tmpdir(), "custodian-policy-s3-"));
  try {
    for (const object of await bucket.list(row.exportDir))
      await pipeline(
        await bucket.openRead(`${row.exportDir}/${object.name}`),
        createWriteStream(path.join(local, object.name)),
      );
    const rows = await readExportRows(local);
    // Joins and leaves of the channel are rows without a post id.
    const exported = [...new Set(rows.map((r) => r.postId).filter(Boolean))].sort();
    const want = [...fx.posts.values()]
      .filter((p) => p.channelId === channel.id)
      .map((p) => p.id)
      .sort();
    assert.ok(want.length > 0 && want.length < fx.posts.size, "the channel holds some posts");
    assert.deepEqual(exported, want);
  } finally {
    await rm(local, { recursive: true, force: true });
  }
});

test("jobs hold keeps an S3 export past its target's retention; jobs release lets the sweep delete it", async () => {
  const noReason = await runCli(["jobs", "hold", jobId]);
  assert.equal(noReason.code, 2);
  const held = await runCli(["jobs", "hold", jobId, "--reason", "Matter 2026-17"]);
  assert.equal(held.code, 0, held.stderr);
  const row = await db().exportJob.findUniqueOrThrow({ where: { id: jobId } });
  assert.deepEqual(
    [row.legalHold, row.legalHoldReason, row.legalHoldBy],
    [true, "Matter 2026-17", "cli"],
  );
  const target = await resolveFileTarget(row.targetId);
  await db().exportJob.update({
    where: { id: jobId },
    data: { finishedAt: new Date(Date.now() - 40 * 86_400_000) },
  });
  await sweepExpiredExports({});
  assert.ok((await target.list(row.exportDir)).length > 0, "held: kept past the 30 days");
  const released = await runCli(["jobs", "release", jobId]);
  assert.equal(released.code, 0, released.stderr);
  await sweepExpiredExports({});
  assert.deepEqual(await target.list(row.exportDir), [], "released: deleted by the sweep");
  const events = (
    await db().auditRecord.findMany({
      where: { eventName: { in: ["holdExport", "releaseExport"] } },
      orderBy: { id: "asc" },
    })
  ).map((r) => [r.eventName, r.status]);
  // The hold without --reason was a usage error (exit 2): refused before anything ran.
  assert.deepEqual(events, [
    ["holdExport", "success"],
    ["releaseExport", "success"],
  ]);
});

test("changing the bucket, endpoint or access key id without the secret clears it; the name or retention keeps it", async () => {
  const stored = (await findTarget({ idOrName: "archive" }))!;
  assert.ok(stored.kind === "s3");
  const keep = await saveTarget({
    id: stored.id,
    input: ZTargetInput.parse({
      kind: "s3",
      name: "archive",
      config: { ...stored.config, deleteAfterDays: 60 },
    }),
  });
  assert.equal(keep.secretCleared, false);
  assert.equal((await findTarget({ idOrName: "archive" }))!.secret, s3.secretAccessKey);
  for (const change of [
    { bucket: "other-bucket" },
    { endpoint: "http://127.0.0.1:1" },
    { accessKeyId: "AKIAOTHER" },
  ]) {
    await saveTarget({
      id: stored.id,
      input: ZTargetInput.parse({
        kind: "s3",
        name: "archive",
        config: stored.config,
        secret: s3.secretAccessKey,
      }),
    });
    await assert.rejects(
      saveTarget({
        id: stored.id,
        input: ZTargetInput.parse({
          kind: "s3",
          name: "archive",
          config: { ...stored.config, ...change },
        }),
      }),
      (e: Error & { fieldErrors?: Record<string, string> }) =>
        /enter the secret access key for it again/i.test(e.message) &&
        "secret" in (e.fieldErrors ?? {}),
      JSON.stringify(change),
    );
    assert.equal(
      (await findTarget({ idOrName: "archive" }))!.secret,
      s3.secretAccessKey,
      "a refused save changes nothing",
    );
  }
  // The sealed secret opens for its own endpoint only, even when the row is edited behind the console's back.
  const row = await db().target.findUniqueOrThrow({ where: { id: stored.id } });
  await db().target.update({
    where: { id: stored.id },
    data: {
      config: JSON.stringify({ ...JSON.parse(row.config), endpoint: "http://evil.example" }),
    },
  });
  assert.equal((await findTarget({ idOrName: "archive" }))!.secret, "");
  await db().target.update({ where: { id: stored.id }, data: { config: row.config } });
});

test("on a bucket with Object Lock a hold puts an S3 legal hold on every object and a release lifts it (at the SDK boundary: s3rver has no Object Lock)", async () => {
  const archive = (await findTarget({ idOrName: "archive" }))!;
  assert.ok(archive.kind === "s3");
  // An export whose files are still there, on a target that says its bucket has Object Lock.
  await saveTarget({
    id: archive.id,
    input: ZTargetInput.parse({
      kind: "s3",
      name: "archive",
      config: { ...archive.config, objectLock: true },
    }),
  });
  const run = await runCli([
    "export",
    "--format",
    "json",
    "--start",
    String(FIXTURE_BASE - 60_000),
    "--end",
    String(FIXTURE_BASE + 3_600_000),
    "--wait",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const job = await db().exportJob.findFirstOrThrow({ orderBy: { createdAt: "desc" } });
  const config = ZS3Config.parse({ ...archive.config, objectLock: true });
  const sent: Array<{ Key?: string; Status?: string }> = [];
  const client: S3Client = createS3Client(config, s3.secretAccessKey);
  // The requests the SDK would send: PutObjectLegalHold is answered here (s3rver says NotImplemented).
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { Key?: string; LegalHold?: { Status?: string } };
      if (input.LegalHold) {
        sent.push({ Key: input.Key, Status: input.LegalHold.Status });
        return { output: { $metadata: { httpStatusCode: 200 } }, response: {} };
      }
      return next(args);
    },
    { step: "initialize", name: "captureLegalHold" },
  );
  const target = new S3Target(archive.id, "archive", config, client);
  const keys = (await target.list(job.exportDir))
    .map((o) => target.key(`${job.exportDir}/${o.name}`))
    .sort();
  assert.ok(keys.some((k) => k.endsWith("manifest.json")));
  assert.equal(await target.setLegalHold(job.exportDir, true), keys.length);
  assert.deepEqual(sent.map((s) => s.Key).sort(), keys);
  assert.ok(sent.every((s) => s.Status === "ON"));
  sent.length = 0;
  assert.equal(await target.setLegalHold(job.exportDir, false), keys.length);
  assert.ok(sent.length === keys.length && sent.every((s) => s.Status === "OFF"));

  // Through the service, against s3rver itself: the bucket's refusal is reported and nothing changes.
  await assert.rejects(
    setLegalHold({ jobId: job.id, hold: true, reason: "R", by: "test" }),
    /refused the S3 legal hold/,
  );
  assert.equal(
    (await db().exportJob.findUniqueOrThrow({ where: { id: job.id } })).legalHold,
    false,
  );
});
