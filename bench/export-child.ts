// One export in its own process, so its peak RSS is the export's alone. Prints one JSON line.
import { createExportJob } from "../lib/jobs/create-export-job.ts";
import { claimNextJob } from "../lib/jobs/claim-job.ts";
import { runJob } from "../lib/worker/run-job.ts";
import { db, disconnectDb } from "../lib/db/client.ts";
import { resolveFileTarget } from "../lib/targets/resolve-target.ts";
import { saveTarget } from "../lib/targets/save-target.ts";
import { ZTargetInput } from "../lib/targets/schema.ts";
import {
  writeExportSettings,
  loadExportSettings,
} from "../lib/export-settings/export-settings-store.ts";
import type { ExportFormat } from "../lib/settings/schema.ts";

const format = process.env.BENCH_FORMAT as ExportFormat;
const start = Number(process.env.BENCH_START);
const end = Number(process.env.BENCH_END);
// BENCH_S3_ENDPOINT: export to an S3 target on that server (bench/targets.ts) instead of the local directory.
let destination = "local";
if (process.env.BENCH_S3_ENDPOINT) {
  const config = {
    endpoint: process.env.BENCH_S3_ENDPOINT,
    bucket: process.env.BENCH_S3_BUCKET,
    prefix: "bench/",
    accessKeyId: process.env.BENCH_S3_KEY,
    forcePathStyle: true,
  };
  destination = (
    await saveTarget({
      input: ZTargetInput.parse({
        kind: "s3",
        name: `bench-${Date.now()}`,
        config,
        secret: process.env.BENCH_S3_SECRET,
      }),
    })
  ).after.id;
}
await writeExportSettings({
  ...(await loadExportSettings()),
  BatchSize: Number(process.env.BENCH_BATCH ?? 10000),
  Destination: destination,
});
const began = performance.now();
const job = await createExportJob({
  input: { format, start, end },
  trigger: "cli",
  initiatedBy: "",
  initiatedByLabel: "bench",
});
const claimed = await claimNextJob({ workerId: "bench", leaseMs: 120_000, jobId: job.id });
const status = await runJob({ claimed: claimed!, workerId: "bench", leaseMs: 120_000 });
const seconds = (performance.now() - began) / 1000;
const row = await db().exportJob.findUniqueOrThrow({ where: { id: job.id } });
const files = await (await resolveFileTarget(row.targetId)).list(row.exportDir);
const bytes = files.reduce((n, f) => n + f.size, 0);
console.log(
  JSON.stringify({
    status,
    error: row.error,
    posts: row.messagesExported,
    batches: row.batchesWritten,
    seconds,
    bytes,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
await disconnectDb();
