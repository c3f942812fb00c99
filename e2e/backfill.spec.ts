// Issue 12 item 4: "Export from…" on the Compliance Export page runs a one-off export of everything
// changed since a past moment (the CLI's --export-from), without moving the daily cursor.
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { auditMark, auditSince } from "./fixtures/audit.ts";
import { chatWorkspace, createIngestTokenInConsole, ingest, waitForJob } from "./fixtures/flows.ts";
import { waitForHydration } from "./fixtures/hydration.ts";
import { toast } from "./fixtures/ui.ts";

const DAY = 86_400_000;

test("Export from… a past moment exports what changed since then", async ({ page }) => {
  // Posts from three days ago: before any daily cursor, so only a backfill exports them.
  const token = await createIngestTokenInConsole(
    page,
    `backfill-${randomBytes(3).toString("hex")}`,
  );
  const ws = chatWorkspace(`bf${randomBytes(2).toString("hex")}`, {
    base: Date.now() - 3 * DAY,
    step: 60_000,
    posts: 8,
  });
  await ingest(page.request, token, ws.records);

  await page.goto("/compliance-export");
  await waitForHydration(page, 'section[aria-labelledby="jobs-heading"]');
  // The control takes a local date-time (the viewer's zone): four days ago.
  const from = await page.evaluate(
    (ms) => {
      const d = new Date(ms);
      return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    },
    Date.now() - 4 * DAY,
  );
  await page.getByLabel("Export from…").fill(from);
  const mark = auditMark();
  await page.getByRole("button", { name: "Export from this time" }).click();
  await expect(toast(page, "The export job was created.")).toBeVisible();
  const created = auditSince(mark, { event_name: "createJob", status: "success" });
  expect(created).toHaveLength(1);
  const jobId = created[0]!.event.resulting_state.job_id as string;
  const exportFrom = created[0]!.event.parameters.exportFrom as number;
  expect(Math.abs(exportFrom - (Date.now() - 4 * DAY))).toBeLessThan(5 * 60_000);

  const row = page.locator(`tr[data-job-id="${jobId}"]`);
  await expect(row).toBeVisible({ timeout: 5000 });
  await expect(row).toHaveAttribute("data-status", "success", { timeout: 30_000 });
  const job = await waitForJob(page.request, jobId);
  expect(job.messages).toBeGreaterThanOrEqual(ws.postRowIds.length);
  expect(job.windowStart).toBe(exportFrom);

  // A time in the future is refused, beside the control.
  await page.getByLabel("Export from…").fill("2999-01-01T00:00");
  await page.getByRole("button", { name: "Export from this time" }).click();
  await expect(toast(page, /future/)).toBeVisible();
});
