import assert from "node:assert/strict";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import yauzl from "yauzl";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { db } from "../db/client.ts";
import { env, resetEnvForTests } from "../config/env.ts";
import { localExportTarget } from "../targets/resolve-target.ts";
import { UserError } from "../errors/user-error.ts";
import { toJobView } from "../jobs/job-view.ts";
import { openExportDownload } from "./open-export-download.ts";
import { sweepExpiredExports } from "./sweep-expired-exports.ts";

// Issue 5 "30-day downloads" and RELIABILITY.md check 24 (retention sweep): an injected clock, no
// sleeping; backdated rows with real files in the export store.

let t: TestDatabase;
before(async () => {
  process.env.CUSTODIAN_RETENTION_DAYS = "30";
  t = await useTestDatabase();
  resetEnvForTests();
});
after(async () => t.cleanup());

const DAY = 86_400_000;
const NOW = new Date("2026-04-15T10:00:00.000Z");
const daysAgo = (n: number, from = NOW) => new Date(from.getTime() - n * DAY);

type MadeExport = {
  id: string;
  dir: string;
  files: Array<{ name: string; bytes: Buffer; sha256: string }>;
};

/** A finished export: a job row, its batch rows, and real batch files in the export store. */
async function makeExport(options: {
  finishedAt: Date;
  legalHold?: boolean;
  status?: string;
  batches?: number;
  trigger?: string;
}): Promise<MadeExport> {
  const id = randomUUID();
  const dir = `20260101-0000-${id.slice(0, 8)}`;
  const files: MadeExport["files"] = [];
  for (let n = 1; n <= (options.batches ?? 2); n++) {
    const name = `batch${String(n).padStart(3, "0")}-1-2.zip`;
    const bytes = Buffer.concat([Buffer.from(`batch ${n} of ${id}\n`), randomBytes(2048)]);
    const pending = await localExportTarget().openWrite(`${dir}/${name}`);
    await new Promise<void>((resolve, reject) =>
      pending.stream.end(bytes, (e?: Error | null) => (e ? reject(e) : resolve())),
    );
    await pending.commit();
    files.push({ name, bytes, sha256: createHash("sha256").update(bytes).digest("hex") });
  }
  await db().exportJob.create({
    data: {
      id,
      trigger: options.trigger ?? "scheduled",
      status: options.status ?? "success",
      format: "csv",
      exportDir: dir,
      createdAt: new Date(options.finishedAt.getTime() - 3600_000),
      startedAt: new Date(options.finishedAt.getTime() - 3600_000),
      finishedAt: options.finishedAt,
      batchesWritten: files.length,
      legalHold: options.legalHold ?? false,
      batches: {
        create: files.map((f, i) => ({
          number: i + 1,
          fileName: f.name,
          startTime: 1n,
          endTime: 2n,
          fromUpdateAt: 0n,
          fromPostId: "",
          toUpdateAt: 2n,
          toPostId: "p",
          messages: 1,
          files: 0,
          warnings: 0,
          size: BigInt(f.bytes.length),
          sha256: f.sha256,
        })),
      },
    },
  });
  return { id, dir, files };
}

const dirPath = (e: MadeExport) => path.join(env().exportDir, e.dir);
const jobRow = (id: string) => db().exportJob.findUniqueOrThrow({ where: { id } });
const deleteAudits = async (jobId?: string) =>
  (
    await db().auditRecord.findMany({
      where: { eventName: "deleteExport" },
      orderBy: { id: "asc" },
    })
  )
    .map(
      (r) =>
        JSON.parse(r.json) as {
          status: string;
          event: {
            parameters: { job_id: string; retention_days: number };
            prior_state: {
              export_dir: string;
              files: Array<{ name: string; sha256: string; size: number }>;
            };
            resulting_state: Record<string, unknown>;
            object_type: string;
          };
        },
    )
    .filter((r) => jobId === undefined || r.event.parameters.job_id === jobId);

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** name → bytes of every entry of a zip held in memory. */
function unzipBuffer(buf: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on("entry", (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, s) => {
          if (e || !s) return reject(e);
          readAll(s).then((b) => {
            out.set(entry.fileName, b);
            zip.readEntry();
          }, reject);
        });
      });
      zip.on("end", () => resolve(out));
      zip.on("error", reject);
      zip.readEntry();
    });
  });
}

async function refusal(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof UserError, String(e));
    return e;
  }
  assert.fail("expected a refusal");
}

