// Issue 12 item 5: confirmations are Radix dialogs (focus-trapped, Escape cancels), never
// window.confirm — unsaved changes on in-app navigation (both choices), removing an admin, revoking
// an ingest token, removing a storage target.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible } from "./fixtures/a11y.ts";
import { auditMark, auditSince } from "./fixtures/audit.ts";
import { callAction, findAction, manifestActions } from "./fixtures/flows.ts";
import { waitForHydration } from "./fixtures/hydration.ts";
import { instance } from "./fixtures/instance.ts";
import { confirmDialog, toast } from "./fixtures/ui.ts";

const FORM = 'form[aria-label="Compliance export settings"]';

test.beforeEach(({ page }) => {
  // A native dialog here would be a regression; beforeunload (reloads) is the browser's own.
  page.on("dialog", (d) => {
    if (d.type() !== "beforeunload")
      throw new Error(`unexpected native ${d.type()} dialog: ${d.message()}`);
    void d.accept();
  });
});

async function dirtyBatchSize(page: Page): Promise<{ before: string; typed: string }> {
  await page.goto("/compliance-export");
  await waitForHydration(page, FORM);
  const field = page.getByLabel("Batch Size:");
  const enable = page.getByLabel("Enable Compliance Export:");
  if (!(await enable.isChecked())) await enable.check();
  const before = await field.inputValue();
  const typed = String(Number(before) + 7);
  await field.fill(typed);
  await expect(page.getByText("You have unsaved changes.")).toBeVisible();
  return { before, typed };
}

test("in-app navigation with unsaved changes asks first: Stay keeps the edits, Leave discards them", async ({
  page,
}, testInfo) => {
  const { typed } = await dirtyBatchSize(page);
  const sidebar = page.getByRole("navigation", { name: "Console sections" });

  await sidebar.getByRole("link", { name: "Audit log" }).click();
  let dialog = await confirmDialog(page, "Leave without saving?");
  await expect(dialog).toContainText("You have unsaved changes on this page.");
  await expectAccessible(page, testInfo, "unsaved-changes-dialog");
  // Focus is trapped: Tab cycles between the dialog's two buttons.
  const stay = dialog.getByRole("button", { name: "Stay on this page" });
  const leave = dialog.getByRole("button", { name: "Leave without saving" });
  await expect(stay).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(leave).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(stay).toBeFocused();
  await stay.click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page).toHaveURL(/\/compliance-export$/);
  await expect(page.getByLabel("Batch Size:")).toHaveValue(typed);

  // Escape is "stay" too.
  await sidebar.getByRole("link", { name: "Export jobs" }).click();
  await confirmDialog(page, "Leave without saving?");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page).toHaveURL(/\/compliance-export$/);

  const mark = auditMark();
  await sidebar.getByRole("link", { name: "Export jobs" }).click();
  dialog = await confirmDialog(page, "Leave without saving?");
  await dialog.getByRole("button", { name: "Leave without saving" }).click();
  await expect(page).toHaveURL(/\/jobs$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Export jobs");
  expect(auditSince(mark, { event_name: "patchConfig" }), "nothing was saved").toEqual([]);
  // Back on the page the stored value is shown, not the discarded one.
  await page
    .getByRole("navigation", { name: "Console sections" })
    .getByRole("link", { name: "Compliance Export" })
    .click();
  await waitForHydration(page, FORM);
  await expect(page.getByLabel("Batch Size:")).not.toHaveValue(typed);
});

test("without unsaved changes, links navigate at once", async ({ page }) => {
  await page.goto("/compliance-export");
  await waitForHydration(page, FORM);
  await page
    .getByRole("navigation", { name: "Console sections" })
    .getByRole("link", { name: "Export jobs" })
    .click();
  await expect(page).toHaveURL(/\/jobs$/);
  await expect(page.getByRole("dialog")).toHaveCount(0);
});

