// HTTP contracts that need no browser session (project "api", after set-up).
import { expect, test } from "@playwright/test";
import { expectAccessible } from "../fixtures/a11y.ts";

test("GET /api/health: 200 JSON with the database up and a fresh worker heartbeat", async ({
  request,
}) => {
  // The worker beats every few seconds; right after start-up the first beat may still be coming.
  await expect
    .poll(async () => (await request.get("/api/health")).status(), { timeout: 30_000 })
    .toBe(200);
  const res = await request.get("/api/health");
  expect(res.headers()["content-type"]).toMatch(/^application\/json/);
  expect(res.headers()["cache-control"]).toContain("no-store");
  const body = (await res.json()) as {
    status: string;
    database: { ok: boolean };
    worker: { ok: boolean; heartbeatAgeSeconds: number | null; expected: boolean };
    down: string[];
  };
  expect(body.status).toBe("ok");
  expect(body.database.ok).toBe(true);
  expect(body.worker.ok).toBe(true);
  expect(typeof body.worker.heartbeatAgeSeconds).toBe("number");
  expect(body.worker.heartbeatAgeSeconds).toBeGreaterThanOrEqual(0);
  expect(body.worker.heartbeatAgeSeconds).toBeLessThan(30);
  expect(body.down).toEqual([]);
  // Public endpoint: nothing about the installation beyond up/down.
  expect(JSON.stringify(body)).not.toMatch(/postgres|sqlite|file:|\/tmp\//i);
});

test("a console page without a session redirects to /login (set-up is done)", async ({
  page,
  request,
}, testInfo) => {
  const res = await request.get("/compliance-export", { maxRedirects: 0 });
  expect([302, 303, 307, 308]).toContain(res.status());
  expect(res.headers()["location"]).toMatch(/^(http:\/\/[^/]+)?\/login(\?|$)/);

  await page.goto("/compliance-export");
  await expect(page).toHaveURL(/\/login(\?|$)/);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await expectAccessible(page, testInfo, "login");

  const setup = await request.get("/setup");
  expect(setup.status()).toBe(404);
});

// The page asks requirePageSession("/compliance-export") so that sign-in returns there; the console
// layout's requirePageSession("/") must not win over it.
test("the redirect to /login names the console page that was asked for", async ({ request }) => {
  const res = await request.get("/compliance-export", { maxRedirects: 0 });
  expect(res.headers()["location"]).toMatch(/\/login\?next=%2Fcompliance-export$/);
});

test("the settings API answers 401 JSON without a session", async ({ request }) => {
  for (const [method, call] of [
    ["GET", () => request.get("/api/v1/config/export")],
    ["PATCH", () => request.patch("/api/v1/config/export", { data: { BatchSize: 5 } })],
  ] as const) {
    const res = await call();
    expect(res.status(), method).toBe(401);
    expect(res.headers()["content-type"], method).toMatch(/^application\/json/);
  }
});
