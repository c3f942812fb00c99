// First run, sign-in and sessions (RELIABILITY.md #27). Runs first (project "setup"): it creates the
// owner of this run's fresh instance and leaves the owner's signed-in state for the later specs.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, request, test, type Page } from "@playwright/test";
import { expectAccessible } from "./fixtures/a11y.ts";
import { waitForHydration } from "./fixtures/hydration.ts";
import { auditMark, auditSince } from "./fixtures/audit.ts";
import { OWNER, OWNER_STATE, SESSION_COOKIE, signIn } from "./fixtures/owner.ts";
import { expectNoHorizontalScroll } from "./fixtures/ui.ts";

async function fillSetup(
  page: Page,
  email: string,
  password: string,
  confirm = password,
): Promise<void> {
  await waitForHydration(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Confirm password").fill(confirm);
  await page.getByRole("button", { name: "Create owner account" }).click();
}

test("before set-up every page leads to /setup, and a weak password creates nothing", async ({
  page,
}, testInfo) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Set up Custodian" })).toBeVisible();
  await expectAccessible(page, testInfo, "setup");

  for (const path of ["/compliance-export", "/login"]) {
    await page.goto(path);
    await expect(page, `${path} before set-up`).toHaveURL(/\/setup$/);
  }

  const mark = auditMark();
  await fillSetup(page, OWNER.email, "short-pw");
  await expect(page.locator("#password-error")).toHaveText("Use at least 12 characters.");
  await expect(page.getByLabel("Password", { exact: true })).toHaveAttribute(
    "aria-invalid",
    "true",
  );
  await fillSetup(page, OWNER.email, "password1234");
  await expect(page.locator("#password-error")).toContainText(
    "This password is too easy to guess.",
  );
  await expect(page).toHaveURL(/\/setup$/);

  // Nothing was created: set-up is still offered, and nothing was audited as a new user.
  await page.reload();
  await expect(page.getByRole("button", { name: "Create owner account" })).toBeVisible();
  expect(auditSince(mark, { event_name: "createUser" })).toEqual([]);
});

// Before the owner exists: /setup is the first page anyone sees, often on a phone.
test("the set-up card fits a phone at 320 and 390 px: no horizontal scroll, axe clean", async ({
  page,
}, testInfo) => {
  for (const width of [320, 390]) {
    await page.setViewportSize({ width, height: 700 });
    await page.goto("/setup");
    await expect(page.getByRole("heading", { name: "Set up Custodian" })).toBeVisible();
    await waitForHydration(page);
    await expectNoHorizontalScroll(page, `/setup at ${width} px`);
    // The card and every field and the button lie inside the viewport, not cut off at its edge.
    for (const box of [
      page.locator(".auth-card"),
      page.getByLabel("Email"),
      page.getByLabel("Password", { exact: true }),
      page.getByLabel("Confirm password"),
      page.getByRole("button", { name: "Create owner account" }),
    ]) {
      const found = await box.boundingBox();
      expect(found, `${String(box)} at ${width} px`).not.toBeNull();
      const b = found!;
      expect(b.x, `${String(box)} left edge at ${width} px`).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width, `${String(box)} right edge at ${width} px`).toBeLessThanOrEqual(width);
    }
    await expectAccessible(page, testInfo, `setup@${width}`);
  }
  // Still before set-up: the next test creates the owner.
  await expect(page.getByRole("button", { name: "Create owner account" })).toBeVisible();
});

test("set-up creates the owner, lands on Compliance Export, closes /setup; sign out goes to /login", async ({
  page,
}, testInfo) => {
  const mark = auditMark();
  await page.goto("/setup");
  await fillSetup(page, OWNER.email, OWNER.password);
  await expect(page).toHaveURL(/\/compliance-export$/);
  await expect(page.getByRole("heading", { name: "Compliance Export", level: 1 })).toBeVisible();
  await expectAccessible(page, testInfo, "compliance-export");

  const created = auditSince(mark, { event_name: "createUser", status: "success" });
  expect(created).toHaveLength(1);
  expect(created[0]?.event.resulting_state).toMatchObject({ email: OWNER.email, owner: true });
  expect(JSON.stringify(auditSince(mark))).not.toContain(OWNER.password);

  const setup = await page.goto("/setup");
  expect(setup?.status()).toBe(404);
  await expectAccessible(page, testInfo, "not-found");

  await page.goto("/compliance-export");
  const logoutMark = auditMark();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { name: "Sign in to Custodian" })).toBeVisible();
  expect(auditSince(logoutMark, { event_name: "logout", status: "success" })).toHaveLength(1);
  expect((await page.context().cookies()).filter((c) => c.name.includes(SESSION_COOKIE))).toEqual(
    [],
  );

  await page.goto("/compliance-export");
  await expect(page).toHaveURL(/\/login\?next=/);
});

