import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { LoopbackSmtp } from "../testing/notify/loopback-smtp.ts";
import { db } from "../db/client.ts";
import { createAdmin } from "../auth/create-admin.ts";
import { saveExportSettings } from "../export-settings/save-export-settings.ts";
import { exportDestinationDiffs, ZExportSettingsInput } from "../settings/schema.ts";
import { ZTargetInput } from "../targets/schema.ts";
import { announceDestinationChange } from "./announce-destination-change.ts";
import { changeTarget } from "./change-target.ts";
import {
  confirmNotificationServer,
  loadNotificationSettings,
  notificationDestinationDiffs,
  saveNotificationSettings,
} from "./notification-settings-store.ts";
import { ZNotificationSettingsInput, type TNotificationSettingsInput } from "./schema.ts";
import { sendInvitation, sendPasswordReset } from "./send-invitation.ts";

// Issue 11 item 3: redirecting archive mail or admin invitations is a privileged, visible change.
// The owner and every admin with `audit` are emailed about it (through the mail server that was
// trusted before the change), and set-password links are not sent through a notification server
// changed in the last 24 hours unless the owner confirmed it.

const HOUR = 3600_000;
const T = new Date("2026-05-01T12:00:00.000Z");
let t: TestDatabase;
const oldServer = new LoopbackSmtp();
const newServer = new LoopbackSmtp();

before(async () => {
  process.env.LOG_LEVEL = "silent";
  process.env.CUSTODIAN_PUBLIC_URL = "https://custodian.example.com";
  t = await useTestDatabase();
  await oldServer.start();
  await newServer.start();
  await createAdmin({ email: "owner@example.com", password: "owner passphrase 0451", owner: true });
  await createAdmin({
    email: "auditor@example.com",
    password: "auditor passphrase 0451",
    owner: false,
    rights: ["audit"],
  });
  await createAdmin({
    email: "configurer@example.com",
    password: "configurer passphrase 0451",
    owner: false,
    rights: ["configure"],
  });
  const gone = await createAdmin({
    email: "gone-auditor@example.com",
    password: "gone auditor passphrase 1",
    owner: false,
    rights: ["audit"],
  });
  await db().adminUser.update({ where: { id: gone.id }, data: { disabledAt: T } });
});
after(async () => {
  await oldServer.stop();
  await newServer.stop();
  await t.cleanup();
  delete process.env.CUSTODIAN_PUBLIC_URL;
});
beforeEach(() => {
  oldServer.take();
  newServer.take();
});

const notify = (server: LoopbackSmtp, patch: Partial<TNotificationSettingsInput> = {}) =>
  ZNotificationSettingsInput.parse({
    Enabled: true,
    SMTPHost: "127.0.0.1",
    SMTPPort: server.port,
    Security: "none",
    SMTPUsername: "",
    FromAddress: "custodian@example.com",
    Recipients: "",
    NotifyOnFailure: true,
    NotifyOnWarning: true,
    NotifyOnMissedSchedule: true,
    NotifyRequesters: true,
    ...patch,
  });

const gr = (address: string) =>
  ZExportSettingsInput.parse({
    EnableExport: false,
    DailyRunTime: "01:00",
    TimeZone: "UTC",
    ExportFormat: "actiance",
    BatchSize: 100,
    ExportAttachments: true,
    GlobalRelaySettings: {
      CustomerType: "A10",
      SMTPUsername: "archiver",
      EmailAddress: address,
      CustomSMTPServerName: "",
      CustomSMTPPort: 25,
      SMTPServerTimeout: 5,
      AllowPlainSMTP: false,
    },
  });

