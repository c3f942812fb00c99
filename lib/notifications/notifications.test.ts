import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, beforeEach, describe, test } from "node:test";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { LoopbackSmtp } from "../testing/notify/loopback-smtp.ts";
import { setExportSettings } from "../testing/export-fixtures.ts";
import { db } from "../db/client.ts";
import { resetEnvForTests } from "../config/env.ts";
import { createAdmin } from "../auth/create-admin.ts";
import { SECRET_MASK } from "../audit/mask.ts";
import { ZNotificationSettingsInput, type TNotificationSettingsInput } from "./schema.ts";
import {
  loadNotificationSettings,
  saveNotificationSettings,
  toNotificationSettingsView,
} from "./notification-settings-store.ts";
import { notifyFinishedJobs } from "./notify-finished-jobs.ts";
import { checkMissedSchedule } from "./check-missed-schedule.ts";

// Issue 5 "Notifications": a loopback smtp-server on 127.0.0.1 (no TLS) receives what Custodian
// sends; the clock is injected.

const PUBLIC_URL = "https://custodian.example.com";
const HOUR = 3600_000;
const NOW = new Date("2026-04-15T10:00:00.000Z");
const PASSWORD = "notify-smtp-canary-7f3a";

let t: TestDatabase;
const smtp = new LoopbackSmtp();
let requester: { id: string; email: string };

before(async () => {
  process.env.CUSTODIAN_PUBLIC_URL = PUBLIC_URL;
  process.env.CUSTODIAN_RETENTION_DAYS = "30";
  t = await useTestDatabase();
  resetEnvForTests();
  await smtp.start();
  const r = await createAdmin({
    email: "requester@example.com",
    password: "requester passphrase 1",
    owner: false,
    rights: ["request", "download"],
  });
  requester = { id: r.id, email: r.email };
  await saveSettings();
});
after(async () => {
  await smtp.stop();
  await t.cleanup();
  delete process.env.CUSTODIAN_PUBLIC_URL;
});

function settingsInput(
  patch: Partial<TNotificationSettingsInput> = {},
): TNotificationSettingsInput {
  return {
    Enabled: true,
    SMTPHost: "127.0.0.1",
    SMTPPort: smtp.port,
    Security: "none",
    SMTPUsername: "",
    FromAddress: "custodian@example.com",
    Recipients: "compliance@example.com\nsecurity@example.com",
    NotifyOnFailure: true,
    NotifyOnWarning: true,
    NotifyOnMissedSchedule: true,
    NotifyRequesters: true,
    ...patch,
  };
}
const saveSettings = (patch: Partial<TNotificationSettingsInput> = {}) =>
  saveNotificationSettings(ZNotificationSettingsInput.parse(settingsInput(patch)));

/** A finished export job row, backdated relative to NOW. */
async function finishedJob(options: {
  status: string;
  trigger?: string;
  initiatedBy?: string;
  error?: string;
  finishedAgoMs?: number;
  warnings?: number;
}) {
  const id = randomUUID();
  await db().exportJob.create({
    data: {
      id,
      trigger: options.trigger ?? "scheduled",
      initiatedBy: options.initiatedBy ?? "",
      initiatedByLabel: options.trigger === "request" ? requester.email : "scheduler",
      status: options.status,
      format: "csv",
      movesCursor: options.trigger !== "request",
      messagesExported: 42,
      filesExported: 3,
      warningCount: options.warnings ?? 0,
      error: options.error ?? "",
      exportDir: `dir-${id}`,
      batchesWritten: 1,
      createdAt: new Date(NOW.getTime() - 2 * HOUR),
      startedAt: new Date(NOW.getTime() - 2 * HOUR),
      finishedAt: new Date(NOW.getTime() - (options.finishedAgoMs ?? HOUR)),
    },
  });
  return id;
}
const notifiedAt = async (id: string) =>
  (await db().exportJob.findUniqueOrThrow({ where: { id } })).notifiedAt;

