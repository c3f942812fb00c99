// Admin API tokens (issue 13 part 3) against the running server: every admin route of the route
// registry (lib/api/routes.ts) × a token of an admin without the right (403, audited), with it
// (through), a right revoked meanwhile (403 at once), a revoked token (401) and an expired one (401).
// The Account page's actions create and revoke the tokens; the first use of a day is audited once.
import { randomBytes } from "node:crypto";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { API_ROUTES } from "../../lib/api/routes.ts";
import { can, type Right } from "../../lib/auth/rights.ts";
import { auditMark, auditSince } from "../fixtures/audit.ts";
import { queryDb } from "../fixtures/db.ts";
import {
  callAction,
  createJob,
  findAction,
  manifestActions,
  waitForJob,
  type ManifestAction,
} from "../fixtures/flows.ts";
import { instance } from "../fixtures/instance.ts";
import { OWNER_STATE } from "../fixtures/owner.ts";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
let actions: ManifestAction[] = [];
let owner: APIRequestContext;
let auditor: { ctx: APIRequestContext; userId: string };
let anonymous: APIRequestContext;
let jobId = "";

const action = (file: string, name: string) => findAction(actions, file, name);
const ACCOUNT = "app/(console)/account/api-token-actions.ts";

async function newToken(
  ctx: APIRequestContext,
  name: string,
  expiresInDays = 30,
): Promise<{ id: string; token: string }> {
  const r = await callAction(ctx, action(ACCOUNT, "createApiTokenAction"), [
    { name, expiresInDays },
  ]);
  expect(r.result, r.text.slice(0, 300)).toMatchObject({ ok: true });
  return r.result!.data as { id: string; token: string };
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function call(method: string, url: string, token: string) {
  const body = method === "get" ? undefined : "{}";
  return anonymous.fetch(url, {
    method: method.toUpperCase(),
    headers: { ...bearer(token), "Content-Type": "application/json" },
    data: body,
  });
}

/** A token's expiry moved into the past, in the database's own DateTime format. */
async function expire(tokenId: string): Promise<void> {
  const { databaseUrl, provider } = instance();
  if (provider === "sqlite") {
    const db = new Database(databaseUrl.slice("file:".length));
    try {
      const { expiresAt } = db
        .prepare(`SELECT "expiresAt" FROM "ApiToken" WHERE "id" = ?`)
        .get(tokenId) as { expiresAt: string | number };
      const past = new Date(Date.now() - 60_000);
      const value =
        typeof expiresAt === "number"
          ? past.getTime()
          : expiresAt.endsWith("Z")
            ? past.toISOString()
            : past.toISOString().replace("Z", "+00:00");
      db.prepare(`UPDATE "ApiToken" SET "expiresAt" = ? WHERE "id" = ?`).run(value, tokenId);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `UPDATE "ApiToken" SET "expiresAt" = now() - interval '1 minute' WHERE "id" = $1`,
      [tokenId],
    );
  } finally {
    await client.end();
  }
}

test.beforeAll(async ({ playwright, baseURL }) => {
  test.setTimeout(120_000);
  actions = manifestActions(ROOT);
  owner = await playwright.request.newContext({ baseURL, storageState: OWNER_STATE });
  anonymous = await playwright.request.newContext({ baseURL });
  const email = `tokens-${randomBytes(3).toString("hex")}@custodian.example`;
  const password = `Token-passphrase-${randomBytes(6).toString("hex")}`;
  const added = await callAction(
    owner,
    action("app/(console)/admins/actions.ts", "addAdminAction"),
    [{ email, rights: ["audit"] }],
  );
  expect(added.result, added.text.slice(0, 300)).toMatchObject({ ok: true });
  const { userId, token } = added.result!.data as { userId: string; token: string };
  const ctx = await playwright.request.newContext({ baseURL });
  expect(
    (
      await callAction(ctx, action("app/(auth)/set-password/actions.ts", "setPasswordAction"), [
        { token, password, confirmPassword: password },
      ])
    ).result,
  ).toMatchObject({ ok: true });
  expect(
    (
      await callAction(ctx, action("app/(auth)/login/actions.ts", "loginAction"), [
        { email, password },
      ])
    ).result,
  ).toMatchObject({ ok: true });
  auditor = { ctx, userId };
  // A file format: the settings may still name Global Relay over SMTP, whose test server is gone by now.
  const job = await createJob(owner, {
    start: 1_700_000_000_000,
    end: 1_700_000_060_000,
    format: "csv",
  });
  await waitForJob(owner, job.id);
  jobId = job.id;
});

test.afterAll(async () => {
  await Promise.all([owner, anonymous, auditor.ctx].map((c) => c.dispose()));
});

test("every admin route: a token without the right gets 403 (audited as the admin, via the token); with it, through", async () => {
  const { id, token } = await newToken(auditor.ctx, "matrix");
  const ownerToken = (await newToken(owner, "owner matrix")).token;
  const admin = { id: auditor.userId, isOwner: false, rights: ["audit"] as Right[] };
  for (const r of API_ROUTES) {
    if (r.access.kind !== "admin") continue;
    const url = r.path.replace("{jobId}", jobId);
    const what = `${r.method.toUpperCase()} ${url}`;
    if (can(admin, r.access.right)) {
      expect.soft((await call(r.method, url, token)).status(), `${what} with the right`).toBe(200);
      continue;
    }
    const mark = auditMark();
    const res = await call(r.method, url, token);
    expect.soft(res.status(), `${what} without the right`).toBe(403);
    const refused = auditSince(mark, { status: "fail" });
    expect
      .soft(
        refused.map((a) => [a.actor.user_id, a.actor.session_id, a.error.status_code]),
        `${what}: one fail record`,
      )
      .toEqual([[auditor.userId, `api-token:${id}`, 403]]);
    if (r.method === "get")
      expect
        .soft([401, 403], `${what} as the owner's token`)
        .not.toContain((await call(r.method, url, ownerToken)).status());
  }
});

test("a right revoked meanwhile takes effect at the token's next call", async () => {
  const { token } = await newToken(auditor.ctx, "revoked right");
  expect((await call("get", "/api/v1/audits", token)).status()).toBe(200);
  const changed = await callAction(
    owner,
    action("app/(console)/admins/actions.ts", "updateRightsAction"),
    [{ userId: auditor.userId, rights: [] }],
  );
  expect(changed.result, changed.text.slice(0, 300)).toMatchObject({ ok: true });
  expect((await call("get", "/api/v1/audits", token)).status()).toBe(403);
  const restored = await callAction(
    owner,
    action("app/(console)/admins/actions.ts", "updateRightsAction"),
    [{ userId: auditor.userId, rights: ["audit"] }],
  );
  expect(restored.result).toMatchObject({ ok: true });
  expect((await call("get", "/api/v1/audits", token)).status()).toBe(200);
});

test("a revoked or expired token gets 401; ingest and API tokens do not stand in for each other", async () => {
  const revoked = await newToken(auditor.ctx, "to revoke");
  expect((await call("get", "/api/v1/audits", revoked.token)).status()).toBe(200);
  const mark = auditMark();
  const r = await callAction(auditor.ctx, action(ACCOUNT, "revokeApiTokenAction"), [
    { tokenId: revoked.id },
  ]);
  expect(r.result).toMatchObject({ ok: true });
  expect(auditSince(mark, { event_name: "revokeApiToken" }).map((a) => a.status)).toEqual([
    "success",
  ]);
  const gone = await call("get", "/api/v1/audits", revoked.token);
  expect(gone.status()).toBe(401);
  expect(gone.headers()["www-authenticate"]).toContain("Bearer");

  const expiring = await newToken(auditor.ctx, "to expire", 1);
  expect((await call("get", "/api/v1/audits", expiring.token)).status()).toBe(200);
  await expire(expiring.id);
  expect((await call("get", "/api/v1/audits", expiring.token)).status()).toBe(401);

  const stored = await queryDb<{ tokenHash: string }>(
    `SELECT "tokenHash" FROM "ApiToken" WHERE "id" = '${expiring.id}'`,
  );
  expect(stored[0]!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
  expect(stored[0]!.tokenHash).not.toContain(expiring.token);

  const apiToken = (await newToken(auditor.ctx, "not for ingest")).token;
  const ingest = await anonymous.post("/api/v1/ingest", {
    headers: { ...bearer(apiToken), "Content-Type": "application/json" },
    data: "[]",
  });
  expect(ingest.status()).toBe(401);
  expect((await call("get", "/api/v1/audits", `cus_${apiToken.slice(4)}`)).status()).toBe(401);
});

test("creation, revocation and the first use of a day are audited; later uses that day are not audited as uses", async () => {
  const mark = auditMark();
  const { id, token } = await newToken(auditor.ctx, "audited");
  for (let i = 0; i < 3; i++)
    expect((await call("get", "/api/v1/audits", token)).status()).toBe(200);
  expect(
    auditSince(mark, { event_name: "createApiToken" }).map((a) => [
      a.status,
      a.event.resulting_state.token_id,
    ]),
  ).toEqual([["success", id]]);
  const uses = auditSince(mark, { event_name: "useApiToken" });
  expect(uses.map((a) => [a.actor.user_id, a.event.parameters.token_id])).toEqual([
    [auditor.userId, id],
  ]);
  expect(JSON.stringify(auditSince(mark))).not.toContain(token);
});
