// Issue 12 items 2 and 3: the live job table (a job started by the CLI shows up in an open table
// within 5 s; filters, sort and paging on the server; relative times with the absolute time on
// hover) and the job detail page (history, batches, downloads, Verify, the error with a next step,
// Retry, Cancel behind a confirmation dialog).
import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible } from "./fixtures/a11y.ts";
import { auditMark, auditSince } from "./fixtures/audit.ts";
import { cli } from "./fixtures/cli.ts";
import { execDb } from "./fixtures/db.ts";
import {
  chatWorkspace,
  createIngestTokenInConsole,
  createJob,
  ingest,
  waitForJob,
} from "./fixtures/flows.ts";
import { waitForHydration } from "./fixtures/hydration.ts";
import { confirmDialog, toast } from "./fixtures/ui.ts";

const TABLE = 'section[aria-labelledby="jobs-heading"]';
const row = (page: Page, id: string) => page.locator(`tr[data-job-id="${id}"]`);

async function openJobs(page: Page): Promise<void> {
  await page.goto("/jobs");
  await expect(page.getByRole("heading", { name: "Export jobs", level: 1 })).toBeVisible();
  await waitForHydration(page, TABLE);
}

let ingested = 0;
test.beforeAll(async ({ browser }, testInfo) => {
  // Some posts from the last hour, so the exports below write batches.
  const page = await browser.newPage({
    storageState: testInfo.project.use.storageState,
    baseURL: testInfo.project.use.baseURL,
  });
  const token = await createIngestTokenInConsole(page, `jobs-${randomBytes(3).toString("hex")}`);
  const ws = chatWorkspace(`jobs${randomBytes(2).toString("hex")}`, {
    base: Date.now() - 30 * 60_000,
    step: 1000,
    posts: 12,
  });
  await ingest(page.request, token, ws.records);
  ingested = ws.postRowIds.length;
  await page.close();
});