describe("notifyFinishedJobs", () => {
  beforeEach(async () => {
    await db().exportJob.deleteMany({});
    smtp.take();
    await saveSettings();
  });

  test("a finished request: the requester gets one email linking to the job's page in the console", async () => {
    const id = await finishedJob({
      status: "success",
      trigger: "request",
      initiatedBy: requester.id,
    });
    assert.deepEqual(await notifyFinishedJobs({ now: NOW }), { sent: 1, failed: 0 });
    const mails = smtp.take();
    assert.equal(mails.length, 1);
    const m = mails[0]!;
    assert.deepEqual(
      m.envelopeTo,
      [requester.email],
      "only the requester; the list is not told about successes",
    );
    assert.equal(m.envelopeFrom, "custodian@example.com");
    assert.match(m.mail.subject ?? "", /Your export request is ready/);
    assert.ok(m.mail.text?.includes(`${PUBLIC_URL}/jobs/${id}`), m.mail.text);
    assert.ok(m.mail.text?.includes(id), "names the job");
    assert.match(m.mail.text ?? "", /Messages exported: 42/);
    assert.equal((await notifiedAt(id))?.getTime(), NOW.getTime());
    // Already notified: never again.
    assert.deepEqual(await notifyFinishedJobs({ now: new Date(NOW.getTime() + 60_000) }), {
      sent: 0,
      failed: 0,
    });
    assert.equal(smtp.take().length, 0);
  });

  test("a failed job: the Recipients get one email carrying the error text", async () => {
    const error = "SMTP 535 5.7.8 authentication failed at smtp.globalrelay.example";
    const id = await finishedJob({ status: "error", error });
    assert.deepEqual(await notifyFinishedJobs({ now: NOW }), { sent: 1, failed: 0 });
    const mails = smtp.take();
    assert.equal(mails.length, 1);
    assert.deepEqual([...mails[0]!.envelopeTo].sort(), [
      "compliance@example.com",
      "security@example.com",
    ]);
    assert.match(mails[0]!.mail.subject ?? "", /failed/);
    assert.ok(mails[0]!.mail.text?.includes(`Error: ${error}`), mails[0]!.mail.text);
    assert.ok(mails[0]!.mail.text?.includes(`${PUBLIC_URL}/jobs/${id}`));
    assert.ok((await notifiedAt(id)) !== null);
  });

  test("a failed request: requester and Recipients in one email; a warning job: the Recipients", async () => {
    const failedRequest = await finishedJob({
      status: "error",
      trigger: "request",
      initiatedBy: requester.id,
      error: "disk full",
    });
    const warned = await finishedJob({ status: "warning", warnings: 2, finishedAgoMs: HOUR / 2 });
    assert.deepEqual(await notifyFinishedJobs({ now: NOW }), { sent: 2, failed: 0 });
    const mails = smtp.take();
    assert.equal(mails.length, 2);
    const byJob = (id: string) => mails.find((m) => m.mail.text?.includes(id))!;
    assert.deepEqual([...byJob(failedRequest).envelopeTo].sort(), [
      "compliance@example.com",
      requester.email,
      "security@example.com",
    ]);
    assert.deepEqual([...byJob(warned).envelopeTo].sort(), [
      "compliance@example.com",
      "security@example.com",
    ]);
    assert.match(byJob(warned).mail.text ?? "", /Warnings: 2/);
  });

  test("a successful daily job: no email, but marked notified", async () => {
    const id = await finishedJob({ status: "success" });
    assert.deepEqual(await notifyFinishedJobs({ now: NOW }), { sent: 0, failed: 0 });
    assert.equal(smtp.take().length, 0);
    assert.equal((await notifiedAt(id))?.getTime(), NOW.getTime());
  });

  test("the mail server down: nothing is marked; after it is back the email goes exactly once", async () => {
    const id = await finishedJob({
      status: "success",
      trigger: "request",
      initiatedBy: requester.id,
    });
    await smtp.stop();
    try {
      assert.deepEqual(await notifyFinishedJobs({ now: NOW }), { sent: 0, failed: 1 });
      assert.equal(await notifiedAt(id), null);
      assert.deepEqual(await notifyFinishedJobs({ now: new Date(NOW.getTime() + 60_000) }), {
        sent: 0,
        failed: 1,
      });
      assert.equal(await notifiedAt(id), null);
    } finally {
      await smtp.start();
    }
    const later = new Date(NOW.getTime() + 120_000);
    assert.deepEqual(await notifyFinishedJobs({ now: later }), { sent: 1, failed: 0 });
    assert.equal((await notifiedAt(id))?.getTime(), later.getTime());
    assert.deepEqual(await notifyFinishedJobs({ now: new Date(later.getTime() + 60_000) }), {
      sent: 0,
      failed: 0,
    });
    const mails = smtp.take();
    assert.equal(mails.length, 1);
    assert.deepEqual(mails[0]!.envelopeTo, [requester.email]);
  });

  test("notifications disabled: nothing is sent and nothing is marked", async () => {
    await saveSettings({ Enabled: false });
    const ids = [
      await finishedJob({ status: "error", error: "boom" }),
      await finishedJob({ status: "success", trigger: "request", initiatedBy: requester.id }),
    ];
    assert.deepEqual(await notifyFinishedJobs({ now: NOW }), { sent: 0, failed: 0 });
    assert.equal(smtp.take().length, 0);
    for (const id of ids) assert.equal(await notifiedAt(id), null);
  });

  test("the switches: NotifyRequesters and NotifyOnFailure off ⇒ no email, marked", async () => {
    await saveSettings({ NotifyRequesters: false, NotifyOnFailure: false });
    const ids = [
      await finishedJob({ status: "error", error: "boom" }),
      await finishedJob({ status: "success", trigger: "request", initiatedBy: requester.id }),
    ];
    assert.deepEqual(await notifyFinishedJobs({ now: NOW }), { sent: 0, failed: 0 });
    assert.equal(smtp.take().length, 0);
    for (const id of ids) assert.ok((await notifiedAt(id)) !== null);
  });

  test("jobs still running, or finished more than a day ago, are not notified", async () => {
    const running = await finishedJob({ status: "in_progress" });
    await db().exportJob.update({ where: { id: running }, data: { finishedAt: null } });
    const old = await finishedJob({ status: "error", error: "old", finishedAgoMs: 25 * HOUR });
    assert.deepEqual(await notifyFinishedJobs({ now: NOW }), { sent: 0, failed: 0 });
    assert.equal(smtp.take().length, 0);
    assert.equal(await notifiedAt(running), null);
    assert.equal(await notifiedAt(old), null);
  });

  test("the requester's email states the configured retention period", async () => {
    // Found by this test: describeJob writes "Downloads are kept for 30 days." whatever
    // CUSTODIAN_RETENTION_DAYS says.
    process.env.CUSTODIAN_RETENTION_DAYS = "45";
    resetEnvForTests();
    try {
      await finishedJob({ status: "success", trigger: "request", initiatedBy: requester.id });
      await notifyFinishedJobs({ now: NOW });
      const [m] = smtp.take();
      assert.ok(m);
      assert.match(m.mail.text ?? "", /kept for 45 days/);
    } finally {
      process.env.CUSTODIAN_RETENTION_DAYS = "30";
      resetEnvForTests();
    }
  });
});

