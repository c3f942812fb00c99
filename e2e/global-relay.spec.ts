// Issue 4 end to end, signed in as the owner (project "console"): Global Relay EML with Customer
// Type Custom pointed at a real SMTP server on loopback (no STARTTLS, so "Allow Plain SMTP"; AUTH
// with the server's user), "Test connection" shows the server's answer, posts ingested after
// enabling are delivered by "Run Compliance Export Now", and the job table shows the delivered
// count. The first email's reply is held back, which keeps the worker busy long enough to watch the
// job in progress and to cancel a job that is still pending.
import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { startTestSmtpServer, type TestSmtpServer } from "../lib/testing/smtp/test-smtp-server.ts";
import { expectAccessible } from "./fixtures/a11y.ts";
import { auditMark, auditSince } from "./fixtures/audit.ts";
import {
  chatWorkspace,
  createIngestTokenInConsole,
  farDailyRunTime,
  ingest,
  listJobs,
  newestNewJobId,
  waitForIdleJobs,
} from "./fixtures/flows.ts";
import { waitForHydration } from "./fixtures/hydration.ts";
import { confirmDialog, toast } from "./fixtures/ui.ts";

const FORM = 'form[aria-label="Compliance export settings"]';
const ARCHIVE = "archive@archive.e2e.example";
const HOLD_FIRST_REPLY_MS = 10_000;

let smtp: TestSmtpServer | undefined;

test.beforeEach(({ page }) => {
  page.on(
    "dialog",
    (dialog) => void (dialog.type() === "beforeunload" ? dialog.accept() : dialog.dismiss()),
  );
});

test.afterAll(async () => {
  await smtp?.close();
});

async function openComplianceExport(page: Page): Promise<void> {
  await page.goto("/compliance-export");
  await expect(page.getByRole("heading", { name: "Compliance Export", level: 1 })).toBeVisible();
  await waitForHydration(page, FORM);
}

const jobRow = (page: Page, jobId: string) => page.locator(`tr[data-job-id="${jobId}"]`);

