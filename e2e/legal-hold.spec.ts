// Legal hold on a job's page (download + configure): putting an export on hold, and releasing it,
// which asks first in a Radix dialog ("Keep the hold" changes nothing, "Release hold" releases).
// Both changes are audited (holdExport, releaseExport).
import { expect, test } from "@playwright/test";
import { expectAccessible } from "./fixtures/a11y.ts";
import { auditMark, auditSince } from "./fixtures/audit.ts";
import { createJob, waitForJob } from "./fixtures/flows.ts";
import { waitForHydration } from "./fixtures/hydration.ts";
import { confirmDialog, toast } from "./fixtures/ui.ts";

const HOLD = 'section[aria-labelledby="hold-heading"]';

test.beforeEach(({ page }) => {
  // The release must ask in the console's dialog, never window.confirm.
  page.on("dialog", (d) => {
    throw new Error(`unexpected native ${d.type()} dialog: ${d.message()}`);
  });
});

test("a finished export can be put on legal hold; releasing it asks first and Keep the hold keeps it", async ({
  page,
}, testInfo) => {
  const job = await createJob(page.request, {
    start: Date.now() - 3_600_000,
    end: Date.now() - 1000,
    format: "csv",
  });
  expect((await waitForJob(page.request, job.id)).status).toMatch(/^(success|warning)$/);
  const reason = `Matter ${job.id.slice(0, 8)}`;

  await page.goto(`/jobs/${job.id}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`Job ${job.id.slice(0, 8)}`);
  const section = page.locator(HOLD);
  await expect(section.getByRole("heading", { name: "Legal hold" })).toBeVisible();
  await waitForHydration(page, `${HOLD} form`);
  const put = section.getByRole("button", { name: "Put on legal hold" });
  // No reason, no hold.
  await expect(put).toBeDisabled();

  let mark = auditMark();
  await section.getByLabel("Reason").fill(reason);
  await put.click();
  await expect(toast(page, "The export is on legal hold.")).toBeVisible();
  await expect(section).toContainText(`On legal hold: ${reason}`);
  await expect(section).toContainText("A held export never expires.");
  await expect(section.getByRole("button", { name: "Release hold" })).toBeVisible();
  await expect(section.getByLabel("Reason")).toHaveCount(0);
  const held = auditSince(mark, { event_name: "holdExport" });
  expect(held.map((r) => [r.status, r.event.parameters.job_id])).toEqual([["success", job.id]]);
  expect(held[0]?.event.resulting_state).toMatchObject({ legal_hold: true });
  // The hold is stored, not just shown: it is still there after a reload.
  await page.reload();
  await expect(page.locator(HOLD)).toContainText(`On legal hold: ${reason}`);
  await waitForHydration(page, "main");

  // Keep the hold: the dialog closes and nothing changes.
  mark = auditMark();
  await section.getByRole("button", { name: "Release hold" }).click();
  let dialog = await confirmDialog(page, "Release this export from legal hold?");
  await expectAccessible(page, testInfo, "release-hold-dialog");
  await dialog.getByRole("button", { name: "Keep the hold" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(section).toContainText(`On legal hold: ${reason}`);
  // Escape refuses too.
  await section.getByRole("button", { name: "Release hold" }).click();
  await confirmDialog(page, "Release this export from legal hold?");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await page.reload();
  await expect(page.locator(HOLD)).toContainText(`On legal hold: ${reason}`);
  expect(auditSince(mark, { event_name: "releaseExport" }), "nothing was released").toEqual([]);

  // Release hold: released, the form is back, and the release is audited.
  await waitForHydration(page, "main");
  await section.getByRole("button", { name: "Release hold" }).click();
  dialog = await confirmDialog(page, "Release this export from legal hold?");
  await dialog.getByRole("button", { name: "Release hold" }).click();
  await expect(toast(page, "Released from legal hold.")).toBeVisible();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(section).not.toContainText("On legal hold");
  await expect(section.getByRole("button", { name: "Put on legal hold" })).toBeVisible();
  const released = auditSince(mark, { event_name: "releaseExport" });
  expect(released.map((r) => [r.status, r.event.parameters.job_id])).toEqual([["success", job.id]]);
  await page.reload();
  await expect(page.locator(HOLD)).not.toContainText("On legal hold");
});