describe("checkMissedSchedule", () => {
  test("enabled export with no successful run for over 26 h: one email, then none for 24 h", async () => {
    await db().exportJob.deleteMany({});
    await db().exportPolicy.updateMany({ data: { missedAlertAt: null } });
    await saveSettings();
    smtp.take();
    await setExportSettings({
      EnableExport: true,
      ExportFromTimestamp: NOW.getTime() - 10 * 24 * HOUR,
      DailyRunTime: "02:30",
      TimeZone: "Europe/Berlin",
    });
    // The last good daily run finished 27 h ago; a newer request (which does not move the cursor) does not count.
    await finishedJob({ status: "success", finishedAgoMs: 27 * HOUR });
    await finishedJob({
      status: "success",
      trigger: "request",
      initiatedBy: requester.id,
      finishedAgoMs: HOUR,
    });

    assert.equal(await checkMissedSchedule({ now: NOW }), true);
    const mails = smtp.take();
    assert.equal(mails.length, 1);
    assert.deepEqual([...mails[0]!.envelopeTo].sort(), [
      "compliance@example.com",
      "security@example.com",
    ]);
    assert.match(mails[0]!.mail.subject ?? "", /has not run for more than a day/);
    assert.match(mails[0]!.mail.text ?? "", /02:30 \(Europe\/Berlin\)/);
    assert.ok(mails[0]!.mail.text?.includes(`${PUBLIC_URL}/compliance-export`));

    for (const h of [1, 12, 23.9]) {
      assert.equal(
        await checkMissedSchedule({ now: new Date(NOW.getTime() + h * HOUR) }),
        false,
        `${h} h later`,
      );
    }
    assert.equal(smtp.take().length, 0);
    // A day later, still nothing has run: one more reminder.
    assert.equal(await checkMissedSchedule({ now: new Date(NOW.getTime() + 24 * HOUR) }), true);
    assert.equal(smtp.take().length, 1);
  });

  test("no email when a daily run succeeded recently, when export is off, or notifications are off", async () => {
    await db().exportJob.deleteMany({});
    await db().exportPolicy.updateMany({ data: { missedAlertAt: null } });
    smtp.take();
    await setExportSettings({
      EnableExport: true,
      ExportFromTimestamp: NOW.getTime() - 10 * 24 * HOUR,
    });
    await saveSettings();
    await finishedJob({ status: "warning", finishedAgoMs: 25 * HOUR });
    assert.equal(
      await checkMissedSchedule({ now: NOW }),
      false,
      "a warning run 25 h ago is recent enough",
    );

    await db().exportJob.deleteMany({});
    await setExportSettings({ EnableExport: true, ExportFromTimestamp: NOW.getTime() - 20 * HOUR });
    assert.equal(await checkMissedSchedule({ now: NOW }), false, "enabled only 20 h ago");

    await setExportSettings({
      EnableExport: false,
      ExportFromTimestamp: NOW.getTime() - 10 * 24 * HOUR,
    });
    assert.equal(await checkMissedSchedule({ now: NOW }), false, "export disabled");

    await setExportSettings({
      EnableExport: true,
      ExportFromTimestamp: NOW.getTime() - 10 * 24 * HOUR,
    });
    await saveSettings({ NotifyOnMissedSchedule: false });
    assert.equal(await checkMissedSchedule({ now: NOW }), false, "switch off");
    await saveSettings({ Enabled: false });
    assert.equal(await checkMissedSchedule({ now: NOW }), false, "notifications off");
    assert.equal(smtp.take().length, 0);
  });

  test("the mail server down: not recorded as alerted, so the next check sends it", async () => {
    await db().exportJob.deleteMany({});
    await db().exportPolicy.updateMany({ data: { missedAlertAt: null } });
    await saveSettings();
    smtp.take();
    await setExportSettings({
      EnableExport: true,
      ExportFromTimestamp: NOW.getTime() - 10 * 24 * HOUR,
    });
    await smtp.stop();
    try {
      assert.equal(await checkMissedSchedule({ now: NOW }), false);
    } finally {
      await smtp.start();
    }
    assert.equal(await checkMissedSchedule({ now: new Date(NOW.getTime() + 60_000) }), true);
    assert.equal(smtp.take().length, 1);
  });
});

