// Issue 11 item 1: every action and route that takes a secret-like field (password, its
// confirmation, the current password, a set-password token, SMTP passwords, a download link, an
// ingest token) is called with a canary on its failure and success paths. No canary may reach an
// audit record (database or JSON lines), the server's log, or any response. The failed sign-in
// record keeps only a short prefix of what was typed as the email.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { auditLines, auditMark, auditSince, auditText } from "../fixtures/audit.ts";
import { queryDb } from "../fixtures/db.ts";
import { callAction, findAction, manifestActions, type ManifestAction } from "../fixtures/flows.ts";
import { instance } from "../fixtures/instance.ts";
import { OWNER_STATE } from "../fixtures/owner.ts";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const canaries: string[] = [];
/** A fresh canary that passes the password policy, so it also reaches the success paths. */
const canary = (label: string) => {
  const c = `Canary-${label}-${randomBytes(9).toString("hex")}-Orchid`;
  canaries.push(c);
  return c;
};
const responses: string[] = [];

let actions: ManifestAction[] = [];
let owner: APIRequestContext;
let anonymous: APIRequestContext;
const act = async (ctx: APIRequestContext, file: string, name: string, args: unknown[]) => {
  const call = await callAction(ctx, findAction(actions, file, name), args);
  responses.push(call.text, JSON.stringify(call.headers));
  return call;
};

test.beforeAll(async ({ playwright }, testInfo) => {
  const baseURL = testInfo.project.use.baseURL!;
  actions = manifestActions(ROOT);
  owner = await playwright.request.newContext({ baseURL, storageState: OWNER_STATE });
  anonymous = await playwright.request.newContext({ baseURL });
});
test.afterAll(async () => {
  await owner.dispose();
  await anonymous.dispose();
});