describe("downloads expire after the retention period", () => {
  let day29: MadeExport;
  let day31: MadeExport;
  before(async () => {
    day29 = await makeExport({ finishedAt: daysAgo(29) });
    day31 = await makeExport({ finishedAt: daysAgo(31) });
  });

  test("day 29: downloadable, one batch streams its exact bytes, the whole export zips every batch", async () => {
    const view = toJobView(await jobRow(day29.id), NOW);
    assert.equal(view.expired, false);
    assert.equal(view.downloadable, true);
    assert.equal(view.expiresAt, daysAgo(29).getTime() + 30 * DAY);

    const one = await openExportDownload({ jobId: day29.id, batch: 2, now: NOW });
    assert.equal(one.fileName, day29.files[1]!.name);
    assert.equal(one.size, day29.files[1]!.bytes.length);
    assert.ok((await readAll(one.stream)).equals(day29.files[1]!.bytes));

    const all = await openExportDownload({ jobId: day29.id, now: NOW });
    assert.equal(all.fileName, `${day29.dir}.zip`);
    assert.deepEqual(
      all.files,
      day29.files.map((f) => f.name),
    );
    // Issue 12 item 9: the entries sit under the export's directory name.
    const entries = await unzipBuffer(await readAll(all.stream));
    assert.deepEqual(
      [...entries.keys()].sort(),
      day29.files.map((f) => `${day29.dir}/${f.name}`),
    );
    for (const f of day29.files)
      assert.ok(entries.get(`${day29.dir}/${f.name}`)!.equals(f.bytes), f.name);
  });

  test("day 31: expired in the view, and the download is refused with 410 (the files are still there)", async () => {
    const view = toJobView(await jobRow(day31.id), NOW);
    assert.equal(view.expired, true);
    assert.equal(view.downloadable, false);
    assert.equal(view.expiresAt, daysAgo(1).getTime());
    for (const batch of [undefined, 1]) {
      const err = await refusal(openExportDownload({ jobId: day31.id, batch, now: NOW }));
      assert.equal(err.status, 410);
      assert.match(err.message, /expired/i);
      assert.match(err.message, /30 days/);
    }
    assert.ok(existsSync(dirPath(day31)), "refusal is by date, not by missing files");
  });

  test("the boundary: expired exactly 30 days after finishing, not 1 ms before", async () => {
    const row = await jobRow(day29.id);
    const expiry = row.finishedAt!.getTime() + 30 * DAY;
    assert.equal(toJobView(row, new Date(expiry - 1)).expired, false);
    assert.equal(toJobView(row, new Date(expiry)).expired, true);
    assert.equal(
      (await refusal(openExportDownload({ jobId: day29.id, now: new Date(expiry) }))).status,
      410,
    );
    await readAll(
      (await openExportDownload({ jobId: day29.id, now: new Date(expiry - 1) })).stream,
    );
  });

  test("a legal-hold export never expires", async () => {
    const held = await makeExport({ finishedAt: daysAgo(400), legalHold: true });
    const view = toJobView(await jobRow(held.id), NOW);
    assert.deepEqual(
      { expired: view.expired, downloadable: view.downloadable, expiresAt: view.expiresAt },
      { expired: false, downloadable: true, expiresAt: null },
    );
    assert.ok(
      (
        await readAll((await openExportDownload({ jobId: held.id, batch: 1, now: NOW })).stream)
      ).equals(held.files[0]!.bytes),
    );
    await db().exportJob.delete({ where: { id: held.id } });
    await localExportTarget().removeDir(held.dir);
  });

  test("CUSTODIAN_RETENTION_DAYS is honoured", async () => {
    process.env.CUSTODIAN_RETENTION_DAYS = "45";
    resetEnvForTests();
    try {
      assert.equal(toJobView(await jobRow(day31.id), NOW).expired, false);
      await readAll((await openExportDownload({ jobId: day31.id, batch: 1, now: NOW })).stream);
    } finally {
      process.env.CUSTODIAN_RETENTION_DAYS = "30";
      resetEnvForTests();
    }
  });
});

