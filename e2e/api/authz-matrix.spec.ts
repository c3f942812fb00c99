// Issue 5's authorization matrix (project "api"): every route handler (app/**/route.ts, each
// exported HTTP method) and every server action of the running build
// (.next/server/server-reference-manifest.json) × (no session, an admin without the right, an admin
// with it, the owner). No session ⇒ 401 and nothing written (no audit record, no database change);
// without the right ⇒ 403 and a `fail` audit record with status code 403; with it ⇒ neither. The
// tables below say what each one requires: a route or action that exists and is not in them, or an
// entry that no longer exists, fails the test.
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  expect,
  test,
  type APIRequest,
  type APIRequestContext,
  type APIResponse,
} from "@playwright/test";
import { auditLines, auditMark, auditSince, type AuditLine } from "../fixtures/audit.ts";
import { queryDb } from "../fixtures/db.ts";
import {
  callAction,
  createJob,
  findAction,
  manifestActions,
  waitForJob,
  type ManifestAction,
} from "../fixtures/flows.ts";
import { OWNER_STATE } from "../fixtures/owner.ts";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const RIGHTS = ["configure", "request", "download", "audit", "manage_admins"] as const;
type Right = (typeof RIGHTS)[number];
/** What a session-signed route or action needs (lib/auth/rights.ts's Requirement). */
type Requirement = Right | readonly Right[] | { all: readonly Right[] } | "signed-in" | "owner";

type RouteRule =
  | { access: "public"; expect: number }
  /** The ingest API: a bearer token, never a session. */
  | { access: "token"; body: () => { data: string | Buffer; contentType: string } }
  | { access: "session"; right: Requirement; event: string; body?: unknown };

// ---- the route table: folder under app/ → method → rule ---------------------------------------
const ROUTES: Record<string, Record<string, RouteRule>> = {
  // Unknown API paths: a JSON 404 for everyone (e2e/console-pages.spec.ts checks the body).
  "api/[...path]": Object.fromEntries(
    ["GET", "POST", "PUT", "PATCH", "DELETE"].map((m) => [m, { access: "public", expect: 404 }]),
  ),
  "api/health": { GET: { access: "public", expect: 200 } },
  // Only CUSTODIAN_METRICS_TOKEN (or an API token) opens it; a session does not (e2e/api/metrics.spec.ts).
  "api/metrics": { GET: { access: "public", expect: 401 } },
  "api/v1/openapi.json": { GET: { access: "public", expect: 200 } },
  "api/v1/audits": { GET: { access: "session", right: "audit", event: "getAudits" } },
  "api/v1/config/export": {
    GET: { access: "session", right: "configure", event: "getConfig" },
    // An unknown key: refused with 400 by whoever may patch, so the matrix changes no setting.
    PATCH: {
      access: "session",
      right: "configure",
      event: "patchConfig",
      body: { matrixProbe: 1 },
    },
  },
  "api/v1/exports/[jobId]/download": {
    GET: { access: "session", right: "download", event: "downloadComplianceReport" },
  },
  "api/v1/exports/[jobId]/links": {
    POST: {
      access: "session",
      right: "download",
      event: "generatePresignURLExport",
      body: { ttlMinutes: 1 },
    },
  },
  "api/v1/ingest": {
    POST: { access: "token", body: () => ({ data: "[]", contentType: "application/json" }) },
  },
  "api/v1/ingest/files/[fileId]": {
    POST: {
      access: "token",
      body: () => ({ data: Buffer.from("matrix bytes"), contentType: "application/octet-stream" }),
    },
  },
  "api/v1/jobs": {
    GET: {
      access: "session",
      right: ["request", "download", "configure"],
      event: "getComplianceReports",
    },
    // Not a valid job request (strict schema): 400 for whoever may create jobs.
    POST: { access: "session", right: "request", event: "createJob", body: { matrixProbe: 1 } },
  },
  "api/v1/jobs/[jobId]": {
    GET: {
      access: "session",
      right: ["request", "download", "configure"],
      event: "getComplianceReport",
    },
  },
  // The job has finished: 409 for whoever may cancel.
  "api/v1/jobs/[jobId]/cancel": {
    POST: { access: "session", right: "request", event: "cancelJob" },
  },
  // Legal hold needs both rights; without a reason the hold is refused (400), the release of a job not held changes nothing.
  "api/v1/jobs/[jobId]/hold": {
    POST: {
      access: "session",
      right: { all: ["download", "configure"] },
      event: "holdExport",
      body: { matrixProbe: 1 },
    },
  },
  // The job has no refused deliveries: 409 for whoever may run exports.
  "api/v1/jobs/[jobId]/retry-deliveries": {
    POST: { access: "session", right: "request", event: "retryDeliveries" },
  },
  "api/v1/jobs/[jobId]/release": {
    POST: { access: "session", right: { all: ["download", "configure"] }, event: "releaseExport" },
  },
  "api/v1/targets": {
    GET: { access: "session", right: "configure", event: "getConfig" },
    // Not a target (no kind): 400.
    POST: {
      access: "session",
      right: "configure",
      event: "createTarget",
      body: { matrixProbe: 1 },
    },
  },
  // No target "matrix-dummy": 404 for whoever may change targets.
  "api/v1/targets/[targetId]": {
    PATCH: {
      access: "session",
      right: "configure",
      event: "patchTarget",
      body: { name: "matrix" },
    },
    DELETE: { access: "session", right: "configure", event: "deleteTarget" },
  },
  "api/v1/targets/[targetId]/test": {
    POST: { access: "session", right: "configure", event: "testTargetConnection" },
  },
  "api/v1/policies": {
    GET: { access: "session", right: ["request", "download", "configure"], event: "getConfig" },
    // Not a policy (no name, format or target): 400.
    POST: {
      access: "session",
      right: "configure",
      event: "createPolicy",
      body: { matrixProbe: 1 },
    },
  },
  // Not a filter: 400.
  "api/v1/policies/preview": {
    POST: {
      access: "session",
      right: "configure",
      event: "getConfig",
      body: { filter: { by: "nobody" } },
    },
  },
  // No policy "matrix-dummy": 404 for whoever may read or change policies.
  "api/v1/policies/[policyId]": {
    GET: { access: "session", right: ["request", "download", "configure"], event: "getConfig" },
    PATCH: {
      access: "session",
      right: "configure",
      event: "patchPolicy",
      body: { name: "matrix" },
    },
    DELETE: { access: "session", right: "configure", event: "deletePolicy" },
  },
  "api/v1/policies/[policyId]/run": {
    POST: { access: "session", right: "request", event: "runPolicy" },
  },
};

