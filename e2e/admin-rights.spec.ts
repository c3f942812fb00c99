// Issue 5 end to end (project "console": this page starts signed in as the owner): the owner adds an
// admin with only the request right; in a browser of their own that admin sets a password through
// the one-time link, signs in, requests an export and sees it complete, but may not download it
// until the owner grants download; once the owner revokes it again, both the download and a signed
// link the admin made meanwhile are refused. Deactivating the admin ends their session at once.
import { randomBytes } from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { expectAccessible } from "./fixtures/a11y.ts";
import { auditMark, auditSince } from "./fixtures/audit.ts";
import { queryDb } from "./fixtures/db.ts";
import {
  chatWorkspace,
  createIngestTokenInConsole,
  ingest,
  removeTempDirs,
  tempDir,
  writeTemp,
  zipEntries,
} from "./fixtures/flows.ts";
import { waitForHydration } from "./fixtures/hydration.ts";
import { signIn } from "./fixtures/owner.ts";
import { confirmDialog, toast } from "./fixtures/ui.ts";

async function openAdmins(page: Page): Promise<void> {
  await page.goto("/admins");
  await expect(page.getByRole("heading", { name: "Admins", level: 1 })).toBeVisible();
  await waitForHydration(page, 'form[aria-labelledby="add-heading"]');
}

/** Sets the admin's rights on /admins (the owner's page) and saves them. */
async function setRight(page: Page, email: string, right: "Download", on: boolean): Promise<void> {
  await openAdmins(page);
  const row = page.locator(`tr[data-admin="${email}"]`);
  const box = row.getByRole("checkbox", { name: `${right} for ${email}` });
  if (on) await box.check();
  else await box.uncheck();
  const mark = auditMark();
  await row.getByRole("button", { name: "Save rights" }).click();
  await expect(toast(page, `Rights of ${email} saved.`)).toBeVisible();
  await expect
    .poll(() => auditSince(mark, { event_name: "updateUserRoles", status: "success" }).length)
    .toBe(1);
  await page.reload();
  await waitForHydration(page, 'form[aria-labelledby="add-heading"]');
  if (on)
    await expect(
      page
        .locator(`tr[data-admin="${email}"]`)
        .getByRole("checkbox", { name: `${right} for ${email}` }),
    ).toBeChecked();
  else
    await expect(
      page
        .locator(`tr[data-admin="${email}"]`)
        .getByRole("checkbox", { name: `${right} for ${email}` }),
    ).not.toBeChecked();
}

/** A browser of the admin's own: nothing of the owner's session. */
async function freshPage(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  return context.newPage();
}

test.afterAll(() => removeTempDirs());