describe("sweepExpiredExports", () => {
  test("deletes the expired export's files, marks it, audits it once with sha256; keeps legal hold and day 29; idempotent", async () => {
    await db().exportJob.deleteMany({});
    const day29 = await makeExport({ finishedAt: daysAgo(29) });
    const day31 = await makeExport({ finishedAt: daysAgo(31), batches: 3 });
    const held = await makeExport({ finishedAt: daysAgo(90), legalHold: true });
    const failedOld = await makeExport({ finishedAt: daysAgo(60), status: "error", batches: 1 });
    const auditsBefore = await db().auditRecord.count();

    assert.equal(
      await sweepExpiredExports({ now: NOW }),
      2,
      "the day-31 export and the old failed one",
    );

    assert.equal(existsSync(dirPath(day31)), false, "directory gone");
    assert.equal(existsSync(dirPath(failedOld)), false);
    for (const f of day31.files)
      assert.equal(await localExportTarget().exists(`${day31.dir}/${f.name}`), false, f.name);
    const swept = await jobRow(day31.id);
    assert.equal(swept.filesDeletedAt?.getTime(), NOW.getTime());
    assert.equal(
      await db().exportBatch.count({ where: { jobId: day31.id } }),
      3,
      "the batch rows (with their hashes) are kept as a record",
    );

    for (const kept of [day29, held]) {
      assert.ok(existsSync(dirPath(kept)), `${kept.id} kept`);
      for (const f of kept.files)
        assert.ok(await localExportTarget().exists(`${kept.dir}/${f.name}`), f.name);
      assert.equal((await jobRow(kept.id)).filesDeletedAt, null);
    }

    const audits = await deleteAudits(day31.id);
    assert.equal(audits.length, 1);
    const a = audits[0]!;
    assert.equal(a.status, "success");
    assert.equal(a.event.object_type, "export");
    assert.equal(a.event.parameters.retention_days, 30);
    assert.equal(a.event.prior_state.export_dir, day31.dir);
    assert.deepEqual(
      a.event.prior_state.files,
      day31.files.map((f) => ({ name: f.name, sha256: f.sha256, size: f.bytes.length })),
    );
    assert.equal((await deleteAudits(failedOld.id)).length, 1);
    assert.equal(await db().auditRecord.count(), auditsBefore + 2);

    // After the sweep the export reads as expired even at a time before its expiry.
    const view = toJobView(swept, daysAgo(40));
    assert.equal(view.expired, true);
    assert.equal(view.downloadable, false);
    assert.equal(
      (await refusal(openExportDownload({ jobId: day31.id, now: daysAgo(40) }))).status,
      410,
    );

    // Twice: nothing more to do, no second audit, nothing else touched.
    assert.equal(await sweepExpiredExports({ now: NOW }), 0);
    assert.equal(await db().auditRecord.count(), auditsBefore + 2);
    assert.ok(existsSync(dirPath(day29)));

    // Two days later the day-29 export has crossed its 30 days and goes too; the legal hold stays.
    const later = new Date(NOW.getTime() + 2 * DAY);
    assert.equal(await sweepExpiredExports({ now: later }), 1);
    assert.equal(existsSync(dirPath(day29)), false);
    assert.ok(existsSync(dirPath(held)));
    assert.equal((await deleteAudits(day29.id)).length, 1);
  });

  test("a sweep killed after deleting the files but before marking the row completes on the next run", async () => {
    await db().exportJob.deleteMany({});
    const victim = await makeExport({ finishedAt: daysAgo(35) });
    await rm(dirPath(victim), { recursive: true, force: true }); // the kill: files gone, row unmarked
    assert.equal((await jobRow(victim.id)).filesDeletedAt, null);

    assert.equal(await sweepExpiredExports({ now: NOW }), 1);
    assert.equal((await jobRow(victim.id)).filesDeletedAt?.getTime(), NOW.getTime());
    const audits = await deleteAudits(victim.id);
    assert.equal(audits.length, 1);
    assert.deepEqual(
      audits[0]!.event.prior_state.files.map((f) => f.sha256),
      victim.files.map((f) => f.sha256),
    );
    assert.equal(await sweepExpiredExports({ now: NOW }), 0);
    assert.equal((await deleteAudits(victim.id)).length, 1);
  });

  test("a sweep that dies at the audit write still leaves a deleteExport record after the next run", async () => {
    // RELIABILITY.md check 24: "deleted with a deleteExport audit … sweep killed mid-way resumes
    // idempotently". A crash (here: the audit table unavailable) between marking the row and
    // writing its audit must not leave deleted files with no record of their deletion.
    await db().exportJob.deleteMany({});
    const victim = await makeExport({ finishedAt: daysAgo(40) });
    await db().$executeRawUnsafe(`ALTER TABLE "AuditRecord" RENAME TO "AuditRecordAway"`);
    try {
      await assert.rejects(sweepExpiredExports({ now: NOW }));
    } finally {
      await db().$executeRawUnsafe(`ALTER TABLE "AuditRecordAway" RENAME TO "AuditRecord"`);
    }
    await sweepExpiredExports({ now: NOW });
    assert.equal(existsSync(dirPath(victim)), false, "files deleted");
    assert.equal(
      (await deleteAudits(victim.id)).length,
      1,
      "the deletion of these files is audited exactly once",
    );
    assert.ok((await jobRow(victim.id)).filesDeletedAt, "and the row is marked");
  });

  test("exports still running or without a directory are left alone", async () => {
    await db().exportJob.deleteMany({});
    const running = await makeExport({ finishedAt: daysAgo(50), status: "in_progress" });
    await db().exportJob.create({
      data: {
        id: randomUUID(),
        trigger: "request",
        status: "error",
        format: "csv",
        exportDir: "",
        finishedAt: daysAgo(50),
      },
    });
    const before = await db().auditRecord.count();
    assert.equal(await sweepExpiredExports({ now: NOW }), 0);
    assert.ok(existsSync(dirPath(running)));
    assert.equal(await db().auditRecord.count(), before);
  });
});
