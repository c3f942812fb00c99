// Issue 15 item 8 in the browser: an email the archive refuses (550) is not counted as exported and
// is listed on the job's page; "Retry failed deliveries" sends it again under the same Message-ID,
// once. The export runs for a policy of its own to a custom archive mailbox target (issue 10).
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import {
  dataFaults,
  startTestSmtpServer,
  type TestSmtpServer,
} from "../lib/testing/smtp/test-smtp-server.ts";
import { expectAccessible } from "./fixtures/a11y.ts";
import { auditMark, auditSince } from "./fixtures/audit.ts";
import { chatWorkspace, createIngestTokenInConsole, ingest, waitForJob } from "./fixtures/flows.ts";
import { waitForHydration } from "./fixtures/hydration.ts";
import { toast } from "./fixtures/ui.ts";

const ARCHIVE = "archive@refusals.example";
let smtp: TestSmtpServer | undefined;
test.afterAll(async () => {
  await smtp?.close();
});

test("an email the archive refused is listed on the job page, and Retry failed deliveries gets it accepted once", async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const tag = randomBytes(3).toString("hex");
  // The first email is refused for good (550); every later one, its retry included, is accepted.
  smtp = await startTestSmtpServer({
    faults: { noStartTls: true, onData: dataFaults.replyAt([1], 550, "Mailbox policy violation") },
  });
  const target = await page.request.post("/api/v1/targets", {
    data: {
      kind: "smtp",
      name: `refusing archive ${tag}`,
      secret: smtp.password,
      config: {
        CustomerType: "CUSTOM",
        SMTPUsername: smtp.user,
        EmailAddress: ARCHIVE,
        CustomSMTPServerName: smtp.host,
        CustomSMTPPort: smtp.port,
        SMTPServerTimeout: 5,
        AllowPlainSMTP: true,
      },
    },
  });
  expect(target.status(), await target.text()).toBe(201);
  const targetId = ((await target.json()) as { target: { id: string } }).target.id;

  const token = await createIngestTokenInConsole(page, `refusals-${tag}`, testInfo);
  const workspace = chatWorkspace(`rf${tag}`, { base: Date.now() - 3_600_000, step: 5, posts: 12 });
  const channels = workspace.channels.slice(0, 2).map((c) => c.id);
  // The conversations first (a policy filters by stored channels), the messages once the policy
  // exists (it exports what arrives after it was made).
  const firstPost = workspace.records.findIndex((r) => r.type === "post");
  await ingest(page.request, token, workspace.records.slice(0, firstPost));
  const added = await page.request.post("/api/v1/policies", {
    data: {
      name: `refusals ${tag}`,
      format: "globalrelay",
      target: targetId,
      schedule: { kind: "daily", at: "03:00" },
      filter: { channels },
    },
  });
  expect(added.status(), await added.text()).toBe(201);
  const policyId = ((await added.json()) as { policy: { id: string } }).policy.id;
  // Posts written after the policy was made (its window starts then); ids as above.
  const now = chatWorkspace(`rf${tag}`, { base: Date.now(), step: 5, posts: 12 });
  await ingest(page.request, token, now.records.slice(firstPost));
  await page.waitForTimeout(200); // the last event's time is in the past when the run starts

  const run = await page.request.post(`/api/v1/policies/${policyId}/run`);
  expect(run.status(), await run.text()).toBe(201);
  const jobId = ((await run.json()) as { job: { id: string } }).job.id;
  const finished = await waitForJob(page.request, jobId);
  expect(
    finished.status,
    JSON.stringify({ finished, smtp: smtp.messages.map((m) => [m.messageId, m.outcome]) }),
  ).toBe("warning");
  const refused = smtp.messages.filter((m) => m.outcome === "rejected");
  expect(refused).toHaveLength(1);
  const refusedId = refused[0]!.messageId;
  expect(smtp.delivered().some((m) => m.messageId === refusedId)).toBe(false);

  await page.goto(`/jobs/${jobId}`);
  const section = page.getByRole("region", { name: "Refused deliveries" });
  await expect(section).toBeVisible();
  await expect(section).toContainText("The archive refused 1 email");
  const row = section.locator(`tr[data-refused="refused"]`);
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(refusedId);
  await expect(row).toContainText("Mailbox policy violation");
  await expectAccessible(page, testInfo, "job page with a refused delivery");

  const jobBefore = (await (await page.request.get(`/api/v1/jobs/${jobId}`)).json()) as {
    job: { messages: number };
  };
  const mark = auditMark();
  await waitForHydration(page, "main");
  await section.getByRole("button", { name: "Retry failed deliveries" }).click();
  await expect(toast(page, /1 email accepted \(\d+ posts?\)\./)).toBeVisible();
  await expect(section).toContainText("Every refused email was accepted on a retry.");
  await expect(section.locator(`tr[data-refused="refused"]`)).toHaveCount(0);
  await expect(section.getByRole("button", { name: "Retry failed deliveries" })).toHaveCount(0);

  // Sent again under the same Message-ID, accepted once, to the archive only.
  const copies = smtp.delivered().filter((m) => m.messageId === refusedId);
  expect(copies).toHaveLength(1);
  expect(copies[0]!.rcptTo).toEqual([ARCHIVE]);
  for (const [messageId, n] of smtp.deliveredCount()) expect(n, messageId).toBe(1);
  const jobAfter = (await (await page.request.get(`/api/v1/jobs/${jobId}`)).json()) as {
    job: { messages: number; refusedDeliveries: Array<{ status: string }> };
  };
  expect(jobAfter.job.messages, "its posts now count as exported").toBeGreaterThan(
    jobBefore.job.messages,
  );
  expect(jobAfter.job.refusedDeliveries.every((r) => r.status !== "refused")).toBe(true);
  const audited = auditSince(mark, { event_name: "retryDeliveries", status: "success" });
  expect(audited).toHaveLength(1);

  // The policy and its target go, so later specs see the console as they expect.
  expect((await page.request.delete(`/api/v1/policies/${policyId}`)).status()).toBe(200);
  const removed = await page.request.delete(`/api/v1/targets/${targetId}`);
  expect(removed.status(), await removed.text()).toBe(200);
});
