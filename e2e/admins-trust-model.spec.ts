// The Admins page says what the configure right can do before anyone grants it: whoever holds it
// decides where the archive is mailed and which mail server carries Custodian's email.
import { expect, test } from "@playwright/test";
import { waitForHydration } from "./fixtures/hydration.ts";

test("the Admins page tells the owner that Configure is a powerful right, and why", async ({
  page,
}) => {
  await page.goto("/admins");
  await expect(page.getByRole("heading", { name: "Admins", level: 1 })).toBeVisible();
  await waitForHydration(page, "main");
  const trust = page.locator("#trust-model");
  await expect(trust).toBeVisible();
  await expect(trust.locator("strong")).toHaveText("Configure is a powerful right.");
  await expect(trust).toContainText("decides where the compliance archive is mailed");
  await expect(trust).toContainText("which mail server carries Custodian’s email");
  await expect(trust).toContainText("recorded in the audit log with the old and new destination");
  await expect(trust).toContainText("Only the owner grants Manage admins");
  // It sits above the rights table it explains, whose Configure column it is about.
  await expect(page.getByRole("columnheader", { name: "Configure" }).first()).toBeVisible();
  const [textTop, tableTop] = await Promise.all([
    trust.evaluate((el) => el.getBoundingClientRect().top),
    page
      .locator("table")
      .first()
      .evaluate((el) => el.getBoundingClientRect().top),
  ]);
  expect(textTop).toBeLessThan(tableTop);
});