test("no secret-like input reaches an audit record, a log line or a response, on failure or success", async ({
  playwright,
}, testInfo) => {
  test.setTimeout(120_000);
  const baseURL = testInfo.project.use.baseURL!;
  const mark = auditMark();

  // ---- set-password (token, password, confirmPassword) and sign-in (email, password) ----------
  const email = `canary-${randomBytes(3).toString("hex")}@custodian.example`;
  const added = await act(owner, "app/(console)/admins/actions.ts", "addAdminAction", [
    { email, rights: ["download"] },
  ]);
  expect(added.result).toMatchObject({ ok: true });
  const token = (added.result!.data as { token: string }).token;
  const first = canary("setpw");
  // Mismatched confirmation (refused by the schema), an unknown token (refused by the service), then the real thing.
  await act(anonymous, "app/(auth)/set-password/actions.ts", "setPasswordAction", [
    { token, password: first, confirmPassword: canary("setpw-confirm") },
  ]);
  await act(anonymous, "app/(auth)/set-password/actions.ts", "setPasswordAction", [
    { token: canary("bad-token"), password: first, confirmPassword: first },
  ]);
  const set = await act(anonymous, "app/(auth)/set-password/actions.ts", "setPasswordAction", [
    { token, password: first, confirmPassword: first },
  ]);
  expect(set.result).toMatchObject({ ok: true });

  const admin = await playwright.request.newContext({ baseURL });
  const typedInEmail = canary("typed-as-email");
  const failedLogin = await act(admin, "app/(auth)/login/actions.ts", "loginAction", [
    { email: typedInEmail, password: canary("login-pw") },
  ]);
  expect(failedLogin.result).toMatchObject({ ok: false, status: 401 });
  const login = await act(admin, "app/(auth)/login/actions.ts", "loginAction", [
    { email, password: first },
  ]);
  expect(login.result).toMatchObject({ ok: true });

  // ---- change password (currentPassword, password, confirmPassword) -----------------------------
  const next = canary("newpw");
  const change = (args: Record<string, unknown>) =>
    act(admin, "app/(console)/account/actions.ts", "changePasswordAction", [
      { endOtherSessions: false, ...args },
    ]);
  expect(
    (await change({ currentPassword: first, password: next, confirmPassword: canary("mismatch") }))
      .result,
  ).toMatchObject({ ok: false, status: 400 });
  expect(
    (
      await change({
        currentPassword: canary("wrong-current"),
        password: next,
        confirmPassword: next,
      })
    ).result,
  ).toMatchObject({ ok: false, status: 400 });
  expect(
    (await change({ currentPassword: first, password: next, confirmPassword: next })).result,
  ).toMatchObject({ ok: true });

  // ---- set-up once the owner exists (email, password, confirmPassword) --------------------------
  const setupPw = canary("setup");
  await act(anonymous, "app/(auth)/setup/actions.ts", "createOwnerAction", [
    { email: "intruder@evil.example", password: setupPw, confirmPassword: setupPw },
  ]);

  // ---- the SMTP passwords: Compliance Export, its API, Notifications ----------------------------
  const gr = (password: string, extra: Record<string, unknown> = {}) => ({
    EnableExport: false,
    DailyRunTime: "01:00",
    TimeZone: "UTC",
    ExportFormat: "actiance",
    BatchSize: 10000,
    ExportAttachments: true,
    GlobalRelaySettings: {
      CustomerType: "CUSTOM",
      SMTPUsername: "archiver",
      SMTPPassword: password,
      EmailAddress: "archive@archive.example",
      CustomSMTPServerName: "smtp.archive.example",
      CustomSMTPPort: 587,
      SMTPServerTimeout: 30,
      AllowPlainSMTP: false,
    },
    ...extra,
  });
  await act(owner, "app/(console)/compliance-export/actions.ts", "saveExportSettingsAction", [
    gr(canary("gr-invalid"), { DailyRunTime: "25:99" }),
  ]);
  expect(
    (
      await act(owner, "app/(console)/compliance-export/actions.ts", "saveExportSettingsAction", [
        gr(canary("gr-save")),
      ])
    ).result,
  ).toMatchObject({ ok: true });
  for (const body of [
    { GlobalRelaySettings: { SMTPPassword: canary("api-invalid"), CustomSMTPPort: "x" } },
    { GlobalRelaySettings: { SMTPPassword: canary("api-save") } },
  ]) {
    const res = await owner.patch("/api/v1/config/export", { data: body });
    responses.push(await res.text());
  }
  const notify = (password: string, extra: Record<string, unknown> = {}) => ({
    Enabled: false,
    SMTPHost: "smtp.notify.example",
    SMTPPort: 587,
    Security: "starttls",
    SMTPUsername: "notifier",
    SMTPPassword: password,
    FromAddress: "custodian@notify.example",
    Recipients: "",
    NotifyOnFailure: true,
    NotifyOnWarning: true,
    NotifyOnMissedSchedule: true,
    NotifyRequesters: true,
    ...extra,
  });
  await act(owner, "app/(console)/notifications/actions.ts", "saveNotificationSettingsAction", [
    notify(canary("notify-invalid"), { SMTPPort: "0" }),
  ]);
  expect(
    (
      await act(owner, "app/(console)/notifications/actions.ts", "saveNotificationSettingsAction", [
        notify(canary("notify-save")),
      ])
    ).result,
  ).toMatchObject({ ok: true });

  // ---- export target secrets (S3 secret access key, SMTP password): the Targets page and its API --
  const s3 = (secret: string, extra: Record<string, unknown> = {}) => ({
    kind: "s3",
    name: `canary-bucket-${randomBytes(3).toString("hex")}`,
    disabled: false,
    secret,
    config: {
      endpoint: "http://127.0.0.1:9",
      region: "us-east-1",
      bucket: "canary-bucket",
      prefix: "",
      accessKeyId: "AKIACANARY",
      forcePathStyle: true,
    },
    ...extra,
  });
  await act(owner, "app/(console)/targets/actions.ts", "saveTargetAction", [
    { target: s3(canary("s3-invalid"), { config: { bucket: "Not A Bucket!" } }) },
  ]);
  const savedTarget = await act(owner, "app/(console)/targets/actions.ts", "saveTargetAction", [
    { target: s3(canary("s3-save")) },
  ]);
  expect(savedTarget.result).toMatchObject({ ok: true });
  const targetId = (savedTarget.result!.data as { target: { id: string } }).target.id;
  await act(owner, "app/(console)/targets/actions.ts", "testTargetAction", [{ id: targetId }]);
  const smtpTarget = {
    kind: "smtp",
    name: `canary-mailbox-${randomBytes(3).toString("hex")}`,
    disabled: false,
    secret: canary("smtp-target"),
    config: {
      CustomerType: "CUSTOM",
      SMTPUsername: "archiver",
      EmailAddress: "archive@archive.example",
      CustomSMTPServerName: "127.0.0.1",
      CustomSMTPPort: 9,
      SMTPServerTimeout: 5,
      AllowPlainSMTP: true,
    },
  };
  for (const [method, url, body] of [
    ["post", "/api/v1/targets", s3(canary("api-s3-invalid"), { config: { bucket: "x" } })],
    ["post", "/api/v1/targets", smtpTarget],
    [
      "patch",
      `/api/v1/targets/${targetId}`,
      { secret: canary("api-s3-replace"), config: { bucket: "Not A Bucket!" } },
    ],
    ["patch", `/api/v1/targets/${targetId}`, { secret: canary("api-s3-replace-ok") }],
  ] as const) {
    const res =
      method === "post"
        ? await owner.post(url, { data: body })
        : await owner.patch(url, { data: body });
    responses.push(await res.text());
  }
  responses.push(await (await owner.get("/api/v1/targets")).text());

  // ---- bearer and link tokens -------------------------------------------------------------------
  for (const res of [
    await anonymous.post("/api/v1/ingest", {
      headers: {
        Authorization: `Bearer ${canary("ingest-token")}`,
        "Content-Type": "application/json",
      },
      data: "[]",
    }),
    await anonymous.get(
      `/api/v1/exports/00000000-0000-4000-8000-000000000000/download?link=${canary("link")}`,
    ),
  ])
    responses.push(await res.text());

  // ---- wherever a canary could have gone ----------------------------------------------------------
  await expect.poll(() => auditLines().length).toBeGreaterThan(mark);
  const records = auditSince(mark);
  const dbRows = await queryDb<{ json: string }>(`SELECT "json" FROM "AuditRecord"`);
  const places: Array<[string, string]> = [
    ["audit JSON lines", auditText()],
    ["audit records in the database", dbRows.map((r) => r.json).join("\n")],
    ["server log", readFileSync(instance().serverLog, "utf8")],
    ["responses", responses.join("\n")],
  ];
  for (const [where, text] of places) {
    const lower = text.toLowerCase();
    expect(
      canaries.filter((c) => lower.includes(c.toLowerCase())),
      `canaries found in the ${where}`,
    ).toEqual([]);
  }

  // The failed sign-in keeps a short prefix of what was typed as the email, nothing more.
  const failed = records.filter((r) => r.event_name === "login" && r.status === "fail");
  expect(failed.map((r) => r.event.parameters)).toEqual([
    { email_prefix: `${typedInEmail.slice(0, 3)}…` },
  ]);
  // The records are still there and still say what happened.
  expect(
    records
      .filter((r) => r.event_name === "updatePassword")
      .map((r) => r.status)
      .sort(),
  ).toEqual(["fail", "fail", "fail", "success", "success"]);
  expect(
    records
      .filter((r) => r.event_name === "patchConfig")
      .map((r) => r.status)
      .sort(),
  ).toEqual(["fail", "fail", "fail", "success", "success", "success"]);
  await admin.dispose();
});