type ActionRule =
  /** Reachable without a session (sign-in, set-up, set-password); `[{}]` is refused as invalid input. */
  | { access: "public" }
  /** Sign-out: ends the caller's own session. */
  | { access: "logout" }
  | { access: "session"; right: Requirement; event: string };

// ---- the action table: "<file>#<export>" → rule ----------------------------------------------
const ACTIONS: Record<string, ActionRule> = {
  "app/(auth)/login/actions.ts#loginAction": { access: "public" },
  "app/(auth)/login/actions.ts#logoutAction": { access: "logout" },
  "app/(auth)/set-password/actions.ts#setPasswordAction": { access: "public" },
  "app/(auth)/setup/actions.ts#createOwnerAction": { access: "public" },
  "app/(console)/account/actions.ts#changePasswordAction": {
    access: "session",
    right: "signed-in",
    event: "updatePassword",
  },
  "app/(console)/account/api-token-actions.ts#createApiTokenAction": {
    access: "session",
    right: "signed-in",
    event: "createApiToken",
  },
  "app/(console)/account/api-token-actions.ts#revokeApiTokenAction": {
    access: "session",
    right: "signed-in",
    event: "revokeApiToken",
  },
  "app/(console)/admins/actions.ts#addAdminAction": {
    access: "session",
    right: "manage_admins",
    event: "createUser",
  },
  "app/(console)/admins/actions.ts#updateRightsAction": {
    access: "session",
    right: "manage_admins",
    event: "updateUserRoles",
  },
  "app/(console)/admins/actions.ts#deactivateAdminAction": {
    access: "session",
    right: "manage_admins",
    event: "deleteUser",
  },
  "app/(console)/admins/actions.ts#removeAdminAction": {
    access: "session",
    right: "manage_admins",
    event: "deleteUser",
  },
  "app/(console)/admins/actions.ts#reactivateAdminAction": {
    access: "session",
    right: "manage_admins",
    event: "updateUserRoles",
  },
  "app/(console)/admins/actions.ts#endSessionsAction": {
    access: "session",
    right: "manage_admins",
    event: "revokeSession",
  },
  "app/(console)/admins/actions.ts#reissuePasswordLinkAction": {
    access: "session",
    right: "manage_admins",
    event: "updatePassword",
  },
  "app/(console)/compliance-export/actions.ts#saveExportSettingsAction": {
    access: "session",
    right: "configure",
    event: "patchConfig",
  },
  "app/(console)/compliance-export/actions.ts#runExportNowAction": {
    access: "session",
    right: "request",
    event: "createJob",
  },
  "app/(console)/compliance-export/actions.ts#cancelJobAction": {
    access: "session",
    right: "request",
    event: "cancelJob",
  },
  "app/(console)/compliance-export/actions.ts#runExportFromAction": {
    access: "session",
    right: "request",
    event: "createJob",
  },
  "app/(console)/jobs/actions.ts#cancelJobFromDetailAction": {
    access: "session",
    right: "request",
    event: "cancelJob",
  },
  "app/(console)/jobs/actions.ts#retryJobAction": {
    access: "session",
    right: "request",
    event: "createJob",
  },
  "app/(console)/jobs/actions.ts#retryDeliveriesAction": {
    access: "session",
    right: "request",
    event: "retryDeliveries",
  },
  "app/(console)/jobs/actions.ts#verifyJobAction": {
    access: "session",
    right: ["request", "download", "configure"],
    event: "getComplianceReport",
  },
  "app/(console)/compliance-export/actions.ts#testGlobalRelayConnectionAction": {
    access: "session",
    right: "configure",
    event: "testSmtpConnection",
  },
  "app/(console)/ingest-tokens/actions.ts#createIngestTokenAction": {
    access: "session",
    right: "configure",
    event: "createIngestToken",
  },
  "app/(console)/ingest-tokens/actions.ts#revokeIngestTokenAction": {
    access: "session",
    right: "configure",
    event: "revokeIngestToken",
  },
  "app/(console)/notifications/actions.ts#saveNotificationSettingsAction": {
    access: "session",
    right: "configure",
    event: "patchConfig",
  },
  "app/(console)/notifications/actions.ts#sendTestEmailAction": {
    access: "session",
    right: "configure",
    event: "testSmtpConnection",
  },
  // Only the owner vouches for a notification server an admin changed (issue 11 item 3).
  "app/(console)/notifications/actions.ts#confirmNotificationServerAction": {
    access: "session",
    right: "owner",
    event: "patchConfig",
  },
  "app/(console)/requests/actions.ts#requestExportAction": {
    access: "session",
    right: "request",
    event: "createJob",
  },
  "app/(console)/targets/actions.ts#saveTargetAction": {
    access: "session",
    right: "configure",
    event: "patchTarget",
  },
  "app/(console)/targets/actions.ts#removeTargetAction": {
    access: "session",
    right: "configure",
    event: "deleteTarget",
  },
  "app/(console)/targets/actions.ts#testTargetAction": {
    access: "session",
    right: "configure",
    event: "testTargetConnection",
  },
  "app/(console)/policies/actions.ts#createPolicyAction": {
    access: "session",
    right: "configure",
    event: "createPolicy",
  },
  "app/(console)/policies/actions.ts#patchPolicyAction": {
    access: "session",
    right: "configure",
    event: "patchPolicy",
  },
  "app/(console)/policies/actions.ts#deletePolicyAction": {
    access: "session",
    right: "configure",
    event: "deletePolicy",
  },
  "app/(console)/policies/actions.ts#runPolicyAction": {
    access: "session",
    right: "request",
    event: "runPolicy",
  },
  "app/(console)/jobs/actions.ts#holdJobAction": {
    access: "session",
    right: { all: ["download", "configure"] },
    event: "holdExport",
  },
  "app/(console)/jobs/actions.ts#releaseJobAction": {
    access: "session",
    right: { all: ["download", "configure"] },
    event: "releaseExport",
  },
};