test("an admin with only the request right can request but not download, until the owner grants download; revoking refuses again", async ({
  page,
  browser,
  baseURL,
  playwright,
}, testInfo) => {
  test.setTimeout(150_000);
  const tag = randomBytes(3).toString("hex");
  const email = `analyst-${tag}@custodian.example`;
  const password = `Analyst-passphrase-${tag}-42`;
  const work = tempDir("admin-rights");

  // Something to export today (the request covers today in the admin's time zone).
  const token = await createIngestTokenInConsole(page, `admin-rights-${tag}`, testInfo);
  const midnight = new Date();
  midnight.setHours(0, 0, 0, 0);
  const posts = chatWorkspace(`ar${tag}`, {
    base: Math.max(Date.now() - 30_000, midnight.getTime() + 1),
    step: 5,
    posts: 12,
  });
  await ingest(page.request, token, posts.records);

  // 1. The owner adds the admin with the request right only; the set-password link is shown once.
  await openAdmins(page);
  await expectAccessible(page, testInfo, "admins");
  const addMark = auditMark();
  await page.getByLabel("Email").fill(email);
  const rights = page.getByRole("group", { name: "Rights" });
  await rights.getByLabel("Request", { exact: true }).check();
  await page.getByRole("button", { name: "Add admin" }).click();
  await expect(toast(page, `Added ${email}.`)).toBeVisible();
  const linkText = (await page.locator(".token-once").textContent())!.trim();
  expect(linkText).toMatch(/\/set-password\?token=[A-Za-z0-9_-]{20,}$/);
  const created = auditSince(addMark, { event_name: "createUser", status: "success" });
  expect(created).toHaveLength(1);
  expect(JSON.stringify(created)).not.toContain(new URL(linkText).searchParams.get("token")!);
  const row = page.locator(`tr[data-admin="${email}"]`);
  await expect(row.getByRole("checkbox", { name: `Request for ${email}` })).toBeChecked();
  await expect(row.getByRole("checkbox", { name: `Download for ${email}` })).not.toBeChecked();
  await page.reload();
  await expect(page.locator(".token-once")).toHaveCount(0); // shown only once
  const adminId = (
    await queryDb<{ id: string }>(`SELECT "id" FROM "AdminUser" WHERE "email" = '${email}'`)
  )[0]!.id;

  // 2. In a new browser the admin sets a password through the link and signs in.
  const admin = await freshPage(browser, baseURL);
  await admin.goto(linkText);
  await expect(admin.getByRole("heading", { name: "Set your password" })).toBeVisible();
  await waitForHydration(admin);
  await expectAccessible(admin, testInfo, "set-password");
  await admin.getByLabel("New password").fill(password);
  await admin.getByLabel("Confirm password").fill(password);
  await admin.getByRole("button", { name: "Set password" }).click();
  await expect(admin).toHaveURL(/\/login\?password=set&email=/);
  await expect(
    admin.getByRole("status").filter({ hasText: "Your password is set. Sign in with it." }),
  ).toBeVisible();
  await expect(admin.getByLabel("Email")).toHaveValue(email);
  await expectAccessible(admin, testInfo, "login");
  await signIn(admin, { email, password });
  // The link worked once: opened again it says so before any form; a link without a token too.
  const reuse = await freshPage(browser, baseURL);
  await reuse.goto(linkText);
  await expect(reuse.locator(".alert-error")).toHaveText(
    "This link was already used, has expired or was replaced. Ask the owner for a new one.",
  );
  await expect(reuse.locator(".alert-error")).toHaveAttribute("role", "alert");
  await expect(reuse.getByLabel("New password")).toHaveCount(0);
  await reuse.goto("/set-password");
  await expect(reuse.locator(".alert-error")).toContainText("This link is incomplete");
  await expect(reuse.getByLabel("New password")).toHaveCount(0);
  await reuse.context().close();

  // 3. The admin requests today's export as CSV and sees it complete, without a download link.
  await admin.goto("/requests");
  await expect(admin.getByRole("heading", { name: "Export requests", level: 1 })).toBeVisible();
  await waitForHydration(admin, 'form[aria-label="Request an export"]');
  await expectAccessible(admin, testInfo, "requests");
  const today = await admin.evaluate(() =>
    new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit" }).format(
      new Date(),
    ),
  );
  await admin.getByLabel("From").fill(today);
  await admin.getByLabel("To", { exact: true }).fill(today);
  await admin.getByLabel("Format").selectOption("csv");
  await admin.getByRole("button", { name: "Request export" }).click();
  await expect(admin.getByRole("status")).toHaveText(/Request accepted/);
  const request = admin.locator("tbody tr[data-job-id]").filter({ hasText: email }).first();
  await expect(request).toHaveAttribute("data-request-status", "Completed", { timeout: 30_000 });
  const jobId = (await request.getAttribute("data-job-id"))!;
  await expect(request).toContainText("Needs the download right");
  await expect(request.getByRole("link", { name: "Download" })).toHaveCount(0);
  const job = (
    await queryDb<{ messagesExported: number | string }>(
      `SELECT "messagesExported" FROM "ExportJob" WHERE "id" = '${jobId}'`,
    )
  )[0]!;
  expect(Number(job.messagesExported)).toBeGreaterThanOrEqual(posts.postRowIds.length);

  // The server refuses the download (403, audited as a failed downloadComplianceReport) and a link.
  let mark = auditMark();
  const refused = await admin.request.get(`/api/v1/exports/${jobId}/download`);
  expect(refused.status()).toBe(403);
  expect(refused.headers()["content-type"]).toMatch(/^application\/json/);
  const refusedAudit = auditSince(mark, { event_name: "downloadComplianceReport", status: "fail" });
  expect(refusedAudit).toHaveLength(1);
  expect(refusedAudit[0]!.error.status_code).toBe(403);
  expect(refusedAudit[0]!.actor.user_id).toBe(adminId);
  expect((await admin.request.post(`/api/v1/exports/${jobId}/links`, { data: {} })).status()).toBe(
    403,
  );

  // 4. The owner grants download; the admin now downloads the zip.
  await setRight(page, email, "Download", true);
  await admin.reload();
  await waitForHydration(admin, 'form[aria-label="Request an export"]');
  const requestRow = admin.locator(`tr[data-job-id="${jobId}"]`);
  await expect(requestRow.getByRole("link", { name: "Download" })).toBeVisible();
  await expect(requestRow).not.toContainText("Needs the download right");
  mark = auditMark();
  const granted = await admin.request.get(`/api/v1/exports/${jobId}/download`);
  expect(granted.status()).toBe(200);
  expect(granted.headers()["content-type"]).toBe("application/zip");
  const zip = writeTemp(work, "request.zip", await granted.body());
  expect(zipEntries(zip).length).toBeGreaterThan(0);
  // The whole export sits under its directory: the batches, then the evidence (manifest, reconciliation).
  const entries = zipEntries(zip);
  const batchEntries = entries.filter((name) => /^[^/]+\/batch\d{3}-\d+-\d+\.zip$/.test(name));
  expect(batchEntries.length).toBeGreaterThan(0);
  for (const name of entries)
    expect(name).toMatch(/^[^/]+\/(batch\d{3}-\d+-\d+\.zip|[a-z-]+\.(json|txt))$/);
  expect(entries).toContain(`${batchEntries[0]!.split("/")[0]}/manifest.json`);
  expect(
    auditSince(mark, { event_name: "downloadComplianceReport", status: "success" }).map(
      (r) => r.actor.user_id,
    ),
  ).toEqual([adminId]);

  // While they hold the right, the admin makes a signed link; it works without a session.
  const linkRes = await admin.request.post(`/api/v1/exports/${jobId}/links`, {
    data: { ttlMinutes: 30 },
  });
  expect(linkRes.status()).toBe(201);
  const signed = ((await linkRes.json()) as { url: string }).url;
  const anonymous = await playwright.request.newContext({ baseURL });
  expect((await anonymous.get(signed)).status()).toBe(200);

  // 5. The owner revokes download: the admin's download and their signed link are refused.
  await setRight(page, email, "Download", false);
  mark = auditMark();
  expect((await admin.request.get(`/api/v1/exports/${jobId}/download`)).status()).toBe(403);
  const linkAfter = await anonymous.get(signed);
  expect(linkAfter.status()).toBe(403);
  expect(linkAfter.headers()["content-type"]).toMatch(/^application\/json/);
  const failures = auditSince(mark, { event_name: "downloadComplianceReport", status: "fail" });
  expect(failures.map((r) => r.error.status_code)).toEqual([403, 403]);
  await admin.reload();
  // Visible rows only: while the reloaded page streams in behind its loading skeleton, React's
  // not-yet-swapped copy of the content can sit in a hidden container for a moment.
  await expect(admin.locator(`tr[data-job-id="${jobId}"]`).filter({ visible: true })).toContainText(
    "Needs the download right",
  );
  await anonymous.dispose();

  // 6. Deactivating the admin ends their session at once.
  await openAdmins(page);
  const deactivateMark = auditMark();
  await page
    .locator(`tr[data-admin="${email}"]`)
    .getByRole("button", { name: "Deactivate" })
    .click();
  await (
    await confirmDialog(page, `Deactivate ${email}?`)
  )
    .getByRole("button", { name: "Deactivate" })
    .click();
  await expect(toast(page, `${email} deactivated; their sessions ended.`)).toBeVisible();
  const deleted = auditSince(deactivateMark, { event_name: "deleteUser", status: "success" });
  expect(deleted).toHaveLength(1);
  expect(deleted[0]!.event.resulting_state).toMatchObject({ disabled: true });
  expect((await admin.request.get("/api/v1/jobs")).status()).toBe(401);
  await admin.goto("/requests");
  await expect(admin).toHaveURL(/\/login\?next=%2Frequests$/);
  // …and they cannot sign in again.
  await waitForHydration(admin);
  await admin.getByLabel("Email").fill(email);
  await admin.getByLabel("Password").fill(password);
  await admin.getByRole("button", { name: "Sign in" }).click();
  await expect(admin.getByRole("alert").filter({ hasText: /incorrect/ })).toBeVisible();
  await expect(admin).toHaveURL(/\/login/);
  await admin.context().close();
});
