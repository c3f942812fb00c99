// Issue 8 §2 and §4 in the console: a request chooses how its range selects messages (short labels
// in the form's select), the request list and the job's page show the choice, and the finished job's
// page shows its reconciliation.
import { expect, test } from "@playwright/test";
import { expectAccessible } from "./fixtures/a11y.ts";
import { waitForHydration } from "./fixtures/hydration.ts";

test("a request selects by change when told; the list and the job's page show it, with the reconciliation", async ({
  page,
}, testInfo) => {
  await page.goto("/requests");
  await waitForHydration(page, 'form[aria-label="Request an export"]');
  const select = page.getByLabel("Messages");
  await expect(select).toHaveValue("created");
  await expect(select.locator("option")).toHaveText(["Created in range", "Changed in range"]);
  const today = await page.evaluate(() =>
    new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit" }).format(
      new Date(),
    ),
  );
  await page.getByLabel("From").fill(today);
  await page.getByLabel("To", { exact: true }).fill(today);
  await page.getByLabel("Format").selectOption("csv");
  await select.selectOption("changed");
  await page.getByRole("button", { name: "Request export" }).click();
  await expect(page.getByRole("status")).toHaveText(/Request accepted/);
  const row = page.locator("tbody tr[data-job-id]").first();
  await expect(row.locator("[data-select]")).toHaveText("Changed in range");
  await expect(row).toHaveAttribute("data-request-status", "Completed", { timeout: 30_000 });
  await expectAccessible(page, testInfo, "requests-select");

  await row.getByRole("link", { name: /details$/ }).click();
  await expect(page.locator("dd[data-select]")).toHaveText("Messages changed in the window");
  const reconciliation = page.getByRole("region", { name: "Reconciliation" });
  await expect(reconciliation).toBeVisible();
  await expect(reconciliation).toHaveAttribute("data-unaccounted", "0");
  await expect(reconciliation).toContainText("Unaccounted");
  await expectAccessible(page, testInfo, "job-reconciliation");
});