test("a job started by the CLI appears in an open job table within 5 s, and its page tells what it did", async ({
  page,
}, testInfo) => {
  await openJobs(page);
  const { stdout } = await cli([
    "export",
    "--format",
    "csv",
    "--export-from",
    String(Date.now() - 60 * 60_000),
  ]);
  const jobId = stdout.trim().split("\n")[0]!;
  expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
  // No reload: the open table's poll finds it.
  await expect(row(page, jobId)).toBeVisible({ timeout: 5000 });
  await expect(row(page, jobId)).toContainText("CLI");
  await expect(row(page, jobId)).toHaveAttribute("data-status", "success", { timeout: 30_000 });
  await expect(row(page, jobId).locator("[data-status-badge]")).toHaveText("Success");
  expect(await row(page, jobId).textContent()).toMatch(/\d+ messages? exported\./);

  // Relative time, with the absolute time in the viewer's zone on hover.
  const started = row(page, jobId).locator("time.relative-time").first();
  await expect(started).toHaveText(/ago|now/);
  await started.hover();
  await expect(page.getByRole("tooltip")).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);

  // The row links to the job's page.
  await row(page, jobId)
    .getByRole("link", { name: `Job ${jobId.slice(0, 8)} details` })
    .click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${jobId}$`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`Job ${jobId.slice(0, 8)}`);
  await expect(page).toHaveTitle(`Job ${jobId.slice(0, 8)} · Custodian`);
  const history = page.locator('section[aria-labelledby="history-heading"] tbody tr');
  await expect(history.filter({ hasText: "Created" })).toContainText("cli");
  await expect(history.filter({ hasText: "Pending → In progress" })).toHaveCount(1);
  await expect(history.filter({ hasText: "In progress → Success" })).toHaveCount(1);
  const facts = page.locator('section[aria-labelledby="summary-heading"]');
  await expect(facts).toContainText("CLI");
  await expect(facts).toContainText(jobId);

  const batches = page.locator('section[aria-labelledby="batches-heading"] tbody tr');
  expect(await batches.count()).toBeGreaterThan(0);
  const first = batches.first();
  await expect(first.locator('td[data-label="SHA-256"]')).toHaveText(/^[0-9a-f]{64}$/);
  await expect(first.locator('td[data-label="File"]')).toHaveText(/^batch001-\d+-\d+\.zip$/);
  const href = await first.getByRole("link", { name: "Download batch 1" }).getAttribute("href");
  const zip = await page.request.get(href!);
  expect(zip.status()).toBe(200);
  expect(zip.headers()["content-type"]).toBe("application/zip");
  const totalMessages = Number(
    (
      await page
        .locator('section[aria-labelledby="batches-heading"] td[data-label="Messages"]')
        .allTextContents()
    ).reduce((n, t) => n + Number(t.replace(/,/g, "")), 0),
  );
  expect(totalMessages).toBeGreaterThanOrEqual(ingested);

  // Verify runs the manifest check for this job.
  const mark = auditMark();
  await waitForHydration(page, "main");
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(toast(page, /^Verified: the manifest is signed and chained/)).toBeVisible();
  expect(
    auditSince(mark, { event_name: "getComplianceReport" }).map((r) => r.event.parameters),
  ).toEqual([{ job_id: jobId, verify: true }]);
  await expectAccessible(page, testInfo, "job-detail");
});

test("filters and sort run on the server; canceled, warning and error have their own colours", async ({
  page,
}, testInfo) => {
  await openJobs(page);
  const requests: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/v1/jobs?")) requests.push(new URL(r.url()).search);
  });
  await page.getByLabel("Status").selectOption({ label: "Success" });
  await expect.poll(() => requests.some((q) => q.includes("status=success"))).toBe(true);
  const statuses = () =>
    page
      .locator(`${TABLE} tbody tr`)
      .evaluateAll((rows) => [...new Set(rows.map((r) => r.getAttribute("data-status")))]);
  await expect.poll(statuses).toEqual(["success"]);
  await page.getByLabel("Status").selectOption({ label: "Canceled" });
  await expect.poll(() => requests.some((q) => q.includes("status=canceled"))).toBe(true);

  await page.getByLabel("Status").selectOption({ label: "All" });
  const exported = page.getByRole("columnheader", { name: /Exported/ });
  await exported.getByRole("button").click();
  await expect(exported).toHaveAttribute("aria-sort", "descending");
  await expect
    .poll(() => requests.some((q) => q.includes("sort=messages") && q.includes("order=desc")))
    .toBe(true);
  await exported.getByRole("button").click();
  await expect(exported).toHaveAttribute("aria-sort", "ascending");
  await expect
    .poll(() => requests.some((q) => q.includes("sort=messages") && q.includes("order=asc")))
    .toBe(true);
  await expect(page.getByRole("navigation", { name: "Job pages" })).toContainText(
    /Page 1 of \d+ · \d+ jobs?/,
  );

  // The badge colours, as the stylesheet paints them.
  const colours = await page.evaluate(() =>
    Object.fromEntries(
      ["success", "warning", "error", "canceled", "in_progress"].map((s) => {
        const el = document.createElement("span");
        el.className = `badge badge-${s}`;
        document.body.append(el);
        const c = getComputedStyle(el);
        const out = `${c.color}|${c.backgroundColor}`;
        el.remove();
        return [s, out];
      }),
    ),
  );
  expect(new Set(Object.values(colours)).size, JSON.stringify(colours)).toBe(5);
  await expectAccessible(page, testInfo, "jobs");
});

test("a failed job shows its error with a next step, and Retry starts the same export again", async ({
  page,
}) => {
  const job = await createJob(page.request, {
    start: Date.now() - 60 * 60_000,
    end: Date.now() - 1000,
    format: "json",
  });
  await waitForJob(page.request, job.id);
  // The state a full disk leaves (the engine's own failure tests make it for real).
  await execDb(
    `UPDATE "ExportJob" SET "status" = 'error', "error" = 'ENOSPC: no space left on device, write' WHERE "id" = '${job.id}'`,
  );
  await page.goto(`/jobs/${job.id}`);
  await waitForHydration(page, "main");
  const problem = page.locator('section[aria-labelledby="error-heading"]');
  await expect(problem).toContainText("ENOSPC: no space left on device");
  await expect(problem).toContainText("Next step: Free disk space");
  const mark = auditMark();
  await page.getByRole("button", { name: "Retry" }).click();
  await expect(page).not.toHaveURL(new RegExp(`/jobs/${job.id}$`));
  const retried = auditSince(mark, { event_name: "createJob", status: "success" });
  expect(retried).toHaveLength(1);
  expect(retried[0]!.event.parameters).toEqual({ retry_of: job.id });
  const newId = retried[0]!.event.resulting_state.job_id as string;
  await expect(page).toHaveURL(new RegExp(`/jobs/${newId}$`));
  await expect(page.locator('section[aria-labelledby="summary-heading"]')).toContainText(
    "JSON (RingCentral layout)",
  );
  await waitForJob(page.request, newId);
});

test("Cancel asks first: 'Keep running' changes nothing, 'Cancel export' asks the worker to stop", async ({
  page,
}) => {
  const job = await createJob(page.request, {
    start: Date.now() - 60_000,
    end: Date.now() - 1000,
    format: "csv",
  });
  await waitForJob(page.request, job.id);
  // A job a (stuck) worker holds under a long lease: running, and no other worker will take it.
  await execDb(
    `UPDATE "ExportJob" SET "status" = 'in_progress', "finishedAt" = NULL, "leaseOwner" = 'e2e-ghost', "leaseExpiresAt" = '2099-01-01T00:00:00.000+00:00' WHERE "id" = '${job.id}'`,
  );
  try {
    await page.goto(`/jobs/${job.id}`);
    await waitForHydration(page, "main");
    await page.getByRole("button", { name: "Cancel job" }).click();
    let dialog = await confirmDialog(page, "Cancel this export?");
    await expect(dialog.getByRole("button", { name: "Keep running" })).toBeFocused();
    await dialog.getByRole("button", { name: "Keep running" }).click();
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Cancel job" })).toBeFocused(); // focus returns
    const mark = auditMark();
    await page.getByRole("button", { name: "Cancel job" }).click();
    await page.keyboard.press("Escape");
    await expect(page.getByRole("dialog")).toHaveCount(0);
    expect(auditSince(mark, { event_name: "cancelJob" })).toEqual([]);
    await page.getByRole("button", { name: "Cancel job" }).click();
    dialog = await confirmDialog(page, "Cancel this export?");
    await dialog.getByRole("button", { name: "Cancel export" }).click();
    await expect(toast(page, "Cancel requested.")).toBeVisible();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Cancel requested");
    expect(
      auditSince(mark, { event_name: "cancelJob", status: "success" }).map(
        (r) => r.event.resulting_state,
      ),
    ).toEqual([{ status: "cancel_requested" }]);
  } finally {
    await execDb(
      `UPDATE "ExportJob" SET "status" = 'canceled', "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "finishedAt" = '2026-01-01T00:00:00.000+00:00' WHERE "id" = '${job.id}'`,
    );
  }
});
