// Period-complete date ranges (issue 8 §2): a window selects the posts created in it with all their
// versions up to now (requests' default) or the posts changed in it (`export --start/--end`'s).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { runCliInProcess } from "../../cli/testing/run-cli.ts";
import { db } from "../../db/client.ts";
import { claimNextJob } from "../../jobs/claim-job.ts";
import { createExportJob } from "../../jobs/create-export-job.ts";
import { getJobView } from "../../jobs/job-view.ts";
import { ZCreateJobInput } from "../../jobs/schema.ts";
import { createExportRequest } from "../../requests/create-export-request.ts";
import { ZExportRequestInput } from "../../requests/schema.ts";
import {
  ExportFixture,
  FIXTURE_BASE,
  jobExportDir,
  jobPlan,
  postRows,
  readExportRows,
  setExportSettings,
} from "../../testing/export-fixtures.ts";
import { useTestDatabase, type TestDatabase } from "../../testing/test-db.ts";
import { runJob } from "../../worker/run-job.ts";
import { parseExportPlan } from "../plan/export-plan.ts";

process.env.LOG_LEVEL = "silent";
let t: TestDatabase;
let fx: ExportFixture;
const START = FIXTURE_BASE;
const END = FIXTURE_BASE + 3_600_000;
let edited = "";
let oldText = "";

before(async () => {
  t = await useTestDatabase();
  await setExportSettings({ BatchSize: 50, ExportFromTimestamp: 0 });
  fx = new ExportFixture("select");
  await fx.insertWorkspace();
  // Created inside the window; edited and deleted a day after it ends.
  const [p] = await fx.addPosts(1, { at: START + 60_000 });
  edited = p!.id;
  oldText = (await fx.editPost(edited, "edited later", END + 86_400_000)).id;
  await fx.deletePost(edited, END + 2 * 86_400_000);
  await fx.addPosts(1, { at: START + 120_000 }); // a plain post, in both modes
});
after(async () => t.cleanup());

async function run(jobId: string) {
  const claimed = await claimNextJob({ workerId: "w-select", leaseMs: 60_000, jobId });
  assert.ok(claimed);
  const status = await runJob({ claimed, workerId: "w-select", leaseMs: 60_000 });
  assert.equal(status, "success");
  return postRows(await readExportRows(await jobExportDir(jobId)));
}

test("created: a post created in the window comes with its later edit and deletion; changed: it is absent from a window that ended before them", async () => {
  const created = await createExportJob({
    input: ZCreateJobInput.parse({ format: "csv", start: START, end: END, select: "created" }),
    trigger: "api",
    initiatedBy: "",
    initiatedByLabel: "test",
  });
  const rows = await run(created.id);
  const entries = (id: string) => rows.filter((r) => r.postId === id).map((r) => r.updateType);
  assert.deepEqual(entries(oldText), ["EditedOriginalMsg"], "the text before the edit");
  assert.deepEqual(entries(edited), ["", "Deleted"], "its creation and its deletion");
  const plan = await jobPlan(created.id);
  assert.ok(plan.selection.kind === "window" && plan.selection.select === "created");
  assert.equal((await getJobView(created.id))!.select, "created");

  const changed = await createExportJob({
    input: ZCreateJobInput.parse({ format: "csv", start: START, end: END }),
    trigger: "api",
    initiatedBy: "",
    initiatedByLabel: "test",
  });
  const changedRows = await run(changed.id);
  assert.equal(
    changedRows.filter((r) => r.postId === edited || r.postId === oldText).length,
    0,
    "nothing of it changed in the window",
  );
  assert.equal(changedRows.length, 1, "the plain post only");
  assert.equal(
    (await getJobView(changed.id))!.select,
    "changed",
    "start/end select by change unless told",
  );
});

test("a request selects by creation unless told; the choice is shown with the job; old plans read as changed", async () => {
  const input = ZExportRequestInput.parse({
    startDate: "2025-01-01",
    endDate: "2025-01-01",
    timeZone: "UTC",
    format: "csv",
  });
  assert.equal(input.select, "created");
  const job = await createExportRequest({
    ...input,
    requesterId: "",
    requesterEmail: "a@example.com",
  });
  assert.equal((await getJobView(job.id))!.select, "created");
  const asChanged = await createExportRequest({
    ...ZExportRequestInput.parse({ ...input, select: "changed" }),
    requesterId: "",
    requesterEmail: "a@example.com",
  });
  assert.equal((await getJobView(asChanged.id))!.select, "changed");
  assert.equal(ZExportRequestInput.safeParse({ ...input, select: "edited" }).success, false);
  await db().exportJob.deleteMany({ where: { id: { in: [job.id, asChanged.id] } } });

  const stored = JSON.parse(
    (
      await db().exportJob.findFirstOrThrow({
        where: { plan: { not: "" } },
        select: { plan: true },
      })
    ).plan,
  ) as { selection: Record<string, unknown> };
  delete stored.selection.select;
  const old = parseExportPlan(JSON.stringify(stored));
  assert.ok(old.selection.kind === "window" && old.selection.select === "changed");
});

test("CLI: --select created|changed with --start/--end, refused without a window or with another value", async () => {
  const ok = await runCliInProcess([
    "export",
    "--format",
    "csv",
    "--start",
    String(START),
    "--end",
    String(END),
    "--select",
    "created",
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  const id = ok.stdout.trim().split("\n")[0]!;
  assert.equal((await getJobView(id))!.select, "created");
  const show = await runCliInProcess(["jobs", "show", id]);
  assert.match(show.stdout, /select\s+created in the window, with all versions up to now/);
  await db().exportJob.delete({ where: { id } });

  const alone = await runCliInProcess(["export", "--select", "created"]);
  assert.equal(alone.code, 2, alone.stderr);
  assert.match(alone.stderr, /select needs start and end/);
  const wrong = await runCliInProcess([
    "export",
    "--start",
    String(START),
    "--end",
    String(END),
    "--select",
    "edited",
  ]);
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /created or changed/);
});
