// Issue 10, the Policies page: an admin adds a policy limited to one channel, sees the preview count
// it selects, runs it, downloads what it exported (only that channel's messages), edits its
// schedule, disables it and deletes it through the confirmation dialog — each step audited.
import { randomBytes } from "node:crypto";
import { parse as parseCsv } from "csv-parse/sync";
import { expect, test } from "@playwright/test";
import { expectAccessible } from "./fixtures/a11y.ts";
import { auditMark, auditSince } from "./fixtures/audit.ts";
import { queryDb } from "./fixtures/db.ts";
import {
  chatWorkspace,
  createIngestTokenInConsole,
  ingest,
  removeTempDirs,
  tempDir,
  waitForJob,
  writeTemp,
  zipEntries,
  zipEntry,
} from "./fixtures/flows.ts";
import { waitForHydration } from "./fixtures/hydration.ts";
import { confirmDialog, toast } from "./fixtures/ui.ts";

test.afterAll(() => removeTempDirs());

test("add a filtered policy, preview it, run it, download its export, edit, disable and delete it", async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  const tag = randomBytes(3).toString("hex");
  const prefix = `pol${tag}`;
  const name = `e2e-policy-${tag}`;
  const token = await createIngestTokenInConsole(page, `policies-${tag}`);
  const workspace = chatWorkspace(prefix, {
    base: Date.now() - 2 * 3_600_000,
    step: 60_000,
    posts: 12,
  });
  await ingest(page.request, token, workspace.records);
  const legal = workspace.channels.find((c) => c.type === "P")!;
  const town = workspace.channels.find((c) => c.type === "O")!;

  await page.goto("/policies");
  await expect(page.getByRole("heading", { name: "Export policies", level: 1 })).toBeVisible();
  await waitForHydration(page, "main");
  await expect(page.locator('tr[data-policy="default"]')).toBeVisible();
  await page.getByRole("button", { name: "Add policy" }).click();
  const form = page.getByRole("form", { name: "Add a policy" });
  await form.getByLabel("Name:", { exact: true }).fill(name);
  await form.getByLabel("Export format:", { exact: true }).selectOption("csv");
  await form.getByLabel("Target:", { exact: true }).selectOption({ label: "Local exports" });
  await form.getByLabel("Channels:", { exact: true }).fill(legal.name);
  await form.getByLabel("Time zone:", { exact: true }).selectOption("UTC");
  await form.getByLabel("Time of day:", { exact: true }).fill("04:17");
  await form.getByLabel("Export attachments:", { exact: true }).uncheck();

  // The preview counts, in SQL, what the filter selects of the last 7 days: the legal channel's rows.
  const expected = await queryDb<{ n: string | number }>(
    `SELECT COUNT(*) AS n FROM "Post" WHERE "channelId" = '${legal.id}' AND "type" NOT LIKE 'system_%'`,
  );
  await form.getByRole("button", { name: "Preview" }).click();
  await expect(form.getByText(/This filter selects/)).toHaveText(
    `This filter selects ${Number(expected[0]!.n)} message(s) in 1 channel(s) of the last 7 days.`,
  );

  let mark = auditMark();
  await form.getByRole("button", { name: "Add policy" }).click();
  await expect(toast(page, `Added “${name}”.`)).toBeVisible();
  const row = page.locator(`tr[data-policy="${name}"]`);
  await expect(row).toContainText(`in #${legal.name}`);
  await expect(row).toContainText("CSV → Local exports");
  await expect(row).toContainText("daily 04:17 (UTC)");
  await expect(row).toContainText("Never");
  expect(auditSince(mark, { event_name: "createPolicy", status: "success" })).toHaveLength(1);
  await expectAccessible(page, testInfo, "policies");

  // After the policy exists, two messages in its channel and one outside it arrive.
  const now = Date.now();
  const later = [
    { id: `${prefix}-late-legal-1`, channel_id: legal.id, at: now - 1000 },
    { id: `${prefix}-late-legal-2`, channel_id: legal.id, at: now - 500 },
    { id: `${prefix}-late-town`, channel_id: town.id, at: now - 700 },
  ];
  await ingest(
    page.request,
    token,
    later.map((p) => ({
      type: "post",
      post: {
        id: p.id,
        channel_id: p.channel_id,
        user_id: `${prefix}-u1`,
        create_at: p.at,
        message: `after the policy: ${p.id}`,
      },
    })),
  );

  mark = auditMark();
  await row.getByRole("button", { name: `Run now: ${name}` }).click();
  await expect(toast(page, `Started a run of “${name}”; it is in the job table.`)).toBeVisible();
  expect(auditSince(mark, { event_name: "runPolicy", status: "success" })).toHaveLength(1);
  const lastRun = row.getByRole("link");
  await expect(lastRun).toBeVisible();
  const jobId = (await lastRun.getAttribute("href"))!.replace("/jobs/", "");
  const done = await waitForJob(page.request, jobId);
  expect(done.status, done.error).toBe("success");
  expect(done.messages).toBe(2);

  const download = await page.request.get(`/api/v1/exports/${jobId}/download`);
  expect(download.status()).toBe(200);
  const dir = tempDir("policies");
  const zip = writeTemp(dir, "policy.zip", await download.body());
  const batches = zipEntries(zip).filter((e) => /\/batch\d{3}-[^/]*\.zip$/.test(e));
  expect(batches.length).toBe(1);
  const inner = writeTemp(dir, "batch.zip", zipEntry(zip, batches[0]!));
  const rows = parseCsv(zipEntry(inner, "posts.csv"), { columns: true }) as Array<
    Record<string, string>
  >;
  const postRows = rows.filter((r) => r["Post Id"]);
  expect(new Set(postRows.map((r) => r["Post Id"]))).toEqual(
    new Set([`${prefix}-late-legal-1`, `${prefix}-late-legal-2`]),
  );

  // The job table names the policy of each job.
  await page.goto("/jobs");
  await expect(page.locator(`tr[data-job-id="${jobId}"]`)).toContainText(`Policy ${name}`);

  // Edit: weekly on Monday and Thursday at 03:00; the diff is audited.
  await page.goto("/policies");
  await waitForHydration(page, "main");
  mark = auditMark();
  await row.getByRole("button", { name: `Edit ${name}` }).click();
  const edit = page.getByRole("form", { name: `Edit ${name}` });
  await edit.getByLabel("Runs:", { exact: true }).selectOption("weekly");
  await edit.getByRole("group", { name: "Days" }).getByLabel("thu", { exact: true }).check();
  await edit.getByLabel("Time of day:", { exact: true }).fill("03:00");
  await edit.getByRole("button", { name: "Save policy" }).click();
  await expect(toast(page, `Saved “${name}”.`)).toBeVisible();
  await expect(row).toContainText("weekly mon,thu 03:00 (UTC)");
  const patched = auditSince(mark, { event_name: "patchPolicy", status: "success" });
  expect(patched).toHaveLength(1);
  expect(JSON.stringify(patched[0]!.event.prior_state)).toContain("weekly");

  // A bad cron expression is refused beside its field and saves nothing.
  await row.getByRole("button", { name: `Edit ${name}` }).click();
  await edit.getByLabel("Runs:", { exact: true }).selectOption("cron");
  await edit.getByLabel("Cron expression:", { exact: true }).fill("every day");
  await edit.getByRole("button", { name: "Save policy" }).click();
  await expect(edit.getByRole("alert").filter({ hasText: "five fields" })).toBeVisible();
  await edit.getByRole("button", { name: "Cancel" }).click();
  await expect(row).toContainText("weekly mon,thu 03:00 (UTC)");

  // Disable: no next run, and Run now is off.
  await row.getByRole("button", { name: `Disable ${name}` }).click();
  await expect(toast(page, `Disabled “${name}”.`)).toBeVisible();
  await expect(row).toContainText("No next run (disabled)");
  await expect(row.getByRole("button", { name: `Run now: ${name}` })).toBeDisabled();

  // Delete through the dialog: "Keep it" keeps it, "Delete policy" archives it (its job stays).
  await row.getByRole("button", { name: `Delete ${name}` }).click();
  let dialog = await confirmDialog(page, `Delete the policy “${name}”?`);
  await dialog.getByRole("button", { name: "Keep it" }).click();
  await expect(row).toBeVisible();
  mark = auditMark();
  await row.getByRole("button", { name: `Delete ${name}` }).click();
  dialog = await confirmDialog(page, `Delete the policy “${name}”?`);
  await dialog.getByRole("button", { name: "Delete policy" }).click();
  await expect(toast(page, `Deleted “${name}”.`)).toBeVisible();
  await expect(row).toHaveCount(0);
  expect(auditSince(mark, { event_name: "deletePolicy", status: "success" })).toHaveLength(1);
  const kept = await queryDb<{ id: string }>(
    `SELECT "id" FROM "ExportJob" WHERE "id" = '${jobId}'`,
  );
  expect(kept).toHaveLength(1);
});