describe("destination change notices", () => {
  test("a new archive address: the owner and active auditors are emailed the old and new value", async () => {
    await saveNotificationSettings(notify(oldServer), { byOwner: true, now: T });
    await saveExportSettings({ input: gr("old-archive@archive.example") });
    const { diffs } = await saveExportSettings({ input: gr("evil@attacker.example") });
    const destination = exportDestinationDiffs(diffs);
    assert.deepEqual(
      destination.map((d) => d.path),
      ["MessageExportSettings.GlobalRelaySettings.EmailAddress"],
    );
    const notice = await announceDestinationChange({
      what: "Compliance Export",
      diffs: destination,
      changedBy: "configurer@example.com",
    });
    assert.deepEqual(notice, { sent: true, to: ["auditor@example.com", "owner@example.com"] });
    const [mail, ...more] = oldServer.take();
    assert.equal(more.length, 0);
    assert.deepEqual([...mail!.envelopeTo].sort(), ["auditor@example.com", "owner@example.com"]);
    assert.match(mail!.mail.subject ?? "", /Compliance Export.*changed/);
    for (const s of [
      "configurer@example.com",
      "old-archive@archive.example",
      "evil@attacker.example",
    ])
      assert.ok(mail!.mail.text?.includes(s), `${s} in ${mail!.mail.text}`);
  });

  test("a new notification server: announced through the previous one, which the admin cannot intercept", async () => {
    await saveNotificationSettings(notify(oldServer), { byOwner: true, now: T });
    const { before: previous, diffs } = await saveNotificationSettings(notify(newServer), {
      byOwner: false,
      now: T,
    });
    const notice = await announceDestinationChange({
      what: "Notifications",
      diffs: notificationDestinationDiffs(diffs),
      changedBy: "configurer@example.com",
      via: previous,
    });
    assert.equal(notice.sent, true);
    assert.equal(oldServer.take().length, 1);
    assert.equal(newServer.take().length, 0);
  });

  test("a target that now sends exports elsewhere: announced with the old and new place; a rename is not", async () => {
    await saveNotificationSettings(notify(oldServer), { byOwner: true, now: T });
    const local = (name: string, path: string) =>
      ZTargetInput.parse({ kind: "local", name, config: { path } });
    const added = await changeTarget({
      input: local("Vault", "/srv/vault"),
      changedBy: "configurer@example.com",
    });
    assert.equal(added.notice, undefined, "a new target redirects nothing");
    const renamed = await changeTarget({
      id: added.saved.after.id,
      input: local("Vault copy", "/srv/vault"),
      changedBy: "configurer@example.com",
    });
    assert.equal(renamed.notice, undefined, "a new name sends nothing elsewhere");
    assert.equal(oldServer.take().length, 0);
    const moved = await changeTarget({
      id: added.saved.after.id,
      input: local("Vault copy", "/mnt/usb-stick"),
      changedBy: "configurer@example.com",
    });
    assert.deepEqual(moved.notice, {
      sent: true,
      to: ["auditor@example.com", "owner@example.com"],
    });
    assert.deepEqual(moved.audit.resultingState.change_notice, moved.notice, "and it is audited");
    const [mail, ...more] = oldServer.take();
    assert.equal(more.length, 0);
    assert.deepEqual([...mail!.envelopeTo].sort(), ["auditor@example.com", "owner@example.com"]);
    for (const s of ["configurer@example.com", "Vault copy.path", "/srv/vault", "/mnt/usb-stick"])
      assert.ok(mail!.mail.text?.includes(s), `${s} in ${mail!.mail.text}`);
  });

  test("without notification email the notice cannot be sent, and says so", async () => {
    await db().setting.deleteMany({ where: { key: "NotificationSettings" } });
    const notice = await announceDestinationChange({
      what: "Compliance Export",
      diffs: [
        {
          path: "MessageExportSettings.GlobalRelaySettings.EmailAddress",
          base_val: "a@x.example",
          actual_val: "b@x.example",
        },
      ],
      changedBy: "x@example.com",
    });
    assert.equal(notice.sent, false);
    assert.match(notice.reason ?? "", /not configured/);
  });
});

describe("set-password links and a recently changed notification server", () => {
  const link = {
    email: "new.admin@example.com",
    token: "tok_" + "x".repeat(40),
    expiresAt: new Date(T.getTime() + 72 * HOUR),
    invitedBy: "owner@example.com",
  };

  test("a server changed by an admin holds links for 24 hours; then they are emailed", async () => {
    await saveNotificationSettings(notify(oldServer), { byOwner: true, now: T });
    await saveNotificationSettings(notify(newServer), { byOwner: false, now: T });
    const held = await sendInvitation({ ...link, now: new Date(T.getTime() + 23 * HOUR) });
    assert.equal(held.emailed, false);
    assert.match(held.reason, /changed less than 24 hours ago/);
    const reset = await sendPasswordReset({
      ...link,
      resetBy: "manager@example.com",
      now: new Date(T.getTime() + HOUR),
    });
    assert.equal(reset.emailed, false);
    assert.equal(newServer.take().length + oldServer.take().length, 0, "no link went out");
    assert.equal(
      (await sendInvitation({ ...link, now: new Date(T.getTime() + 24 * HOUR) })).emailed,
      true,
    );
    assert.equal(newServer.take().length, 1);
  });

  test("the owner's confirmation releases the hold at once; a change by the owner needs none", async () => {
    await saveNotificationSettings(notify(oldServer), { byOwner: true, now: T });
    await saveNotificationSettings(notify(newServer), { byOwner: false, now: T });
    assert.equal((await sendInvitation({ ...link, now: T })).emailed, false);
    await confirmNotificationServer({ now: T });
    assert.equal((await sendInvitation({ ...link, now: T })).emailed, true);
    assert.equal(newServer.take().length, 1);

    await saveNotificationSettings(notify(oldServer), { byOwner: true, now: T });
    assert.equal((await sendInvitation({ ...link, now: T })).emailed, true);
    assert.equal(oldServer.take().length, 1);
  });

  test("changing only the recipients does not hold links", async () => {
    await saveNotificationSettings(notify(oldServer), { byOwner: true, now: T });
    await saveNotificationSettings(notify(oldServer, { Recipients: "compliance@example.com" }), {
      byOwner: false,
      now: T,
    });
    assert.equal((await loadNotificationSettings()).ServerTrustedFrom, T.getTime());
    assert.equal((await sendInvitation({ ...link, now: T })).emailed, true);
  });
});
