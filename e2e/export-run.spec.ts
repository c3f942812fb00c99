// Issue 3 end to end, signed in as the owner (project "console"): an ingest token from the console,
// a small workspace through POST /api/v1/ingest, Compliance Export switched on as CSV in batches of
// 10, a ranged export of the ingested day and a "Run Compliance Export Now" of what came after
// enabling, the job table following the jobs to Success by polling, and the downloaded zip read
// back with the real `unzip`.
import { randomBytes } from "node:crypto";
import { parse as parseCsv } from "csv-parse/sync";
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible } from "./fixtures/a11y.ts";
import { auditMark, auditSince } from "./fixtures/audit.ts";
import { queryDb } from "./fixtures/db.ts";
import {
  chatWorkspace,
  createIngestTokenInConsole,
  createJob,
  farDailyRunTime,
  ingest,
  listJobs,
  newestNewJobId,
  removeTempDirs,
  tempDir,
  waitForIdleJobs,
  waitForJob,
  writeTemp,
  zipEntries,
  zipEntry,
  zipListing,
  type JobView,
} from "./fixtures/flows.ts";
import { waitForHydration } from "./fixtures/hydration.ts";
import { toast } from "./fixtures/ui.ts";

const FORM = 'form[aria-label="Compliance export settings"]';

test.afterAll(() => removeTempDirs());

test.beforeEach(({ page }) => {
  page.on(
    "dialog",
    (dialog) => void (dialog.type() === "beforeunload" ? dialog.accept() : dialog.dismiss()),
  );
});

async function openComplianceExport(page: Page): Promise<void> {
  await page.goto("/compliance-export");
  await expect(page.getByRole("heading", { name: "Compliance Export", level: 1 })).toBeVisible();
  await waitForHydration(page, FORM);
}

/** Enable, CSV, batches of 10, a daily time far from now (no scheduled job during the test). */
async function enableCsvExport(page: Page): Promise<void> {
  await openComplianceExport(page);
  const enable = page.getByLabel("Enable Compliance Export:");
  await enable.check();
  await page.getByLabel("Compliance Export Time:").fill(farDailyRunTime());
  await page.getByLabel("Time zone").selectOption("UTC");
  await page.getByLabel("Export Format:").selectOption({ label: "CSV" });
  await page.getByLabel("Batch Size:").fill("10");
  await page.getByLabel("Export Attachments:").uncheck();
  const save = page.getByRole("button", { name: "Save", exact: true });
  if (await save.isEnabled()) {
    await save.click();
    await expect(toast(page, "Settings saved.")).toBeVisible();
  }
  await expect(enable).toBeChecked();
  await expect(page.getByLabel("Batch Size:")).toHaveValue("10");
  await expect(page.getByLabel("Export Format:").locator("option:checked")).toHaveText("CSV");
}

const jobRow = (page: Page, jobId: string) => page.locator(`tr[data-job-id="${jobId}"]`);

type CsvRow = Record<string, string>;

/** Every batch of an export zip: its name, entries, posts.csv rows and metadata.json. */
/** Every batch of an export zip (its entries sit under the export's directory, beside manifest.json): name, entries, posts.csv rows and metadata.json. */
function readExport(
  zipFile: string,
  dir: string,
): Array<{
  name: string;
  entries: string[];
  rows: CsvRow[];
  metadata: { MessagesCount: number; Channels: Record<string, { MessagesCount: number }> };
}> {
  return zipEntries(zipFile)
    .filter((entry) => /\/batch\d{3,}-[^/]*\.zip$/.test(entry))
    .map((entry, i) => {
      const name = entry.slice(entry.lastIndexOf("/") + 1);
      const inner = writeTemp(dir, `inner-${i}.zip`, zipEntry(zipFile, entry));
      const entries = zipEntries(inner);
      const rows = parseCsv(zipEntry(inner, "posts.csv"), {
        columns: true,
        relax_quotes: false,
      }) as CsvRow[];
      const metadata = JSON.parse(zipEntry(inner, "metadata.json").toString("utf8")) as {
        MessagesCount: number;
        Channels: Record<string, { MessagesCount: number }>;
      };
      return { name, entries, rows, metadata };
    });
}

