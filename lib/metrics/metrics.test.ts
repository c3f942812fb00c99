// GET /api/metrics's text: parsed as Prometheus reads it; the job, message and duration figures move
// after a real export; late arrivals come from job data; ingest traffic from the ingest routes.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

process.env.LOG_LEVEL = "silent";

import { db } from "../db/client.ts";
import { claimNextJob } from "../jobs/claim-job.ts";
import { createExportJob } from "../jobs/create-export-job.ts";
import { runJob as workJob } from "../worker/run-job.ts";
import { ExportFixture, setExportSettings } from "../testing/export-fixtures.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { recordIngestRequest } from "./ingest-metrics.ts";
import { renderMetrics } from "./render-metrics.ts";

let t: TestDatabase;
let fx: ExportFixture;
before(async () => {
  t = await useTestDatabase();
  await setExportSettings({ BatchSize: 4 });
  fx = new ExportFixture("metrics");
  await fx.insertWorkspace();
});
after(async () => t.cleanup());

/** `name{a="x",b="y"} value` lines → "name{a=x,b=y}" → value; checks the # TYPE of every sample. */
async function scrape(now?: Date): Promise<Map<string, number>> {
  const { text, contentType } = await renderMetrics({ now });
  assert.match(contentType, /^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  const typed = new Set<string>();
  for (const line of text.split("\n")) {
    if (line.startsWith("# TYPE ")) typed.add(line.split(" ")[2]!);
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `not a Prometheus sample line: ${line}`);
    const base = m[1]!.replace(/_(bucket|sum|count)$/, "");
    assert.ok(typed.has(m[1]!) || typed.has(base), `no # TYPE for ${m[1]}`);
    const labels = [...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)]
      .map(([, k, v]) => `${k}=${v}`)
      .sort()
      .join(",");
    samples.set(`${m[1]}{${labels}}`, Number(m[3]));
  }
  return samples;
}

async function runExport(): Promise<string> {
  const job = await createExportJob({
    input: {},
    trigger: "manual",
    initiatedBy: "u1",
    initiatedByLabel: "test",
  });
  const claimed = await claimNextJob({ workerId: "w-metrics", leaseMs: 60_000, jobId: job.id });
  assert.ok(claimed);
  assert.equal(await workJob({ claimed, workerId: "w-metrics", leaseMs: 60_000 }), "success");
  return job.id;
}

test("before any export: no job series, zero deliveries, process metrics present", async () => {
  const m = await scrape();
  assert.equal([...m.keys()].filter((k) => k.startsWith("custodian_jobs{")).length, 0);
  assert.equal(m.get("custodian_emails_delivered_total{}"), 0);
  assert.equal(m.get("custodian_emails_failed_total{}"), 0);
  assert.ok((m.get("process_resident_memory_bytes{}") ?? 0) > 0);
  assert.equal(m.has("custodian_worker_heartbeat_age_seconds{}"), false, "no worker has run");
  const now = new Date();
  await db().workerHeartbeat.create({
    data: { id: "w1", host: "h", pid: 1, startedAt: now, beatAt: new Date(now.getTime() - 5000) },
  });
  assert.equal((await scrape(now)).get("custodian_worker_heartbeat_age_seconds{}"), 5);
});

test("an export moves jobs, messages, duration and last success; late arrivals and lag follow the job data and the cursor", async () => {
  await fx.addPosts(10);
  const first = await runExport();
  let m = await scrape();
  assert.equal(m.get("custodian_jobs{policy=default,status=success}"), 1);
  assert.equal(m.get("custodian_messages_exported_total{format=csv,policy=default}"), 10);
  assert.equal(m.get("custodian_export_duration_seconds_count{format=csv,policy=default}"), 1);
  const finished = (await db().exportJob.findUniqueOrThrow({ where: { id: first } })).finishedAt!;
  assert.equal(
    m.get("custodian_last_successful_export_timestamp_seconds{policy=default}"),
    finished.getTime() / 1000,
  );
  assert.equal(m.get("custodian_export_lag_seconds{policy=default}"), 0, "everything is exported");

  const [newer] = await fx.addPosts(7);
  const now = new Date(newer!.updateAt + 90_000);
  m = await scrape(now);
  assert.equal(m.get("custodian_export_lag_seconds{policy=default}"), 90);

  await runExport();
  await db().exportJob.update({ where: { id: first }, data: { lateArrivals: 3 } });
  m = await scrape();
  assert.equal(m.get("custodian_jobs{policy=default,status=success}"), 2);
  assert.equal(m.get("custodian_messages_exported_total{format=csv,policy=default}"), 17);
  assert.equal(m.get("custodian_export_duration_seconds_count{format=csv,policy=default}"), 2);
  assert.equal(m.get("custodian_late_arrivals_total{policy=default}"), 3);
});

test("ingest requests count records by type and time requests by status", async () => {
  const before = await scrape();
  recordIngestRequest({
    route: "records",
    status: 200,
    seconds: 0.2,
    counts: { post: 5, user: 1 },
  });
  recordIngestRequest({ route: "records", status: 422, seconds: 0.01 });
  const m = await scrape();
  const delta = (k: string) => (m.get(k) ?? 0) - (before.get(k) ?? 0);
  assert.equal(delta("custodian_ingest_records_total{type=post}"), 5);
  assert.equal(delta("custodian_ingest_records_total{type=user}"), 1);
  assert.equal(
    delta("custodian_ingest_request_duration_seconds_count{route=records,status=200}"),
    1,
  );
  assert.equal(
    delta("custodian_ingest_request_duration_seconds_count{route=records,status=422}"),
    1,
  );
  assert.equal(
    delta("custodian_ingest_request_duration_seconds_bucket{le=0.25,route=records,status=200}"),
    1,
  );
  assert.equal(
    delta("custodian_ingest_request_duration_seconds_bucket{le=0.1,route=records,status=200}"),
    0,
  );
});