type PageRule =
  /** Served without a session; `expect` is the status then. */
  | { access: "public"; expect: number }
  /** Behind requirePageSession; without the right the page is a 403 naming the right. */
  | { access: "session"; right: Requirement };

// ---- the page table: folder under app/ → rule (issue 5: pages enforce rights on the server too) --
const PAGES: Record<string, PageRule> = {
  "(auth)/login": { access: "public", expect: 200 },
  "(auth)/set-password": { access: "public", expect: 200 },
  // Set-up is over once the owner exists.
  "(auth)/setup": { access: "public", expect: 404 },
  "(console)/(overview)": { access: "session", right: "signed-in" },
  "(console)/account": { access: "session", right: "signed-in" },
  "(console)/admins": { access: "session", right: "manage_admins" },
  "(console)/audit-log": { access: "session", right: "audit" },
  // Every admin may read the settings there; the form is read-only without configure.
  "(console)/compliance-export": { access: "session", right: "signed-in" },
  // Attested vs received per channel-day: for those who review (audit) and those who ask for exports (request).
  "(console)/completeness": { access: "session", right: ["audit", "request"] },
  "(console)/ingest-tokens": { access: "session", right: "configure" },
  "(console)/jobs": { access: "session", right: ["request", "download", "configure"] },
  "(console)/jobs/[id]": { access: "session", right: ["request", "download", "configure"] },
  "(console)/notifications": { access: "session", right: "configure" },
  // Everyone with an export right sees the policies; the configure right edits them.
  "(console)/policies": { access: "session", right: ["request", "download", "configure"] },
  "(console)/requests": { access: "session", right: ["request", "download"] },
  "(console)/targets": { access: "session", right: "configure" },
};

/** Arguments a permitted caller sends: refused by every action's schema (400), so nothing is done. */
const PROBE_ARGS = [{ matrixProbe: true }];
/** What the refused callers send, as the brief's `[{}]`. */
const EMPTY_ARGS = [{}];

// ---- discovery ----------------------------------------------------------------------------------

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

const METHOD_EXPORT =
  /export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/g;

/**
 * Every app/**\/route.ts as "<folder under app>" → its exported HTTP methods. Private folders
 * (`_name`, such as app/_server with the route wrappers) are not routes in Next's App Router.
 */
function discoverRoutes(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of walk(path.join(ROOT, "app")).filter((f) => path.basename(f) === "route.ts")) {
    const folder = path
      .relative(path.join(ROOT, "app"), path.dirname(file))
      .split(path.sep)
      .join("/");
    if (folder.split("/").some((s) => s.startsWith("_"))) continue;
    out.set(
      folder,
      [...readFileSync(file, "utf8").matchAll(METHOD_EXPORT)].map((m) => m[1]!).sort(),
    );
  }
  return out;
}

