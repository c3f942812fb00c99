// Issue 11, the HTTP-visible items: a per-response CSP nonce instead of 'unsafe-inline' (11), a
// malformed session cookie is no session rather than a 500 (15), requests for a foreign Host are
// refused and cross-site server actions are refused *and audited* (16), and "Test connection" is
// rate-limited per admin and audited with its target (17).
import { randomBytes } from "node:crypto";
import http from "node:http";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { auditMark, auditSince } from "../fixtures/audit.ts";
import { queryDb } from "../fixtures/db.ts";
import { callAction, findAction, manifestActions, type ManifestAction } from "../fixtures/flows.ts";
import { OWNER_STATE, SESSION_COOKIE } from "../fixtures/owner.ts";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
let actions: ManifestAction[] = [];
let owner: APIRequestContext;
let anonymous: APIRequestContext;
let baseURL = "";

test.beforeAll(async ({ playwright }, testInfo) => {
  baseURL = testInfo.project.use.baseURL!;
  actions = manifestActions(ROOT);
  owner = await playwright.request.newContext({ baseURL, storageState: OWNER_STATE });
  anonymous = await playwright.request.newContext({ baseURL });
});
test.afterAll(async () => {
  await owner.dispose();
  await anonymous.dispose();
});

/** A raw request with headers Playwright would not let us forge (Host). */
function raw(options: {
  path: string;
  headers: Record<string, string>;
  method?: string;
  body?: string;
}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const url = new URL(baseURL);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: options.path,
        method: options.method ?? "GET",
        headers: options.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

test("item 11: every page carries a fresh script nonce, no 'unsafe-inline' scripts, every script tag has the nonce; no HSTS over plain HTTP", async () => {
  const nonces: string[] = [];
  for (const url of ["/login", "/login", "/compliance-export"]) {
    const res = await (url === "/login" ? anonymous : owner).get(url);
    expect(res.status(), url).toBe(200);
    const csp = res.headers()["content-security-policy"] ?? "";
    const scriptSrc =
      csp
        .split(";")
        .map((d) => d.trim())
        .find((d) => d.startsWith("script-src ")) ?? "";
    expect(scriptSrc, url).not.toContain("'unsafe-inline'");
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(scriptSrc)?.[1];
    expect(nonce, `${url}: ${csp}`).toBeTruthy();
    nonces.push(nonce!);
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length, url).toBeGreaterThan(0);
    expect(
      scripts.filter((s) => !s.includes(`nonce="${nonce}"`)),
      `${url}: script tags without this response's nonce`,
    ).toEqual([]);
    expect(res.headers()["strict-transport-security"], "plain HTTP: no HSTS").toBeUndefined();
  }
  expect(new Set(nonces).size, "a new nonce per response").toBe(nonces.length);
});

test("item 15: a malformed session cookie is no session: 401 from route handlers, the sign-in page for pages", async ({
  playwright,
}) => {
  for (const value of ["%E0%A4%A", "%", "%zz"]) {
    const ctx = await playwright.request.newContext({
      baseURL,
      extraHTTPHeaders: { Cookie: `${SESSION_COOKIE}=${value}` },
    });
    for (const url of ["/api/v1/jobs", "/api/v1/audits", "/api/v1/config/export"]) {
      const res = await ctx.get(url);
      expect(res.status(), `${url} with cookie ${value}`).toBe(401);
    }
    const page = await ctx.get("/compliance-export", { maxRedirects: 0 });
    expect([302, 303, 307, 308], `page with cookie ${value}`).toContain(page.status());
    await ctx.dispose();
  }
});

test("item 16: a foreign Host is refused (DNS rebinding); loopback names work", async () => {
  const port = new URL(baseURL).port;
  for (const host of [
    `evil.example:${port}`,
    "rebind.attacker.example",
    `localhost.evil.example:${port}`,
  ]) {
    const res = await raw({ path: "/setup", headers: { Host: host } });
    expect(res.status, host).toBe(421);
  }
  for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
    const res = await raw({ path: "/api/health", headers: { Host: host } });
    expect(res.status, host).toBe(200);
  }
});