test("a wrong password shows the error and is audited as a failed login; the right one signs in", async ({
  page,
}, testInfo) => {
  await page.goto("/login");
  await waitForHydration(page);
  await expectAccessible(page, testInfo, "login");
  const mark = auditMark();
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill("not-the-owner-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(
    page.getByRole("alert").filter({ hasText: "The email or password is incorrect." }),
  ).toBeVisible();
  await expect(page).toHaveURL(/\/login$/);

  const failed = auditSince(mark, { event_name: "login", status: "fail" });
  expect(failed).toHaveLength(1);
  // What was typed as the email is kept only as a short prefix: it may be a password typed in the wrong field.
  expect(failed[0]?.event.parameters).toEqual({ email_prefix: "own…" });
  expect(failed[0]?.event.object_type).toBe("session");
  expect(failed[0]?.error.status_code).toBe(401);
  expect(JSON.stringify(failed)).not.toContain("not-the-owner-password");

  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  expect(auditSince(mark, { event_name: "login", status: "success" })).toHaveLength(1);
});

test("the session cookie is HttpOnly, SameSite=Lax, Path=/, host-only, and a new one at every sign-in", async ({
  page,
  context,
}) => {
  const setCookies: string[] = [];
  page.on("response", async (response) => {
    const header = await response.headerValue("set-cookie").catch(() => null);
    if (header) setCookies.push(...header.split("\n"));
  });
  await signIn(page);
  const session = (await context.cookies()).find((c) => c.name === SESSION_COOKIE);
  expect(session, "session cookie after sign-in").toBeDefined();
  expect(session).toMatchObject({
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    domain: "127.0.0.1",
    secure: false,
  });
  // ≥ 128 bits of token: at least 22 base64url characters.
  expect(session!.value.length).toBeGreaterThanOrEqual(22);

  const raw = setCookies.find(
    (c) => c.startsWith(`${SESSION_COOKIE}=`) && !/Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c),
  );
  expect(raw, "Set-Cookie header of the sign-in").toBeDefined();
  expect(raw).toMatch(/;\s*HttpOnly/i);
  expect(raw).toMatch(/;\s*SameSite=Lax/i);
  expect(raw).toMatch(/;\s*Path=\/(;|$)/i);
  expect(raw).not.toMatch(/;\s*Domain=/i);

  // Signing in again (e.g. from a planted cookie) rotates the token.
  await signIn(page);
  const again = (await context.cookies()).find((c) => c.name === SESSION_COOKIE);
  expect(again?.value).toBeTruthy();
  expect(again?.value).not.toBe(session!.value);
});

test("after sign-out the old session cookie is worthless", async ({
  page,
  context,
  browser,
  baseURL,
}) => {
  await signIn(page);
  const old = (await context.cookies()).find((c) => c.name === SESSION_COOKIE);
  expect(old).toBeDefined();

  // While signed in, the cookie works outside the browser too.
  const live = await request.newContext({
    baseURL,
    extraHTTPHeaders: { cookie: `${SESSION_COOKIE}=${old!.value}` },
  });
  expect((await live.get("/api/v1/config/export")).status()).toBe(200);

  await page.goto("/compliance-export");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);

  const page1 = await live.get("/compliance-export", { maxRedirects: 0 });
  expect([302, 303, 307, 308]).toContain(page1.status());
  expect(page1.headers()["location"]).toMatch(/^(http:\/\/127\.0\.0\.1:\d+)?\/login\?next=/);
  expect((await live.get("/api/v1/config/export")).status()).toBe(401);
  await live.dispose();

  const replay = await browser.newContext({ baseURL });
  await replay.addCookies([{ ...old! }]);
  const replayPage = await replay.newPage();
  await replayPage.goto("/compliance-export");
  await expect(replayPage).toHaveURL(/\/login\?next=/);
  await replay.close();
});

test("?next=//evil.example keeps the browser on this origin after sign-in", async ({
  page,
  baseURL,
}) => {
  for (const next of ["//evil.example", "/\\evil.example", "https://evil.example/"]) {
    await page.context().clearCookies();
    await page.goto(`/login?next=${encodeURIComponent(next)}`);
    await waitForHydration(page);
    await page.getByLabel("Email").fill(OWNER.email);
    await page.getByLabel("Password").fill(OWNER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page, `next=${next}`).toHaveURL(/\/$/);
    expect(new URL(page.url()).origin).toBe(baseURL);
  }
});

test("a same-site ?next= is honoured after sign-in", async ({ page }) => {
  await page.goto("/login?next=%2Fcompliance-export%3Fx%3D1");
  await waitForHydration(page);
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/compliance-export\?x=1$/);
});

// Last: the state the "console" project starts from (a session nobody here signs out of).
test("sign in as the owner for the later specs", async ({ page, context }) => {
  await signIn(page);
  await expect(page).toHaveURL(/\/$/);
  mkdirSync(path.dirname(OWNER_STATE), { recursive: true });
  await context.storageState({ path: OWNER_STATE });
});
