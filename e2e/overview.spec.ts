// Issue 12 item 1: the Overview is the landing page — per-policy status, next run, worker and lease
// health, open warnings, and charts (visx SVG) of the last 30 days with their numbers as tables.
import { expect, test } from "@playwright/test";
import { expectAccessible } from "./fixtures/a11y.ts";
import { createJob, waitForJob } from "./fixtures/flows.ts";
import { waitForHydration } from "./fixtures/hydration.ts";

test("the console opens on the Overview: last success per policy, worker health, charts with tables", async ({
  page,
}, testInfo) => {
  const job = await createJob(page.request, {
    start: Date.now() - 3_600_000,
    end: Date.now() - 1000,
    format: "csv",
  });
  expect((await waitForJob(page.request, job.id)).status).toBe("success");

  await page.goto("/");
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Overview");
  await waitForHydration(page, "main");
  const policy = page.locator('section[data-policy="default"]');
  await expect(policy.getByRole("heading")).toHaveText("Policy: Compliance Export (default)");
  await expect(policy).toContainText("Last success");
  await expect(policy.getByRole("link").first()).toHaveAttribute("href", /^\/jobs\/[0-9a-f-]{36}$/);
  await expect(policy).toContainText("Next run");
  await expect(page.getByTestId("worker-health")).toContainText(
    /1 worker running|\d+ workers running/,
  );
  await expect(page.getByTestId("open-warnings").getByRole("heading")).toHaveText("Open warnings");

  for (const name of ["Messages exported per day", "Files exported per day", "Job duration"]) {
    await expect(page.getByRole("heading", { name, level: 2 })).toBeVisible();
  }
  const messages = page.getByRole("img", { name: "Messages exported per day, last 30 days" });
  await expect(messages).toBeVisible();
  // Today's bar, with its number in its title.
  const bars = messages.locator(".chart-bar");
  expect(await bars.count()).toBeGreaterThan(0);
  await expect(bars.last().locator("title")).toHaveText(/^\d{2}-\d{2}: [\d,]+$/);
  // The numbers behind the chart: 30 days, today's row counts this job.
  const section = page.locator('section[aria-labelledby="chart-messages-heading"]');
  await section.getByText("Show as a table").click();
  const rows = section.locator("tbody tr");
  await expect(rows).toHaveCount(30);
  const today = await page.evaluate(() => {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  });
  await expect(rows.last().locator("td").first()).toHaveText(today);
  expect(Number(await rows.last().locator("td").nth(1).textContent())).toBeGreaterThanOrEqual(
    job.messages,
  );
  await expectAccessible(page, testInfo, "overview");
});
