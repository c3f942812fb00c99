// Issue 12 items 6 and 8: every page reflows at 320, 390 and 768 px without horizontal scrolling
// (WCAG 1.4.10) and passes axe (WCAG 2.2 A/AA) there; titles per page, the favicon, the folding
// sidebar, branded 403 and 404 pages and JSON 404s for unknown API routes.
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible } from "./fixtures/a11y.ts";
import { adminContext } from "./fixtures/admins.ts";
import { createJob, waitForJob } from "./fixtures/flows.ts";
import { waitForHydration } from "./fixtures/hydration.ts";
import { OWNER_STATE } from "./fixtures/owner.ts";
import { expectNoHorizontalScroll } from "./fixtures/ui.ts";

const WIDTHS = [320, 390, 768];
let jobId = "";

const PAGES: Array<{ path: () => string; title: () => string; h1: RegExp }> = [
  { path: () => "/", title: () => "Overview · Custodian", h1: /^Overview$/ },
  {
    path: () => "/compliance-export",
    title: () => "Compliance Export · Custodian",
    h1: /^Compliance Export$/,
  },
  { path: () => "/policies", title: () => "Export policies · Custodian", h1: /^Export policies$/ },
  { path: () => "/jobs", title: () => "Export jobs · Custodian", h1: /^Export jobs$/ },
  {
    path: () => `/jobs/${jobId}`,
    title: () => `Job ${jobId.slice(0, 8)} · Custodian`,
    h1: /^Job /,
  },
  { path: () => "/requests", title: () => "Export requests · Custodian", h1: /^Export requests$/ },
  { path: () => "/audit-log", title: () => "Audit log · Custodian", h1: /^Audit log$/ },
  { path: () => "/completeness", title: () => "Completeness · Custodian", h1: /^Completeness$/ },
  { path: () => "/admins", title: () => "Admins · Custodian", h1: /^Admins$/ },
  { path: () => "/targets", title: () => "Targets · Custodian", h1: /^Targets$/ },
  { path: () => "/notifications", title: () => "Notifications · Custodian", h1: /^Notifications$/ },
  { path: () => "/ingest-tokens", title: () => "Ingest tokens · Custodian", h1: /^Ingest tokens$/ },
  { path: () => "/account", title: () => "Your account · Custodian", h1: /^Your account$/ },
];

test.beforeAll(async ({ playwright }, testInfo) => {
  const request = await playwright.request.newContext({
    baseURL: testInfo.project.use.baseURL,
    storageState: OWNER_STATE,
  });
  const job = await createJob(request, {
    start: Date.now() - 3_600_000,
    end: Date.now() - 1000,
    format: "csv",
  });
  await waitForJob(request, job.id);
  jobId = job.id;
  await request.dispose();
});

async function visit(page: Page, path: string, h1: RegExp): Promise<void> {
  await page.goto(path);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(h1);
  await waitForHydration(page, "main");
}

for (const width of WIDTHS) {
  test(`every console page at ${width} px: no horizontal scroll, axe clean`, async ({
    page,
  }, testInfo) => {
    testInfo.setTimeout(120_000);
    await page.setViewportSize({ width, height: 800 });
    for (const p of PAGES) {
      await visit(page, p.path(), p.h1);
      await expectNoHorizontalScroll(page, `${p.path()} at ${width} px`);
      await expectAccessible(page, testInfo, `${p.path()}@${width}`);
    }
  });
}

test("the sign-in page and the 404 page fit a phone and pass axe", async ({
  browser,
  baseURL,
}, testInfo) => {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 320, height: 640 },
    storageState: { cookies: [], origins: [] },
  });
  const page = await context.newPage();
  await page.goto("/login");
  await expect(page).toHaveTitle("Sign in · Custodian");
  await expectNoHorizontalScroll(page, "/login at 320 px");
  await expectAccessible(page, testInfo, "login@320");
  const missing = await page.goto("/setup"); // set-up is over: the branded 404
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  await expectNoHorizontalScroll(page, "404 at 320 px");
  await expectAccessible(page, testInfo, "404@320");
  await context.close();
});

test("each page has its own title, the console a favicon and a logo", async ({ page }) => {
  for (const p of PAGES) {
    await page.goto(p.path());
    await expect(page).toHaveTitle(p.title());
  }
  const icon = await page.locator('link[rel="icon"]').first().getAttribute("href");
  expect(icon).toBeTruthy();
  const res = await page.request.get(icon!);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("image/svg+xml");
  await expect(page.getByRole("link", { name: "Custodian overview" }).locator("svg")).toBeVisible();
});

test("below 800 px the sidebar folds into a Menu button that opens and follows links", async ({
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 800 });
  await visit(page, "/compliance-export", /^Compliance Export$/);
  const menu = page.getByRole("button", { name: "Menu" });
  const nav = page.getByRole("navigation", { name: "Console sections" });
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(nav).toBeHidden();
  await menu.click();
  await expect(page.getByRole("button", { name: "Close" })).toHaveAttribute(
    "aria-expanded",
    "true",
  );
  await expect(nav).toBeVisible();
  await nav.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Audit log");
  await expect(nav).toBeHidden();
  // At desktop width the sidebar is always there and the Menu button is not.
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(nav).toBeVisible();
  await expect(page.getByRole("button", { name: "Menu" })).toBeHidden();
});

test("a page the admin lacks the right for is a branded 403 naming the right; unknown pages and API routes are 404s", async ({
  browser,
  playwright,
  page,
  baseURL,
}, testInfo) => {
  const { context } = await adminContext({
    owner: page.request,
    playwright,
    browser,
    baseURL: baseURL!,
    rights: ["request"],
  });
  const admin = await context.newPage();
  const res = await admin.goto("/audit-log");
  expect(res?.status()).toBe(403);
  await expect(admin.getByRole("heading", { level: 1 })).toHaveText("You need the audit right");
  await expect(admin.getByText("Ask the owner of this Custodian installation")).toBeVisible();
  await expectAccessible(admin, testInfo, "403");
  expect((await admin.goto("/admins"))?.status()).toBe(403);
  await expect(admin.getByRole("heading", { level: 1 })).toHaveText(
    "You need the manage admins right",
  );
  await context.close();

  const missing = await page.goto("/no-such-page");
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  const api = await page.request.get("/api/v1/no-such-route");
  expect(api.status()).toBe(404);
  expect(api.headers()["content-type"]).toContain("application/json");
  expect(await api.json()).toEqual({ error: "No API route at /api/v1/no-such-route." });
  const post = await page.request.post("/api/nothing/here", { data: {} });
  expect(post.status()).toBe(404);
  const unknownJob = await page.goto("/jobs/00000000-0000-0000-0000-000000000000");
  expect(unknownJob?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Not found");
});