test("item 16: a cross-site server action is refused, audited as fail with the session it rode on, and does nothing", async () => {
  const ownerId = (
    await queryDb<{ id: string }>(`SELECT "id" FROM "AdminUser" WHERE "ownerSlot" = 'owner'`)
  )[0]!.id;
  const cookie = (await owner.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  const action = findAction(
    actions,
    "app/(console)/ingest-tokens/actions.ts",
    "createIngestTokenAction",
  );
  const name = `csrf-${randomBytes(3).toString("hex")}`;
  const tokensBefore = await queryDb<{ n: number | string }>(
    `SELECT COUNT(*) AS "n" FROM "IngestToken"`,
  );
  const mark = auditMark();
  const port = new URL(baseURL).port;
  const res = await raw({
    path: action.pagePath,
    method: "POST",
    headers: {
      Host: `127.0.0.1:${port}`,
      Origin: "http://evil.example",
      "Sec-Fetch-Site": "cross-site",
      Cookie: cookie,
      "Next-Action": action.id,
      "Content-Type": "text/plain;charset=UTF-8",
      Accept: "text/x-component",
    },
    body: JSON.stringify([{ name }]),
  });
  expect(res.status).toBe(403);
  await expect.poll(() => auditSince(mark, { event_name: "crossSiteRequest" }).length).toBe(1);
  const [rec] = auditSince(mark, { event_name: "crossSiteRequest" });
  expect([rec!.status, rec!.error.status_code, rec!.actor.user_id]).toEqual(["fail", 403, ownerId]);
  expect(rec!.event.parameters).toMatchObject({
    action_id: action.id,
    origin: "http://evil.example",
  });
  expect(
    await queryDb<{ n: number | string }>(`SELECT COUNT(*) AS "n" FROM "IngestToken"`),
  ).toEqual(tokensBefore);
  expect(auditSince(mark, { event_name: "createIngestToken" })).toEqual([]);
});

test("item 17: Test connection is limited per admin and every attempt is audited with its target", async ({
  playwright,
}) => {
  // A configure admin of its own, so the owner's allowance is left to the other specs.
  const email = `probe-${randomBytes(3).toString("hex")}@custodian.example`;
  const password = `Probe-passphrase-${randomBytes(4).toString("hex")}`;
  const added = await callAction(
    owner,
    findAction(actions, "app/(console)/admins/actions.ts", "addAdminAction"),
    [{ email, rights: ["configure"] }],
  );
  const admin = await playwright.request.newContext({ baseURL });
  await callAction(
    admin,
    findAction(actions, "app/(auth)/set-password/actions.ts", "setPasswordAction"),
    [
      {
        token: (added.result!.data as { token: string }).token,
        password,
        confirmPassword: password,
      },
    ],
  );
  expect(
    (
      await callAction(admin, findAction(actions, "app/(auth)/login/actions.ts", "loginAction"), [
        { email, password },
      ])
    ).result,
  ).toMatchObject({ ok: true });

  // An internal port nothing listens on: the kind of target a probe would try.
  const save = await callAction(
    admin,
    findAction(actions, "app/(console)/compliance-export/actions.ts", "saveExportSettingsAction"),
    [
      {
        EnableExport: false,
        DailyRunTime: "01:00",
        TimeZone: "UTC",
        ExportFormat: "actiance",
        BatchSize: 10000,
        ExportAttachments: true,
        GlobalRelaySettings: {
          CustomerType: "CUSTOM",
          SMTPUsername: "",
          SMTPPassword: "",
          EmailAddress: "archive@archive.example",
          CustomSMTPServerName: "127.0.0.1",
          CustomSMTPPort: 9,
          SMTPServerTimeout: 5,
          AllowPlainSMTP: false,
        },
      },
    ],
  );
  expect(save.result).toMatchObject({ ok: true });
  const test = findAction(
    actions,
    "app/(console)/compliance-export/actions.ts",
    "testGlobalRelayConnectionAction",
  );
  const mark = auditMark();
  const statuses: unknown[] = [];
  for (let i = 0; i < 6; i++) statuses.push((await callAction(admin, test, [{}])).result?.ok);
  expect(statuses).toEqual([true, true, true, true, true, false]);
  const records = auditSince(mark, { event_name: "testSmtpConnection" });
  expect(records.map((r) => [r.status, r.event.parameters.host, r.event.parameters.port])).toEqual([
    ...Array(5).fill(["success", "127.0.0.1", 9]),
    ["fail", "127.0.0.1", 9],
  ]);
  expect(records[5]!.error.status_code).toBe(429);
  await admin.dispose();
});