test("removing an admin asks in a dialog; Cancel keeps them, Remove admin removes them", async ({
  page,
}) => {
  const email = `remove-me-${randomBytes(3).toString("hex")}@custodian.example`;
  const added = await callAction(
    page.request,
    findAction(manifestActions(), "app/(console)/admins/actions.ts", "addAdminAction"),
    [{ email, rights: ["audit"] }],
  );
  expect(added.result).toMatchObject({ ok: true });
  await page.goto("/admins");
  await waitForHydration(page, "main");
  const row = page.locator(`tr[data-admin="${email}"]`);
  await row.getByRole("button", { name: "Remove" }).click();
  let dialog = await confirmDialog(page, `Remove ${email}?`);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(row).toBeVisible();
  const mark = auditMark();
  await row.getByRole("button", { name: "Remove" }).click();
  dialog = await confirmDialog(page, `Remove ${email}?`);
  await dialog.getByRole("button", { name: "Remove admin" }).click();
  await expect(toast(page, `${email} removed.`)).toBeVisible();
  await expect(row).toHaveCount(0);
  expect(
    auditSince(mark, { event_name: "deleteUser", status: "success" }).map(
      (r) => r.event.resulting_state.email,
    ),
  ).toEqual([email]);
});

test("revoking an ingest token asks in a dialog; the one-time token has a copy button", async ({
  page,
  context,
}) => {
  const name = `revoke-${randomBytes(3).toString("hex")}`;
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/ingest-tokens");
  await waitForHydration(page, 'form[aria-label="Create an ingest token"]');
  await page.getByLabel("Token name").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  const shown = (await page.locator(".token-once").textContent())!.trim();
  await page.getByRole("button", { name: "Copy token" }).click();
  await expect(page.getByText("Copied.")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown);

  await page.reload();
  await waitForHydration(page, "main");
  const row = page.locator("tr").filter({ has: page.getByRole("cell", { name, exact: true }) });
  await row.getByRole("button", { name: "Revoke" }).click();
  const dialog = await confirmDialog(page, `Revoke the token "${name}"?`);
  await dialog.getByRole("button", { name: "Revoke token" }).click();
  await expect(toast(page, `Token "${name}" revoked.`)).toBeVisible();
  await expect(row).toContainText("Revoked");
  expect(
    (
      await page.request.post("/api/v1/ingest", {
        headers: { Authorization: `Bearer ${shown}`, "Content-Type": "application/json" },
        data: "[]",
      })
    ).status(),
  ).toBe(401);
});

test("the set-password link of a new admin has a copy button", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/admins");
  await waitForHydration(page, "main");
  const email = `copy-${randomBytes(3).toString("hex")}@custodian.example`;
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Add admin" }).click();
  const link = (await page.locator(".token-once").textContent())!.trim();
  expect(link).toMatch(/\/set-password\?token=/);
  await page.getByRole("button", { name: "Copy link" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
});

test("removing a storage target asks in a dialog; Keep it keeps the target, Remove target removes it", async ({
  page,
}) => {
  const name = `remove-target-${randomBytes(3).toString("hex")}`;
  await page.goto("/targets");
  await expect(page.getByRole("heading", { name: "Targets", level: 1 })).toBeVisible();
  await waitForHydration(page, "main");
  await page.getByRole("button", { name: "Add target" }).click();
  const form = page.getByRole("form", { name: "Add a target" });
  await form.getByLabel("Kind:").selectOption("local");
  await form.getByLabel("Name:").fill(name);
  await form.getByLabel("Directory:").fill(path.join(instance().dataDir, name));
  await form.getByRole("button", { name: "Add target" }).click();
  await expect(toast(page, `Saved "${name}".`)).toBeVisible();
  const row = page.locator(`tr[data-target="${name}"]`);
  await expect(row).toBeVisible();

  const mark = auditMark();
  await row.getByRole("button", { name: `Remove ${name}` }).click();
  let dialog = await confirmDialog(page, `Remove the target "${name}"?`);
  await expect(dialog).toContainText("Exports already written there stay where they are");
  await dialog.getByRole("button", { name: "Keep it" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(row).toBeVisible();
  // Escape keeps it too.
  await row.getByRole("button", { name: `Remove ${name}` }).click();
  await confirmDialog(page, `Remove the target "${name}"?`);
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await page.reload();
  await expect(row).toBeVisible();
  expect(auditSince(mark, { event_name: "deleteTarget" }), "nothing was removed").toEqual([]);

  await waitForHydration(page, "main");
  await row.getByRole("button", { name: `Remove ${name}` }).click();
  dialog = await confirmDialog(page, `Remove the target "${name}"?`);
  await dialog.getByRole("button", { name: "Remove target" }).click();
  await expect(toast(page, `Removed "${name}".`)).toBeVisible();
  await expect(row).toHaveCount(0);
  const removed = auditSince(mark, { event_name: "deleteTarget" });
  expect(removed.map((r) => [r.status, r.event.prior_state.name])).toEqual([["success", name]]);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Targets", level: 1 })).toBeVisible();
  await expect(row).toHaveCount(0);
});
