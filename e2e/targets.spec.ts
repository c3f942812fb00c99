// Issue 9: an admin adds an S3 target on the Targets page, tests it, sends the Compliance Export
// there, runs an export to it and downloads a batch from the job's page (a presigned URL to the
// bucket). The bucket is a real S3-protocol server on loopback started here (s3rver).
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { expectAccessible } from "./fixtures/a11y.ts";
import { auditMark, auditSince } from "./fixtures/audit.ts";
import {
  chatWorkspace,
  createIngestTokenInConsole,
  createJob,
  ingest,
  tempDir,
  waitForIdleJobs,
  waitForJob,
} from "./fixtures/flows.ts";
import { waitForHydration } from "./fixtures/hydration.ts";
import { startTestS3Server, type TestS3Server } from "../lib/testing/s3/test-s3-server.ts";

let s3: TestS3Server;
test.beforeAll(async () => {
  s3 = await startTestS3Server({ bucket: "custodian-e2e" });
});
test.afterAll(async ({ playwright }, testInfo) => {
  // Later specs export to the local directory again.
  const request = await playwright.request.newContext({
    baseURL: testInfo.project.use.baseURL,
    storageState: testInfo.project.use.storageState,
  });
  await request.patch("/api/v1/config/export", { data: { Destination: "Local exports" } });
  await request.dispose();
  await s3.stop();
});

test("add an S3 target, test it, export to it and download a batch through a presigned URL", async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  const tag = randomBytes(3).toString("hex");
  const name = `e2e-bucket-${tag}`;

  await page.goto("/targets");
  await expect(page.getByRole("heading", { name: "Targets", level: 1 })).toBeVisible();
  await waitForHydration(page, "main");
  await page.getByRole("button", { name: "Add target" }).click();
  const form = page.getByRole("form", { name: "Add a target" });
  await form.getByLabel("Kind:").selectOption("s3");
  await form.getByLabel("Name:").fill(name);
  await form.getByLabel("Endpoint:").fill(s3.endpoint);
  await form.getByLabel("Bucket:").fill(s3.bucket);
  await form.getByLabel("Key prefix:").fill(`exports-${tag}`);
  await form.getByLabel("Access key id:").fill(s3.accessKeyId);
  await form.getByLabel("Path-style addressing:").check();
  await form.getByLabel("Secret access key:").fill(s3.secretAccessKey);
  await form.getByRole("button", { name: "Add target" }).click();
  const row = page.locator(`tr[data-target="${name}"]`);
  await expect(row).toContainText(`s3://${s3.bucket}/exports-${tag}/`);
  await expectAccessible(page, testInfo, "targets");

  const mark = auditMark();
  await row.getByRole("button", { name: `Test connection of ${name}` }).click();
  await expect(row.getByRole("status")).toContainText(
    "Wrote, read back and deleted a probe object",
  );
  expect(auditSince(mark, { event_name: "testTargetConnection", status: "success" })).toHaveLength(
    1,
  );

  // The Compliance Export's Destination: the new bucket (the API takes the target's name).
  const patched = await page.request.patch("/api/v1/config/export", {
    data: { ExportFormat: "csv", Destination: name },
  });
  expect(patched.status(), await patched.text()).toBe(200);
  await page.goto("/compliance-export");
  await expect(page.getByLabel("Destination:").locator("option:checked")).toContainText(name);

  // Something to export, then a ranged CSV export to the bucket.
  const token = await createIngestTokenInConsole(page, `targets-${tag}`);
  const workspace = chatWorkspace(`tg${tag}`, {
    base: Date.now() - 2 * 3_600_000,
    step: 60_000,
    posts: 12,
  });
  await ingest(page.request, token, workspace.records);
  await waitForIdleJobs(page.request);
  const job = await createJob(page.request, {
    start: workspace.first - 1,
    end: workspace.last + 1,
    format: "csv",
  });
  const done = await waitForJob(page.request, job.id);
  expect(done.status, done.error).toBe("success");
  expect((done as unknown as { targetName: string }).targetName).toBe(name);

  await page.goto(`/jobs/${job.id}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Job");
  await expect(page.getByText(name, { exact: true })).toBeVisible();
  const batchLink = page.getByRole("link", { name: "Download batch 1" });
  const [download] = await Promise.all([page.waitForEvent("download"), batchLink.click()]);
  expect(download.url(), "the browser fetched the batch from the bucket").toContain(
    `${s3.endpoint}/${s3.bucket}/exports-${tag}/`,
  );
  expect(download.url()).toContain("X-Amz-Signature=");
  const file = `${tempDir("targets")}/batch1.zip`;
  await download.saveAs(file);
  const recorded = (await (await page.request.get(`/api/v1/jobs/${job.id}`)).json()) as {
    job: { id: string };
  };
  expect(recorded.job.id).toBe(job.id);
  const sha = createHash("sha256").update(readFileSync(file)).digest("hex");
  const downloads = auditSince(mark, { event_name: "downloadComplianceReport", status: "success" });
  expect(downloads.map((r) => r.event.resulting_state.presigned_url)).toEqual([true]);
  // The bytes are the batch the job recorded (its SHA-256 is on the page).
  await expect(page.locator('tr[data-batch="1"]')).toContainText(sha);
});
