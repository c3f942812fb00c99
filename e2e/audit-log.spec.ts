// Issue 12 item 7: the audit log reads as sentences with actor emails, config changes as a
// before/after table, the raw JSON behind a toggle, page views hidden unless asked for, paging both
// ways with a count, and a CSV download beside the JSON lines.
import { expect, test, type Page } from "@playwright/test";
import { parse } from "csv-parse/sync";
import { expectAccessible } from "./fixtures/a11y.ts";
import { waitForHydration } from "./fixtures/hydration.ts";
import { OWNER } from "./fixtures/owner.ts";

async function setFormat(page: Page, ExportFormat: string): Promise<void> {
  const res = await page.request.patch("/api/v1/config/export", { data: { ExportFormat } });
  expect(res.status(), await res.text()).toBe(200);
}

async function currentFormat(page: Page): Promise<string> {
  const res = await page.request.get("/api/v1/config/export");
  return ((await res.json()) as { MessageExportSettings: { ExportFormat: string } })
    .MessageExportSettings.ExportFormat;
}

test("a settings change reads as a sentence with a before/after table, the raw record behind a toggle", async ({
  page,
}, testInfo) => {
  const before = await currentFormat(page);
  await setFormat(page, "csv");
  await setFormat(page, "actiance");
  try {
    await page.goto("/audit-log?event=patchConfig");
    await waitForHydration(page, "main");
    const rowEl = page.locator('tr[data-event="patchConfig"][data-status="success"]').first();
    await expect(rowEl).toContainText(
      `${OWNER.email} changed Export Format from CSV to Actiance XML`,
    );
    const diff = rowEl.locator("table.diff-table");
    await expect(diff.locator("tbody tr").first()).toHaveText(/Export FormatCSVActiance XML/);
    // The actor is the email; the user id is there on hover.
    await expect(rowEl.locator('td[data-label="Actor"] div').first()).toHaveText(OWNER.email);
    expect(await rowEl.locator('td[data-label="Actor"] div').first().getAttribute("title")).toMatch(
      /^user id [0-9a-f-]{36}$/,
    );
    // Raw JSON only on request, in its own scrolling box.
    const raw = rowEl.getByText("Raw record");
    const pre = rowEl.locator("pre.scroll-box");
    await expect(pre).toBeHidden();
    await raw.click();
    await expect(pre).toBeVisible();
    expect(JSON.parse((await pre.textContent())!)).toMatchObject({
      event_name: "patchConfig",
      event: {
        prior_state: {
          config_diffs: [
            { path: "MessageExportSettings.ExportFormat", base_val: "csv", actual_val: "actiance" },
          ],
        },
      },
    });
    const box = await pre.evaluate((el) => ({
      overflow: getComputedStyle(el).overflow,
      maxHeight: getComputedStyle(el).maxHeight,
    }));
    expect(box).toEqual({ overflow: "auto", maxHeight: "320px" });
    await expectAccessible(page, testInfo, "audit-log");
  } finally {
    if (before) await setFormat(page, before);
  }
});

test("page views are hidden by default and shown on request; paging goes both ways with a count", async ({
  page,
}) => {
  // Page views of our own: 60 audited job list reads.
  for (let i = 0; i < 60; i++)
    expect((await page.request.get("/api/v1/jobs?limit=1")).status()).toBe(200);
  await page.goto("/audit-log");
  await waitForHydration(page, "main");
  await expect(page.getByLabel("Page views")).toHaveValue("hide");
  await expect(page.locator('tr[data-event="getComplianceReports"]')).toHaveCount(0);
  await expect(page.locator('tr[data-event="getAudits"]')).toHaveCount(0);

  await page.getByLabel("Page views").selectOption("show");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/views=show/);
  // The URL changes before the new rows arrive: wait for them.
  await expect(page.locator('tr[data-event="getComplianceReports"]').first()).toBeVisible();
  const heading = page.getByRole("heading", { name: /^Records 1–50 of [\d,]+$/ });
  await expect(heading).toBeVisible();
  const total = Number((await heading.textContent())!.replace(/^.* of /, "").replace(/,/g, ""));
  expect(total).toBeGreaterThan(60);

  const ids = () =>
    page
      .locator("tbody tr[data-id]")
      .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-id"))));
  const firstIds = await ids();
  const pager = page.getByRole("navigation", { name: "Audit log pages" });
  await expect(pager.getByText("Newer")).not.toHaveAttribute("href");
  await pager.getByRole("link", { name: "Older" }).click();
  // (Each view of the log is itself a record, so the total grows by one per page shown.)
  await expect(page.getByRole("heading", { name: /^Records 5[1-3]–\d+ of [\d,]+$/ })).toBeVisible();
  const secondIds = await ids();
  expect(Math.max(...secondIds)).toBeLessThan(Math.min(...firstIds));
  await pager.getByRole("link", { name: "Newer" }).click();
  // The page just above page 2: the first page again (its own views are newer records above it).
  await expect(page.getByRole("heading", { name: /^Records \d+–\d+ of / })).toBeVisible();
  await expect(page).toHaveURL(/after=\d+/);
  // Newer brings back the first page (new records may have arrived at its top, never inside it).
  const again = await ids();
  expect(again.length).toBe(50);
  expect(Math.min(...again)).toBeGreaterThan(Math.max(...secondIds));
  expect(firstIds.slice(5).every((id) => again.includes(id))).toBe(true);
});

test("the filtered log downloads as CSV beside JSON lines", async ({ page }) => {
  await page.goto("/audit-log?event=patchConfig");
  await waitForHydration(page, "main");
  const csvLink = page.getByRole("link", { name: "Download as CSV" });
  await expect(page.getByRole("link", { name: "Download as JSON lines" })).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent("download"), csvLink.click()]);
  expect(download.suggestedFilename()).toMatch(/^custodian-audit-.*\.csv$/);
  const text = await (await import("node:fs/promises")).readFile((await download.path())!, "utf8");
  const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
  expect(rows.length).toBeGreaterThan(0);
  expect(new Set(rows.map((r) => r.event_name))).toEqual(new Set(["patchConfig"]));
  expect(Object.keys(rows[0]!)).toEqual([
    "timestamp",
    "event_name",
    "status",
    "actor_user_id",
    "actor_client",
    "actor_ip_address",
    "object_type",
    "api_path",
    "error",
    "parameters",
    "prior_state",
    "resulting_state",
  ]);
});