test("Global Relay Custom over plain SMTP: test connection, run now, every email delivered once", async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const tag = randomBytes(3).toString("hex");
  // No STARTTLS offered (the app would refuse the test server's self-signed certificate), AUTH
  // allowed without it; the first email's 250 comes late.
  smtp = await startTestSmtpServer({
    faults: {
      noStartTls: true,
      onData: (ctx) => (ctx.index === 1 ? { kind: "delay", ms: HOLD_FIRST_REPLY_MS } : undefined),
    },
  });

  const token = await createIngestTokenInConsole(page, `global-relay-${tag}`, testInfo);

  // 1. The settings: Global Relay EML, Custom, the loopback server, plain SMTP allowed.
  await openComplianceExport(page);
  await page.getByLabel("Enable Compliance Export:").check();
  await page.getByLabel("Compliance Export Time:").fill(farDailyRunTime());
  await page.getByLabel("Time zone").selectOption("UTC");
  await page.getByLabel("Export Format:").selectOption({ label: "GlobalRelay EML" });
  await page.getByRole("radio", { name: "Custom", exact: true }).check();
  await page.getByLabel("SMTP Username:").fill(smtp.user);
  const replace = page.getByRole("button", { name: "Replace password" });
  if (await replace.isVisible()) await replace.click();
  await page.getByLabel("SMTP Password:").fill(smtp.password);
  await page.getByLabel("Email Address:").fill(ARCHIVE);
  await page.getByLabel("SMTP Server Name:").fill(smtp.host);
  await page.getByLabel("SMTP Server Port:").fill(String(smtp.port));
  await page.getByLabel("Allow Plain SMTP:").check();
  await page.getByLabel("SMTP Server Timeout:").fill("30");
  await page.getByLabel("Batch Size:").fill("10");
  await page.getByLabel("Export Attachments:").uncheck();
  await expectAccessible(page, testInfo, "compliance-export-globalrelay-plain");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(toast(page, "Settings saved.")).toBeVisible();
  await expect(page.getByText("A password is set.")).toBeVisible();

  // 2. Test connection: connects, signs in, sends nothing, shows the server's answer; audited.
  const mark = auditMark();
  const authBefore = smtp.stats.authAttempts;
  await page.getByRole("button", { name: "Test connection" }).click();
  const answer = page.getByTestId("connection-result");
  await expect(answer).toHaveText(/^235\b.*Authentication successful/i);
  await expect(answer).toHaveClass(/status-ok/);
  expect(smtp.stats.authAttempts).toBe(authBefore + 1);
  expect(smtp.messages).toHaveLength(0);
  await expect
    .poll(() => auditSince(mark, { event_name: "testSmtpConnection", status: "success" }).length)
    .toBe(1);
  expect(JSON.stringify(auditSince(mark))).not.toContain(smtp.password);

  // 3. Posts stamped after enabling, then Run now.
  await waitForIdleJobs(page.request);
  const posts = chatWorkspace(`gr${tag}`, { base: Date.now(), step: 3, posts: 30 });
  await ingest(page.request, token, posts.records);
  await page.waitForTimeout(100);

  await openComplianceExport(page);
  await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
  const before = new Set((await listJobs(page.request)).map((j) => j.id));
  await page.getByRole("button", { name: "Run Compliance Export Now" }).click();
  await expect(toast(page, "The export job was created.")).toBeVisible();
  const runId = await newestNewJobId(page, before);
  await expect(jobRow(page, runId)).toContainText("Run now · owner@custodian.example");
  const run = jobRow(page, runId);

  // 4. While the archive holds its first reply, the job is in progress with a progress bar, and a
  //    job created meanwhile waits as pending: its Cancel button cancels it.
  await expect(run).toHaveAttribute("data-status", "in_progress");
  await expect(run.getByRole("progressbar")).toBeVisible();
  const pendingRes = await page.request.post("/api/v1/jobs", {
    data: { start: Date.now() - 60_000, end: Date.now(), format: "csv" },
  });
  expect(pendingRes.status()).toBe(201);
  const pendingId = ((await pendingRes.json()) as { job: { id: string } }).job.id;
  const pending = jobRow(page, pendingId);
  await expect(pending).toHaveAttribute("data-status", "pending"); // appears by polling
  const cancelMark = auditMark();
  await pending.getByRole("button", { name: "Cancel" }).click();
  await (
    await confirmDialog(page, "Cancel this export?")
  )
    .getByRole("button", { name: "Cancel export" })
    .click();
  await expect(pending).toHaveAttribute("data-status", "canceled");
  await expect(pending).toContainText("Canceled");
  await expect(pending.getByRole("button", { name: "Cancel" })).toHaveCount(0);
  const canceled = auditSince(cancelMark, { event_name: "cancelJob", status: "success" });
  expect(canceled).toHaveLength(1);
  expect(canceled[0]!.event.prior_state).toMatchObject({ status: "pending" });
  expect(canceled[0]!.event.resulting_state).toMatchObject({ status: "canceled" });
  expect(smtp.messages.length, "the run was still waiting for the archive").toBeLessThanOrEqual(1);

  // 5. The run finishes; the table shows Success and the delivered count, without a reload.
  await expect(run).toHaveAttribute("data-status", "success", { timeout: 60_000 });
  expect(
    await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload),
    "the page was not reloaded",
  ).toBe(true);
  const job = (await listJobs(page.request)).find((j) => j.id === runId)!;
  expect(job.format).toBe("globalrelay");
  const counts = smtp.deliveredCount();
  expect(job.delivered).toBe(counts.size);
  await expect(run).toContainText(`${counts.size} emails delivered.`);
  await expect(run).toContainText(`${job.messages} messages exported.`);
  expect(job.messages).toBeGreaterThanOrEqual(posts.postRowIds.length);

  // Every email arrived exactly once, only to the archive address, from a sender, with a Message-ID.
  for (const [messageId, n] of counts) expect(n, `copies of ${messageId}`).toBe(1);
  expect(smtp.messages.filter((m) => m.outcome !== "accepted")).toEqual([]);
  for (const m of smtp.messages) {
    expect(m.messageId).toMatch(/^<[^<>\s]+>$/);
    expect(m.rcptTo).toEqual([ARCHIVE]);
    expect(m.mailFrom).toMatch(/@/);
    expect(m.raw.toString("utf8")).toMatch(/^X-GlobalRelay-MsgType: Mattermost\r$/m);
  }
  // One email per channel per batch: each of the workspace's channels is archived.
  const channelIds = new Set(
    smtp.messages.map((m) => /^X-Mattermost-ChannelID: (.+)\r$/m.exec(m.raw.toString("utf8"))?.[1]),
  );
  for (const c of posts.channels)
    expect(channelIds.has(c.id), `an email for channel ${c.name}`).toBe(true);
  // The canceled job never ran.
  const canceledJob = (await listJobs(page.request)).find((j) => j.id === pendingId)!;
  expect(canceledJob.status).toBe("canceled");
  expect(canceledJob.messages).toBe(0);
  await expect(run.locator(".status-error")).toHaveCount(0);
});