describe("notification settings: the SMTP password is write-only", () => {
  test("the view has no password; the mask (or leaving it out) keeps the stored one; a new one replaces it", async () => {
    await saveSettings({ SMTPUsername: "notifier", SMTPPassword: PASSWORD });
    const stored = await db().setting.findUniqueOrThrow({ where: { key: "NotificationSettings" } });
    assert.ok(!stored.value.includes(PASSWORD), "encrypted at rest");

    const view = toNotificationSettingsView(await loadNotificationSettings());
    assert.ok(!("SMTPPassword" in view));
    assert.equal(view.SMTPPasswordSet, true);
    assert.ok(!JSON.stringify(view).includes(PASSWORD));

    // Saving the form with the mask untouched keeps it; so does leaving it out.
    const masked = await saveSettings({
      SMTPUsername: "notifier",
      SMTPPassword: SECRET_MASK,
      Recipients: "compliance@example.com",
    });
    assert.equal(masked.after.SMTPPassword, PASSWORD);
    assert.ok(!JSON.stringify(masked.diffs).includes(PASSWORD), "diffs never carry the secret");
    await saveSettings({ SMTPUsername: "notifier", Recipients: "compliance@example.com" });
    assert.equal((await loadNotificationSettings()).SMTPPassword, PASSWORD);

    // The mail server receives the stored password, not the mask.
    await db().exportJob.deleteMany({});
    smtp.take();
    smtp.auths.splice(0);
    await finishedJob({ status: "error", error: "x" });
    assert.deepEqual(await notifyFinishedJobs({ now: NOW }), { sent: 1, failed: 0 });
    assert.deepEqual(smtp.auths, [{ username: "notifier", password: PASSWORD }]);
    assert.equal(smtp.take().length, 1);

    await saveSettings({ SMTPUsername: "notifier", SMTPPassword: "a-new-password" });
    assert.equal((await loadNotificationSettings()).SMTPPassword, "a-new-password");
    await saveSettings({ SMTPUsername: "", SMTPPassword: "" });
    assert.equal(
      toNotificationSettingsView(await loadNotificationSettings()).SMTPPasswordSet,
      false,
    );
  });
});