async function countPostRows(start: number, end: number): Promise<number> {
  const rows = await queryDb<{ n: number | string }>(
    `SELECT COUNT(*) AS "n" FROM "Post" WHERE "updateAt" >= ${start} AND "updateAt" <= ${end} AND "type" NOT LIKE 'system\\_%' ESCAPE '\\'`,
  );
  return Number(rows[0]?.n ?? 0);
}

test("ingest a workspace, export it as CSV, watch the job table, download and read the zip", async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const tag = randomBytes(3).toString("hex");
  const work = tempDir("export-run");

  // 1. An ingest token, shown once.
  const token = await createIngestTokenInConsole(page, `export-run-${tag}`, testInfo);

  // 2. A workspace from the last day: 30 posts a minute apart starting 20 hours ago, an edit, a delete.
  const dayPosts = chatWorkspace(`er${tag}`, { base: Date.now() - 20 * 3_600_000, step: 60_000 });
  const ingested = await ingest(page.request, token, dayPosts.records);
  expect(ingested.counts).toMatchObject({ team: 2, user: 4, channel: 4, post: 30 });

  // 3. Compliance Export on: CSV, batches of 10.
  await enableCsvExport(page);
  await expectAccessible(page, testInfo, "compliance-export-csv-enabled");

  // 4. Enabling records "now", so the day's posts are exported with a ranged job over their window.
  const window = { start: dayPosts.first - 1, end: dayPosts.last + 1 };
  const expected = dayPosts.postRowIds.length; // 30 posts + the edit's earlier version
  expect(await countPostRows(window.start, window.end), "post rows in the window").toBe(expected);
  await waitForIdleJobs(page.request);
  const ranged = await createJob(page.request, { ...window, format: "csv" });
  expect(ranged.status).toBe("pending");

  await openComplianceExport(page);
  const row = jobRow(page, ranged.id);
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute("data-status", "success", { timeout: 30_000 });
  await expect(row.getByRole("cell").first()).toHaveText(/Success/);
  await expect(row).toContainText(`${expected} messages exported.`);
  await expect(row).toContainText("CSV");

  // 5. Download through the link; the zip holds batch001…batch004, each with posts.csv and metadata.json.
  const mark = auditMark();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    row.getByRole("link", { name: "Download" }).click(),
  ]);
  const zipFile = `${work}/ranged.zip`;
  await download.saveAs(zipFile);
  const listing = zipListing(zipFile);
  const top = zipEntries(zipFile)[0]!.split("/")[0]!;
  expect(top, "entries sit under the export's directory").toMatch(/^compliance-export-/);
  expect(zipEntries(zipFile).every((e) => e.startsWith(`${top}/`))).toBe(true);
  expect(
    zipEntries(zipFile),
    "the manifest travels with the batches, so the receiver can verify",
  ).toContain(`${top}/manifest.json`);
  const batches = readExport(zipFile, work);
  expect(
    batches.map((b) => b.name),
    listing,
  ).toEqual(
    [1, 2, 3, 4].map((n) => expect.stringMatching(new RegExp(`^batch00${n}-\\d+-\\d+\\.zip$`))),
  );
  for (const b of batches) expect(b.entries, b.name).toEqual(["posts.csv", "metadata.json"]);
  const exportedIds = new Set(
    batches.flatMap((b) => b.rows.map((r) => r["Post Id"] ?? "")).filter((id) => id !== ""),
  );
  expect([...exportedIds].sort()).toEqual([...dayPosts.postRowIds].sort());
  for (const b of batches) {
    // metadata.json counts the batch's post rows (a deleted post has two: as sent, and "Deleted").
    expect(b.metadata.MessagesCount, `${b.name}: metadata.json MessagesCount`).toBe(
      b.rows.filter((r) => r["Post Id"]).length,
    );
    const perChannel = Object.values(b.metadata.Channels).reduce((n, c) => n + c.MessagesCount, 0);
    expect(perChannel, `${b.name}: metadata.json channel counts add up`).toBe(
      b.metadata.MessagesCount,
    );
  }
  // The edit and the deletion are in the CSV as Mattermost writes them.
  const allRows = batches.flatMap((b) => b.rows);
  expect(
    allRows.some(
      (r) => r["Post Id"] === dayPosts.editedPostId && /edited/.test(r["Post Message"] ?? ""),
    ),
  ).toBe(true);
  expect(
    allRows.some(
      (r) =>
        r["Post Id"] === dayPosts.deletedPostId &&
        /delete/i.test(`${r["Post Update Type"]} ${r["Post Type"]}`),
    ),
  ).toBe(true);

  await expect
    .poll(
      () => auditSince(mark, { event_name: "downloadComplianceReport", status: "success" }).length,
    )
    .toBe(1);
  const downloaded = auditSince(mark, {
    event_name: "downloadComplianceReport",
    status: "success",
  })[0]!;
  expect(downloaded.event.parameters).toMatchObject({ job_id: ranged.id });

  // 6. "Run Compliance Export Now" continues from the moment export was enabled: posts stamped
  //    after it are exported, the day's posts are not. The table follows the job without a reload.
  await waitForIdleJobs(page.request);
  const fresh = chatWorkspace(`rn${tag}`, { base: Date.now(), step: 3, posts: 12 });
  await ingest(page.request, token, fresh.records);
  await page.waitForTimeout(100); // the job's window ends when it starts: after the last stamp

  await openComplianceExport(page);
  await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
  const before = new Set((await listJobs(page.request)).map((j) => j.id));
  const polled: string[] = [];
  page.on("response", async (res) => {
    if (!res.url().includes("/api/v1/jobs?poll=1")) return;
    const body = (await res.json().catch(() => ({ jobs: [] }))) as { jobs: JobView[] };
    polled.push(...body.jobs.filter((j) => !before.has(j.id)).map((j) => j.status));
  });
  await page.getByRole("button", { name: "Run Compliance Export Now" }).click();
  await expect(toast(page, "The export job was created.")).toBeVisible();
  const runId = await newestNewJobId(page, before);
  await expect(jobRow(page, runId)).toContainText("Run now · owner@custodian.example");
  await expect(jobRow(page, runId)).toHaveAttribute("data-status", "success", { timeout: 30_000 });
  expect(
    await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload),
    "the page was not reloaded",
  ).toBe(true);
  expect(polled.length, "the table refreshed itself from /api/v1/jobs?poll=1").toBeGreaterThan(0);
  expect(polled.at(-1)).toBe("success");

  const run = (await listJobs(page.request)).find((j) => j.id === runId)!;
  expect(run.trigger).toBe("manual");
  expect(run.messages).toBeGreaterThanOrEqual(fresh.postRowIds.length);
  await expect(jobRow(page, runId)).toContainText(`${run.messages} messages exported.`);

  const res = await page.request.get(`/api/v1/exports/${runId}/download`);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toBe("application/zip");
  expect(Number(res.headers()["content-length"]), "Content-Length is the zip's size").toBe(
    (await res.body()).length,
  );
  const runZip = writeTemp(work, "run-now.zip", await res.body());
  const runIds = new Set(
    readExport(runZip, work).flatMap((b) => b.rows.map((r) => r["Post Id"] ?? "")),
  );
  for (const id of fresh.postRowIds) expect(runIds.has(id), `run now exported ${id}`).toBe(true);
  for (const id of dayPosts.postRowIds)
    expect(runIds.has(id), `run now did not export ${id} (before enabling)`).toBe(false);
});

test("POST /api/v1/jobs/<id>/cancel refuses a job that has already finished (409, audited)", async ({
  page,
}) => {
  // Cancelling a *pending* job needs a worker that is busy, or the job starts at once:
  // e2e/global-relay.spec.ts holds the worker on a slow SMTP reply and cancels a pending job with
  // the table's Cancel button. Here: a finished job cannot be canceled, and the refusal is audited.
  await waitForIdleJobs(page.request);
  const job = await createJob(page.request, {
    start: Date.now() - 60_000,
    end: Date.now(),
    format: "csv",
  });
  const done = await waitForJob(page.request, job.id);
  expect(["success", "warning"]).toContain(done.status);
  const mark = auditMark();
  const res = await page.request.post(`/api/v1/jobs/${job.id}/cancel`);
  expect(res.status()).toBe(409);
  expect(((await res.json()) as { error: string }).error).toMatch(/already finished/);
  expect(auditSince(mark, { event_name: "cancelJob", status: "fail" })).toHaveLength(1);
});
