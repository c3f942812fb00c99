// Feedback while the server works: a route's loading.tsx skeleton shows during in-app navigation,
// and Run Compliance Export Now says it is busy while its server action is pending, then recovers
// when the action fails, with one message for the one error.
import { expect, test, type Page, type Route } from "@playwright/test";
import { waitForHydration } from "./fixtures/hydration.ts";

/** A gate a page.route handler awaits: the request it holds goes on once release() is called. */
function gate(): { wait: Promise<void>; release: () => void } {
  let release!: () => void;
  const wait = new Promise<void>((resolve) => (release = resolve));
  return { wait, release };
}

const isPrefetch = (headers: Record<string, string>) => headers["next-router-prefetch"] === "1";

test("in-app navigation shows the route's loading skeleton until the page arrives", async ({
  page,
}) => {
  // The router shows loading.tsx from the link's prefetch: wait for the Audit log's (the full one,
  // not the route-tree request) before clicking, so the skeleton has something to render from.
  const prefetched = page.waitForResponse(
    (r) =>
      new URL(r.url()).pathname === "/audit-log" &&
      isPrefetch(r.request().headers()) &&
      !r.request().headers()["next-router-segment-prefetch"],
  );
  const held = gate();
  let navigations = 0;
  await page.route(
    (url) => url.pathname === "/audit-log" && url.searchParams.has("_rsc"),
    async (route: Route) => {
      if (isPrefetch(route.request().headers())) return route.continue();
      navigations++;
      await held.wait;
      await route.continue();
    },
  );
  await page.goto("/jobs");
  await expect(page.getByRole("heading", { name: "Export jobs", level: 1 })).toBeVisible();
  await waitForHydration(page, "main");
  await prefetched;

  await page
    .getByRole("navigation", { name: "Console sections" })
    .getByRole("link", { name: "Audit log" })
    .click();
  const skeleton = page.locator('main [role="status"][aria-busy="true"]');
  await expect(skeleton).toBeVisible();
  await expect(skeleton).toContainText("Loading…");
  await expect(skeleton.locator(".skeleton").first()).toBeVisible();
  // The jobs page is gone and the audit log not there yet: the skeleton stands in for it.
  await expect(page.getByRole("heading", { level: 1 })).toHaveCount(0);
  expect(navigations, "the page's own request is the one held").toBe(1);

  held.release();
  await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
  await expect(skeleton).toHaveCount(0);
  await expect(page).toHaveURL(/\/audit-log$/);
});

const RUN = "Run Compliance Export Now";
const UNREACHABLE = "The server could not be reached; no job was created. Try again.";

/** Every visible message element (toast or alert) that carries this text. */
function messages(page: Page, text: string) {
  return page.locator('.toast, [role="alert"]').filter({ hasText: text });
}

for (const failure of ["aborted", "answered 500"] as const) {
  test(`Run now is busy while pending and recovers with one message when the request is ${failure}`, async ({
    page,
  }) => {
    const held = gate();
    let actions = 0;
    await page.route(
      (url) => url.pathname === "/compliance-export",
      async (route: Route) => {
        const request = route.request();
        if (request.method() !== "POST" || !request.headers()["next-action"])
          return route.continue();
        actions++;
        await held.wait;
        if (failure === "aborted") await route.abort("connectionreset");
        else
          await route.fulfill({
            status: 500,
            contentType: "text/plain",
            body: "Internal Server Error",
          });
      },
    );
    await page.goto("/compliance-export");
    await expect(page.getByRole("heading", { name: "Compliance Export", level: 1 })).toBeVisible();
    const jobs = page.locator('section[aria-labelledby="jobs-heading"]');
    await waitForHydration(page, 'section[aria-labelledby="jobs-heading"]');
    const run = jobs.getByRole("button", { name: RUN });
    await expect(run).toBeEnabled();

    await run.click();
    // Pending: the same button says so, is busy and cannot be pressed twice; so is its neighbour.
    const busy = jobs.getByRole("button", { name: "Starting…" });
    await expect(busy).toBeVisible();
    await expect(busy).toBeDisabled();
    await expect(busy).toHaveAttribute("aria-busy", "true");
    await expect(jobs.getByRole("button", { name: RUN })).toHaveCount(0);
    await expect(jobs.getByRole("button", { name: "Export from this time" })).toBeDisabled();
    expect(actions).toBe(1);
    await expect(messages(page, UNREACHABLE)).toHaveCount(0);

    held.release();
    // Recovered: the label is back, the button works again and is no longer busy.
    await expect(run).toBeEnabled();
    await expect(run).not.toHaveAttribute("aria-busy", /.*/);
    await expect(jobs.getByRole("button", { name: "Starting…" })).toHaveCount(0);
    await expect(jobs.getByRole("button", { name: "Export from this time" })).toBeEnabled();
    // One error, one message: the toast, not an alert as well.
    await expect(messages(page, UNREACHABLE)).toHaveCount(1);
    await expect(page.locator(".toast")).toHaveCount(1);
    await expect(page.locator(".toast.toast-error")).toHaveText(new RegExp(UNREACHABLE));
    // The page itself is still there (no error boundary took it over).
    await expect(page.getByRole("heading", { name: "Compliance Export", level: 1 })).toBeVisible();
    expect(actions).toBe(1);
  });
}
