// Every kind of field looks the same: date-time inputs, textareas and URL inputs carry the text
// input's border, radius, font and padding (app/globals.css), not the browser's defaults, and
// checkboxes in a checkbox group take the console's accent colour.
import { expect, test, type Locator, type Page } from "@playwright/test";
import { waitForHydration } from "./fixtures/hydration.ts";

const PROPS = [
  "border-top-width",
  "border-top-style",
  "border-top-color",
  "border-bottom-width",
  "border-top-left-radius",
  "border-bottom-right-radius",
  "font-family",
  "font-size",
  "font-weight",
  "line-height",
  "padding-top",
  "padding-left",
  "background-color",
  "color",
] as const;

async function style(field: Locator): Promise<Record<string, string>> {
  await expect(field).toBeVisible();
  return field.evaluate(
    (el, props) => {
      const s = getComputedStyle(el);
      return Object.fromEntries(props.map((p) => [p, s.getPropertyValue(p)]));
    },
    PROPS as unknown as string[],
  );
}

/** The console's field look, as the text input has it: 1 px border, 4 px radius, 14 px font. */
async function expectSameLook(page: Page, reference: Locator, others: Record<string, Locator>) {
  const text = await style(reference);
  expect(text).toMatchObject({
    "border-top-width": "1px",
    "border-top-style": "solid",
    "border-top-left-radius": "4px",
    "font-size": "14px",
  });
  for (const [label, field] of Object.entries(others))
    expect(await style(field), `${label} on ${page.url()} looks like a text input`).toEqual(text);
}

test("Policies form: the date-time inputs look like the text inputs; the checkbox groups use the accent colour", async ({
  page,
}) => {
  await page.goto("/policies");
  await expect(page.getByRole("heading", { name: "Export policies", level: 1 })).toBeVisible();
  await waitForHydration(page, "main");
  await page.getByRole("button", { name: "Add policy" }).click();
  const form = page.getByRole("form", { name: "Add a policy" });
  await expectSameLook(page, form.getByLabel("Name:"), {
    "Not before (datetime-local)": form.getByLabel("Not before:"),
    "Not after (datetime-local)": form.getByLabel("Not after:"),
  });
  await expect(form.getByLabel("Not before:")).toHaveAttribute("type", "datetime-local");

  const accent = await page.evaluate(() => {
    // The --accent colour as the browser resolves it.
    const probe = document.createElement("span");
    probe.style.color = "var(--accent)";
    document.body.append(probe);
    const c = getComputedStyle(probe).color;
    probe.remove();
    return c;
  });
  expect(accent).not.toBe("");
  const boxes = form.getByRole("group", { name: "Channel types" }).getByRole("checkbox");
  expect(await boxes.count()).toBeGreaterThan(1);
  for (const box of await boxes.all()) {
    const s = await box.evaluate((el) => {
      const c = getComputedStyle(el);
      return { accent: c.accentColor, width: c.width, height: c.height };
    });
    expect(s).toEqual({ accent, width: "16px", height: "16px" });
  }
});

test("Compliance Export: the Export from… date-time input looks like a text input", async ({
  page,
}) => {
  await page.goto("/compliance-export");
  await expect(page.getByRole("heading", { name: "Compliance Export", level: 1 })).toBeVisible();
  const settings = 'form[aria-label="Compliance export settings"]';
  await waitForHydration(page, settings);
  // The settings' fields are greyed out while the export is switched off; switch it on (unsaved).
  const enable = page.getByLabel("Enable Compliance Export:");
  if (!(await enable.isChecked())) await enable.check();
  const reference = page.locator(`${settings} input[type="text"]`).first();
  await expect(reference).toBeEnabled();
  await expectSameLook(page, reference, { "Export from…": page.getByLabel("Export from…") });
});

test("Notifications: the recipients textarea looks like the text inputs", async ({ page }) => {
  await page.goto("/notifications");
  await expect(page.getByRole("heading", { name: "Notifications", level: 1 })).toBeVisible();
  const form = page.getByRole("form", { name: "Notification settings" });
  await waitForHydration(page, 'form[aria-label="Notification settings"]');
  await expectSameLook(page, form.getByLabel("SMTP Server Name:"), {
    "Notify These Addresses (textarea)": form.getByLabel("Notify These Addresses:"),
  });
});

test("Targets form: the S3 endpoint (a URL input) looks like the text inputs", async ({ page }) => {
  await page.goto("/targets");
  await expect(page.getByRole("heading", { name: "Targets", level: 1 })).toBeVisible();
  await waitForHydration(page, "main");
  await page.getByRole("button", { name: "Add target" }).click();
  const form = page.getByRole("form", { name: "Add a target" });
  await form.getByLabel("Kind:").selectOption("s3");
  await expect(form.getByLabel("Endpoint:")).toHaveAttribute("type", "url");
  await expectSameLook(page, form.getByLabel("Bucket:"), {
    "Endpoint (url)": form.getByLabel("Endpoint:"),
  });
});