/** Every app/**\/page.tsx as "<folder under app>" (private `_` folders are not routes). */
function discoverPages(): string[] {
  return walk(path.join(ROOT, "app"))
    .filter((f) => /^page\.(tsx|ts|jsx|js)$/.test(path.basename(f)))
    .map((f) => path.relative(path.join(ROOT, "app"), path.dirname(f)).split(path.sep).join("/"))
    .filter((folder) => !folder.split("/").some((s) => s.startsWith("_")))
    .sort();
}

/** Every export of every "use server" file under app/ as "<file>#<name>". */
function discoverActionExports(): string[] {
  const out: string[] = [];
  for (const file of walk(path.join(ROOT, "app")).filter((f) => /\.tsx?$/.test(f))) {
    const text = readFileSync(file, "utf8");
    if (!/^\s*["']use server["'];?/.test(text)) continue;
    const rel = path.relative(ROOT, file).split(path.sep).join("/");
    for (const m of text.matchAll(
      /export\s+(?:const|async\s+function|function)\s+([A-Za-z0-9_$]+)/g,
    ))
      out.push(`${rel}#${m[1]}`);
  }
  return out.sort();
}

/** "app/api/v1/jobs/[jobId]/cancel" → "/api/v1/jobs/<id>/cancel" (route groups dropped). */
function urlOf(folder: string, params: Record<string, string>): string {
  return (
    "/" +
    folder
      .split("/")
      .filter((s) => !/^\(.*\)$/.test(s))
      .map((s) => {
        const m = /^\[(.+)\]$/.exec(s);
        return m ? encodeURIComponent(params[m[1]!] ?? "matrix-dummy") : s;
      })
      .join("/")
  );
}

// ---- principals ---------------------------------------------------------------------------------

type Principal = {
  label: string;
  ctx: APIRequestContext;
  userId: string;
  rights: readonly Right[] | "owner";
  email: string;
  password: string;
};

const rightsOf = (req: Requirement): readonly Right[] =>
  req === "signed-in" || req === "owner"
    ? []
    : typeof req === "string"
      ? [req as Right]
      : "all" in req
        ? req.all
        : req;
const keyOf = (rights: readonly Right[]) => [...rights].sort().join("+") || "none";

/** Admins for a requirement: each holder of one of its rights, and who holds none of them. */
function principalsFor(req: Requirement): { with: Right[][]; without: Right[][] } {
  if (req === "signed-in") return { with: [[]], without: [] };
  // Owner-only: no grant of rights is enough, all of them included.
  if (req === "owner") return { with: [], without: [[...RIGHTS], []] };
  const needed = rightsOf(req);
  // All of several: only an admin holding every one passes; holding all but one is refused.
  if (typeof req === "object" && "all" in req)
    return {
      with: [[...needed]],
      without: [...needed.map((r) => RIGHTS.filter((x) => x !== r)), []],
    };
  return { with: needed.map((r) => [r]), without: [RIGHTS.filter((r) => !needed.includes(r)), []] };
}

/** Everything a refused, session-less call must leave as it was. */
async function dbSnapshot(): Promise<string> {
  const counts = await queryDb<{ k: string; n: number | string }>(
    [
      `SELECT 'admins' AS "k", COUNT(*) AS "n" FROM "AdminUser"`,
      `SELECT 'rights', COUNT(*) FROM "AdminRight"`,
      `SELECT 'live sessions', COUNT(*) FROM "Session" WHERE "revokedAt" IS NULL`,
      `SELECT 'live tokens', COUNT(*) FROM "IngestToken" WHERE "revokedAt" IS NULL`,
      `SELECT 'jobs', COUNT(*) FROM "ExportJob"`,
      `SELECT 'canceled jobs', COUNT(*) FROM "ExportJob" WHERE "status" IN ('canceled', 'cancel_requested')`,
      `SELECT 'audit records', COUNT(*) FROM "AuditRecord"`,
      `SELECT 'posts', COUNT(*) FROM "Post"`,
      `SELECT 'files', COUNT(*) FROM "FileInfo"`,
      `SELECT 'settings', COUNT(*) FROM "Setting"`,
    ].join(" UNION ALL "),
  );
  const settings = await queryDb<{ key: string; value: string }>(
    `SELECT "key", "value" FROM "Setting" ORDER BY "key"`,
  );
  const admins = await queryDb<{ id: string; t: string | null; d: unknown; h: string }>(
    `SELECT "id", "passwordTokenHash" AS "t", "disabledAt" AS "d", "passwordHash" AS "h" FROM "AdminUser" ORDER BY "id"`,
  );
  return JSON.stringify({
    counts: Object.fromEntries(counts.map((r) => [r.k, Number(r.n)])),
    settings,
    admins: admins.map((a) => [a.id, a.t, a.d === null ? null : String(a.d), a.h]),
  });
}

/** Audit records a step wrote, less the worker's own job bookkeeping. */
const requestAudits = (mark: number): AuditLine[] =>
  auditSince(mark).filter((r) => r.event_name !== "updateJobStatus");

const isRefusalBody = (text: string) => {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    return Object.keys(body).every((k) => k === "error") && typeof body.error === "string";
  } catch {
    return false;
  }
};

// ---- the shared state ---------------------------------------------------------------------------

let baseURL = "";
let owner: Principal;
let anonymous: APIRequestContext;
const admins = new Map<string, Principal>();
let actions: ManifestAction[] = [];
let ingestToken = "";
let finishedJobId = "";
const contexts: APIRequestContext[] = [];

async function newAdmin(rights: readonly Right[], apiRequest: APIRequest): Promise<Principal> {
  const email = `matrix-${keyOf(rights).replace(/\+/g, "-")}-${randomBytes(3).toString("hex")}@custodian.example`;
  const password = `Matrix-passphrase-${randomBytes(4).toString("hex")}`;
  const added = await callAction(
    owner.ctx,
    findAction(actions, "app/(console)/admins/actions.ts", "addAdminAction"),
    [{ email, rights: [...rights] }],
  );
  expect(added.result, `add ${email}: ${added.text.slice(0, 300)}`).toMatchObject({ ok: true });
  const { userId, token } = added.result!.data as { userId: string; token: string };
  const ctx = await apiRequest.newContext({ baseURL });
  contexts.push(ctx);
  const set = await callAction(
    ctx,
    findAction(actions, "app/(auth)/set-password/actions.ts", "setPasswordAction"),
    [{ token, password, confirmPassword: password }],
  );
  expect(set.result, `set password of ${email}`).toMatchObject({ ok: true });
  const login = await callAction(
    ctx,
    findAction(actions, "app/(auth)/login/actions.ts", "loginAction"),
    [{ email, password }],
  );
  expect(login.result, `sign in ${email}`).toMatchObject({ ok: true });
  expect((await ctx.get("/api/v1/audits?limit=1")).status(), `${email} is signed in`).not.toBe(401);
  return { label: `admin[${keyOf(rights)}]`, ctx, userId, rights, email, password };
}

test.beforeAll(async ({ playwright }, testInfo) => {
  testInfo.setTimeout(120_000);
  baseURL = testInfo.project.use.baseURL!;
  actions = manifestActions(ROOT);
  anonymous = await playwright.request.newContext({ baseURL });
  const ownerCtx = await playwright.request.newContext({ baseURL, storageState: OWNER_STATE });
  contexts.push(anonymous, ownerCtx);
  const ownerId = (
    await queryDb<{ id: string }>(`SELECT "id" FROM "AdminUser" WHERE "ownerSlot" = 'owner'`)
  )[0]!.id;
  owner = {
    label: "owner",
    ctx: ownerCtx,
    userId: ownerId,
    rights: "owner",
    email: "",
    password: "",
  };
  expect(
    (await ownerCtx.get("/api/v1/jobs?poll=1")).status(),
    "the owner's saved session works",
  ).toBe(200);

  // An ingest token, two posts, and a finished export of them: the real job id for [jobId].
  const created = await callAction(
    ownerCtx,
    findAction(actions, "app/(console)/ingest-tokens/actions.ts", "createIngestTokenAction"),
    [{ name: `matrix-${randomBytes(3).toString("hex")}` }],
  );
  expect(created.result).toMatchObject({ ok: true });
  ingestToken = (created.result!.data as { token: string }).token;
  const t = Date.now() - 120_000;
  const records = [
    { type: "team", team: { id: "matrix-team", name: "matrix-team" } },
    { type: "user", user: { id: "matrix-user", username: "matrix", email: "matrix@chat.example" } },
    {
      type: "channel",
      channel: { id: "matrix-channel", team_id: "matrix-team", type: "O", name: "matrix" },
    },
    {
      type: "post",
      post: {
        id: `matrix-post-1-${t}`,
        channel_id: "matrix-channel",
        user_id: "matrix-user",
        create_at: t,
        message: "matrix one",
      },
    },
    {
      type: "post",
      post: {
        id: `matrix-post-2-${t}`,
        channel_id: "matrix-channel",
        user_id: "matrix-user",
        create_at: t + 1,
        message: "matrix two",
      },
    },
  ];
  const ingested = await anonymous.post("/api/v1/ingest", {
    headers: { Authorization: `Bearer ${ingestToken}`, "Content-Type": "application/json" },
    data: JSON.stringify(records),
  });
  expect(ingested.status()).toBe(200);
  const job = await createJob(ownerCtx, { start: t - 1, end: t + 2, format: "csv" });
  const done = await waitForJob(ownerCtx, job.id);
  expect(done.status).toBe("success");
  expect(done.downloadable).toBe(true);
  finishedJobId = job.id;

  // The admins the tables call for.
  const needed = new Map<string, Right[]>();
  const requirements = [
    ...Object.values(ROUTES).flatMap((m) => Object.values(m)),
    ...Object.values(ACTIONS),
    ...Object.values(PAGES),
  ].flatMap((r) => (r.access === "session" ? [r.right] : []));
  for (const req of requirements) {
    const p = principalsFor(req);
    for (const rights of [...p.with, ...p.without]) needed.set(keyOf(rights), rights);
  }
  for (const [key, rights] of needed) admins.set(key, await newAdmin(rights, playwright.request));
});

test.afterAll(async () => {
  for (const ctx of contexts) await ctx.dispose();
});

test("every route handler and server action is in the matrix, and every entry still exists", () => {
  const routes = discoverRoutes();
  const found = [...routes]
    .flatMap(([folder, methods]) => methods.map((m) => `${m} ${folder}`))
    .sort();
  const listed = Object.entries(ROUTES)
    .flatMap(([folder, methods]) => Object.keys(methods).map((m) => `${m} ${folder}`))
    .sort();
  expect(
    found.filter((r) => !listed.includes(r)),
    "route handlers the matrix does not classify",
  ).toEqual([]);
  expect(
    listed.filter((r) => !found.includes(r)),
    "matrix routes that no longer exist",
  ).toEqual([]);
  for (const [folder, methods] of routes)
    expect(methods.length, `${folder}/route.ts exports an HTTP method`).toBeGreaterThan(0);

  const pages = discoverPages();
  expect(
    pages.filter((p) => !(p in PAGES)),
    "pages the matrix does not classify",
  ).toEqual([]);
  expect(
    Object.keys(PAGES).filter((p) => !pages.includes(p)),
    "matrix pages that no longer exist",
  ).toEqual([]);

  const inManifest = actions.map((a) => `${a.file}#${a.exportedName}`);
  expect(
    actions.filter((a) => !a.file || !a.exportedName).map((a) => a.id),
    "manifest actions without a file and export name",
  ).toEqual([]);
  expect(
    inManifest.filter((a) => !(a in ACTIONS)),
    "server actions of the build the matrix does not classify",
  ).toEqual([]);
  expect(
    discoverActionExports().filter((a) => !(a in ACTIONS)),
    'exports of "use server" files the matrix does not classify',
  ).toEqual([]);
  expect(
    Object.keys(ACTIONS).filter((a) => !inManifest.includes(a)),
    "matrix actions not in the build",
  ).toEqual([]);
});

/** How many (endpoint × caller) cells were checked, for the report. */
const checked = { routes: 0, actions: 0 };

async function send(
  ctx: APIRequestContext,
  method: string,
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<APIResponse> {
  const withBody = method !== "GET" && method !== "HEAD";
  checked.routes++;
  return ctx.fetch(url, {
    method,
    headers: {
      ...(withBody && !headers["Content-Type"] ? { "Content-Type": "application/json" } : {}),
      ...headers,
    },
    ...(withBody
      ? {
          data:
            body === undefined
              ? "{}"
              : typeof body === "string" || Buffer.isBuffer(body)
                ? body
                : JSON.stringify(body),
        }
      : {}),
    maxRedirects: 0,
  });
}

test("route handlers × (no session, admin without the right, admin with it, owner)", async ({}, testInfo) => {
  test.setTimeout(120_000);
  const params = { jobId: finishedJobId, fileId: "matrix-file" };
  const sessions = [owner, ...admins.values()];
  for (const [folder, methods] of Object.entries(ROUTES)) {
    for (const [method, rule] of Object.entries(methods)) {
      const url = urlOf(folder, params);
      const what = `${method} ${url}`;

      if (rule.access === "public") {
        for (const p of [anonymous, ...sessions.map((s) => s.ctx)])
          expect.soft((await send(p, method, url, undefined)).status(), what).toBe(rule.expect);
        continue;
      }

      if (rule.access === "token") {
        // No bearer token: 401 for everyone, a session cookie included, and nothing written.
        for (const [label, ctx] of [
          ["no session", anonymous],
          ...sessions.map((s) => [s.label, s.ctx] as const),
        ] as const) {
          const before = await dbSnapshot();
          const mark = auditMark();
          const b = rule.body();
          const res = await send(ctx, method, url, b.data, { "Content-Type": b.contentType });
          expect.soft(res.status(), `${what} as ${label} without a token`).toBe(401);
          expect.soft(isRefusalBody(await res.text()), `${what}: a bare refusal`).toBe(true);
          expect.soft(requestAudits(mark), `${what} as ${label}: no audit record`).toEqual([]);
          expect.soft(await dbSnapshot(), `${what} as ${label}: no database change`).toBe(before);
        }
        const b = rule.body();
        const ok = await send(anonymous, method, url, b.data, {
          "Content-Type": b.contentType,
          Authorization: `Bearer ${ingestToken}`,
        });
        expect.soft([401, 403], `${what} with the token`).not.toContain(ok.status());
        expect.soft(ok.status(), `${what} with the token`).toBeLessThan(500);
        continue;
      }

      // No session: 401, no audit record, no database change.
      {
        const before = await dbSnapshot();
        const mark = auditMark();
        const res = await send(anonymous, method, url, rule.body);
        expect.soft(res.status(), `${what} without a session`).toBe(401);
        expect.soft(isRefusalBody(await res.text()), `${what}: a bare refusal`).toBe(true);
        expect.soft(requestAudits(mark), `${what} without a session: no audit record`).toEqual([]);
        expect
          .soft(await dbSnapshot(), `${what} without a session: no database change`)
          .toBe(before);
      }
      const p = principalsFor(rule.right);
      // Without the right: 403, audited as a failure with status code 403, nothing leaked.
      for (const rights of p.without) {
        const admin = admins.get(keyOf(rights))!;
        const mark = auditMark();
        const res = await send(admin.ctx, method, url, rule.body);
        expect.soft(res.status(), `${what} as ${admin.label}`).toBe(403);
        expect
          .soft(isRefusalBody(await res.text()), `${what} as ${admin.label}: a bare refusal`)
          .toBe(true);
        const records = requestAudits(mark);
        expect
          .soft(
            records.map((r) => [r.event_name, r.status, r.error.status_code, r.actor.user_id]),
            `${what} as ${admin.label}: audited`,
          )
          .toEqual([[rule.event, "fail", 403, admin.userId]]);
      }
      // With the right, and as the owner: neither 401 nor 403.
      for (const who of [...p.with.map((r) => admins.get(keyOf(r))!), owner]) {
        const res = await send(who.ctx, method, url, rule.body);
        expect
          .soft([401, 403], `${what} as ${who.label}: ${(await res.text()).slice(0, 200)}`)
          .not.toContain(res.status());
        expect.soft(res.status(), `${what} as ${who.label}`).toBeLessThan(500);
      }
    }
  }
  testInfo.annotations.push({
    type: "cells",
    description: `${checked.routes} route calls over ${Object.values(ROUTES).reduce((n, m) => n + Object.keys(m).length, 0)} route methods`,
  });
});

test("console pages × (no session, admin without the right, admin with it, owner)", async () => {
  for (const [folder, rule] of Object.entries(PAGES)) {
    const url = urlOf(folder, { id: finishedJobId });
    if (rule.access === "public") {
      expect
        .soft((await anonymous.get(url, { maxRedirects: 0 })).status(), `GET ${url}`)
        .toBe(rule.expect);
      continue;
    }
    const mark = auditMark();
    const anon = await anonymous.get(url, { maxRedirects: 0 });
    expect.soft([302, 303, 307, 308], `GET ${url} without a session`).toContain(anon.status());
    expect
      .soft(anon.headers()["location"], `GET ${url} without a session`)
      .toMatch(
        new RegExp(
          `^(https?://[^/]+)?/login\\?next=${encodeURIComponent(url).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`,
        ),
      );
    expect.soft(requestAudits(mark), `GET ${url} without a session: no audit record`).toEqual([]);
    const p = principalsFor(rule.right);
    for (const rights of p.without) {
      const admin = admins.get(keyOf(rights))!;
      const res = await admin.ctx.get(url, { maxRedirects: 0 });
      expect.soft(res.status(), `GET ${url} as ${admin.label}`).toBe(403);
    }
    for (const who of [...p.with.map((r) => admins.get(keyOf(r))!), owner]) {
      const res = await who.ctx.get(url, { maxRedirects: 0 });
      expect.soft(res.status(), `GET ${url} as ${who.label}`).toBe(200);
    }
  }
  // The settings page is open to every admin, but the job table only to request, download or configure.
  const none = admins.get("none")!;
  expect
    .soft(
      await (await none.ctx.get("/compliance-export")).text(),
      "no job leaks to an admin without a job right",
    )
    .not.toContain(finishedJobId);
  expect.soft(await (await owner.ctx.get("/compliance-export")).text()).toContain(finishedJobId);
});

const act = (ctx: APIRequestContext, action: ManifestAction, args: unknown[]) => {
  checked.actions++;
  return callAction(ctx, action, args);
};

const statusIn = (text: string) => /"status":(\d{3})/.exec(text)?.[1];

test("server actions × (no session, admin without the right, admin with it, owner)", async ({}, testInfo) => {
  test.setTimeout(120_000);
  const sessions = [owner, ...admins.values()];
  for (const action of actions) {
    const key = `${action.file}#${action.exportedName}`;
    const rule = ACTIONS[key]!;
    const what = `${key} (${action.id.slice(0, 8)}… via POST ${action.pagePath})`;

    if (rule.access === "logout") continue; // its own test below

    if (rule.access === "public") {
      // Input that no public action accepts: refused as invalid (400), for anyone, and not audited.
      for (const [label, ctx] of [
        ["no session", anonymous],
        ...sessions.map((s) => [s.label, s.ctx] as const),
      ] as const) {
        const mark = auditMark();
        const before = label === "no session" ? await dbSnapshot() : "";
        const call = await act(ctx, action, EMPTY_ARGS);
        expect.soft(call.httpStatus, `${what} as ${label}`).toBe(200);
        expect
          .soft(call.result, `${what} as ${label}: ${call.text.slice(0, 300)}`)
          .toMatchObject({ ok: false, status: 400 });
        expect.soft(requestAudits(mark), `${what} as ${label}: no audit record`).toEqual([]);
        if (label === "no session")
          expect.soft(await dbSnapshot(), `${what}: no database change`).toBe(before);
      }
      continue;
    }

    // No session: "status":401 in the payload, no audit record, no database change.
    {
      const before = await dbSnapshot();
      const mark = auditMark();
      const call = await act(anonymous, action, EMPTY_ARGS);
      expect.soft(call.httpStatus, `${what} without a session`).toBe(200);
      expect
        .soft(statusIn(call.text), `${what} without a session: ${call.text.slice(0, 300)}`)
        .toBe("401");
      expect.soft(call.result, what).toMatchObject({ ok: false, status: 401 });
      expect.soft(call.result && "data" in call.result, `${what}: nothing leaked`).toBe(false);
      expect.soft(requestAudits(mark), `${what} without a session: no audit record`).toEqual([]);
      expect.soft(await dbSnapshot(), `${what} without a session: no database change`).toBe(before);
    }
    const p = principalsFor(rule.right);
    for (const rights of p.without) {
      const admin = admins.get(keyOf(rights))!;
      const before = await dbSnapshot();
      const mark = auditMark();
      const call = await act(admin.ctx, action, EMPTY_ARGS);
      expect
        .soft(statusIn(call.text), `${what} as ${admin.label}: ${call.text.slice(0, 300)}`)
        .toBe("403");
      expect.soft(call.result && "data" in call.result, `${what}: nothing leaked`).toBe(false);
      const records = requestAudits(mark);
      expect
        .soft(
          records.map((r) => [r.event_name, r.status, r.error.status_code, r.actor.user_id]),
          `${what} as ${admin.label}: audited`,
        )
        .toEqual([[rule.event, "fail", 403, admin.userId]]);
      // Nothing else changed: the only new row is that audit record.
      const after = JSON.parse(await dbSnapshot()) as { counts: Record<string, number> };
      const was = JSON.parse(before) as { counts: Record<string, number> };
      expect
        .soft(
          {
            ...after,
            counts: { ...after.counts, "audit records": after.counts["audit records"]! - 1 },
          },
          `${what} as ${admin.label}: no database change`,
        )
        .toEqual(was);
    }
    for (const who of [...p.with.map((r) => admins.get(keyOf(r))!), owner]) {
      const call = await act(who.ctx, action, PROBE_ARGS);
      expect.soft(call.httpStatus, `${what} as ${who.label}`).toBe(200);
      const status = statusIn(call.text);
      expect
        .soft(["401", "403"], `${what} as ${who.label}: ${call.text.slice(0, 300)}`)
        .not.toContain(status);
      expect.soft(call.result, `${what} as ${who.label}`).toMatchObject({ ok: false, status: 400 });
    }
  }
  testInfo.annotations.push({
    type: "cells",
    description: `${checked.actions} server-action calls over ${actions.length} actions`,
  });
});

test("sign-out: without a session it changes nothing; with one it ends only that session", async ({
  playwright,
}) => {
  const logout = findAction(actions, "app/(auth)/login/actions.ts", "logoutAction");
  const before = await dbSnapshot();
  let mark = auditMark();
  const anon = await callAction(anonymous, logout, []);
  expect(anon.headers["x-action-redirect"] ?? "", anon.text.slice(0, 200)).toMatch(/^\/login/);
  expect(requestAudits(mark)).toEqual([]);
  expect(await dbSnapshot()).toBe(before);

  // A second session of one admin, signed out; their first session goes on.
  const none = admins.get("none")!;
  const second = await playwright.request.newContext({ baseURL });
  contexts.push(second);
  const login = await callAction(
    second,
    findAction(actions, "app/(auth)/login/actions.ts", "loginAction"),
    [{ email: none.email, password: none.password }],
  );
  expect(login.result).toMatchObject({ ok: true });
  expect((await second.get("/api/v1/config/export")).status()).toBe(403); // signed in, without the configure right

  mark = auditMark();
  const out = await callAction(second, logout, []);
  expect(out.headers["x-action-redirect"] ?? "").toMatch(/^\/login/);
  expect(requestAudits(mark).map((r) => [r.event_name, r.status, r.actor.user_id])).toEqual([
    ["logout", "success", none.userId],
  ]);
  expect((await second.get("/api/v1/config/export")).status()).toBe(401);
  expect(
    (await none.ctx.get("/api/v1/config/export")).status(),
    "the admin's other session goes on",
  ).toBe(403);
});

test("set-up cannot run again once the owner exists", async () => {
  const createOwner = findAction(actions, "app/(auth)/setup/actions.ts", "createOwnerAction");
  const before = await dbSnapshot();
  const mark = auditMark();
  const call = await callAction(anonymous, createOwner, [
    {
      email: "intruder@evil.example",
      password: "Intruder-passphrase-42",
      confirmPassword: "Intruder-passphrase-42",
    },
  ]);
  expect(call.result, call.text.slice(0, 300)).toMatchObject({ ok: false, status: 404 });
  expect(requestAudits(mark)).toEqual([]);
  expect(await dbSnapshot()).toBe(before);
  expect(auditLines().some((r) => JSON.stringify(r).includes("intruder@evil.example"))).toBe(false);
});
