import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { LoopbackSmtp } from "../testing/notify/loopback-smtp.ts";
import { db } from "../db/client.ts";
import { SECRET_MASK } from "../audit/mask.ts";
import { testSmtpConnection } from "../targets/smtp/test-smtp-connection.ts";
import {
  loadNotificationSettings,
  saveNotificationSettings,
} from "../notifications/notification-settings-store.ts";
import {
  ZNotificationSettingsInput,
  type TNotificationSettingsInput,
} from "../notifications/schema.ts";
import { sendEmail } from "../notifications/send-email.ts";
import { encryptSecret } from "./secret-box.ts";
import { keepOrClearSecret, openBoundSecret, sealBoundSecret } from "./secret-binding.ts";
import { loadExportSettings } from "../export-settings/export-settings-store.ts";
import { saveExportSettings } from "../export-settings/save-export-settings.ts";
import { ZExportSettingsInput, type TExportSettingsInput } from "./schema.ts";

// Issue 11 item 2: a stored SMTP password is bound to the endpoint it was entered for (host, port,
// TLS mode, username). Changing any of them without entering the password again clears it, so a
// configure admin cannot point Test connection / Send test email at their own server and read it.

const SECRET = "Stored-Secret-Canary-42";
let t: TestDatabase;
const attacker = new LoopbackSmtp();

before(async () => {
  process.env.LOG_LEVEL = "silent";
  t = await useTestDatabase();
  await attacker.start();
});
after(async () => {
  await attacker.stop();
  await t.cleanup();
});
beforeEach(async () => {
  await db().setting.deleteMany();
  attacker.auths.splice(0);
});

describe("the binding", () => {
  test("a sealed secret opens only for the endpoint it was sealed for", () => {
    const endpoint = { host: "smtp.example.com", port: 587, tls: "starttls", username: "u" };
    const sealed = sealBoundSecret(SECRET, endpoint);
    assert.ok(!sealed.includes(SECRET));
    assert.equal(openBoundSecret(sealed, { ...endpoint }), SECRET);
    for (const change of [
      { host: "evil.example" },
      { port: 2525 },
      { tls: "none" },
      { username: "other" },
    ]) {
      assert.equal(openBoundSecret(sealed, { ...endpoint, ...change }), "", JSON.stringify(change));
    }
    assert.equal(sealBoundSecret("", endpoint), "");
    assert.equal(openBoundSecret("", endpoint), "");
    // A secret stored before the binding existed opens (it is bound on its next save).
    assert.equal(openBoundSecret(encryptSecret(SECRET), endpoint), SECRET);
  });

  test("keepOrClearSecret: entered wins; kept only for the same endpoint", () => {
    const a = { host: "a", port: 1 };
    assert.deepEqual(
      keepOrClearSecret({ current: SECRET, entered: undefined, before: a, after: { ...a } }),
      { secret: SECRET, cleared: false },
    );
    assert.deepEqual(
      keepOrClearSecret({
        current: SECRET,
        entered: undefined,
        before: a,
        after: { ...a, port: 2 },
      }),
      { secret: "", cleared: true },
    );
    assert.deepEqual(
      keepOrClearSecret({ current: SECRET, entered: "new", before: a, after: { ...a, port: 2 } }),
      { secret: "new", cleared: false },
    );
    assert.deepEqual(
      keepOrClearSecret({ current: "", entered: undefined, before: a, after: { ...a, port: 2 } }),
      { secret: "", cleared: false },
    );
  });
});

function grInput(gr: Partial<TExportSettingsInput["GlobalRelaySettings"]> = {}) {
  return ZExportSettingsInput.parse({
    EnableExport: false,
    DailyRunTime: "01:00",
    TimeZone: "UTC",
    ExportFormat: "actiance",
    BatchSize: 100,
    ExportAttachments: true,
    GlobalRelaySettings: {
      CustomerType: "CUSTOM",
      SMTPUsername: "archiver",
      EmailAddress: "archive@archive.example",
      CustomSMTPServerName: "smtp.archive.example",
      CustomSMTPPort: 587,
      SMTPServerTimeout: 5,
      AllowPlainSMTP: false,
      ...gr,
    },
  });
}

describe("Global Relay / Custom SMTP", () => {
  test("changing host, port, TLS mode, username or customer type with the mask clears the stored password", async () => {
    for (const change of [
      { CustomSMTPServerName: "127.0.0.1" },
      { CustomSMTPPort: 2525 },
      { AllowPlainSMTP: true },
      { SMTPUsername: "someone-else" },
      { CustomerType: "A9" as const },
    ]) {
      await saveExportSettings({ input: grInput({ SMTPPassword: SECRET }) });
      assert.equal((await loadExportSettings()).GlobalRelaySettings.SMTPPassword, SECRET);
      const saved = await saveExportSettings({
        input: grInput({ ...change, SMTPPassword: SECRET_MASK }),
      });
      assert.equal(saved.passwordCleared, true, JSON.stringify(change));
      assert.equal(
        (await loadExportSettings()).GlobalRelaySettings.SMTPPassword,
        "",
        JSON.stringify(change),
      );
    }
  });

  test("the same change with the password entered again keeps the new one; an unrelated change keeps the old one", async () => {
    await saveExportSettings({ input: grInput({ SMTPPassword: SECRET }) });
    await saveExportSettings({
      input: grInput({ CustomSMTPPort: 2525, SMTPPassword: "Entered-Again-7" }),
    });
    assert.equal((await loadExportSettings()).GlobalRelaySettings.SMTPPassword, "Entered-Again-7");
    const unrelated = await saveExportSettings({
      input: ZExportSettingsInput.parse({
        ...grInput({ CustomSMTPPort: 2525, SMTPPassword: SECRET_MASK }),
        DailyRunTime: "03:30",
        GlobalRelaySettings: {
          ...grInput({ CustomSMTPPort: 2525 }).GlobalRelaySettings,
          SMTPPassword: SECRET_MASK,
          EmailAddress: "other-archive@archive.example",
        },
      }),
    });
    assert.equal(unrelated.passwordCleared, false);
    assert.equal((await loadExportSettings()).GlobalRelaySettings.SMTPPassword, "Entered-Again-7");
  });

  test("Test connection to a server the admin swapped in never receives the stored password", async () => {
    await saveExportSettings({ input: grInput({ SMTPPassword: SECRET }) });
    // The attacker's own plain-text server, the mask left in the password field.
    await saveExportSettings({
      input: grInput({
        CustomSMTPServerName: "127.0.0.1",
        CustomSMTPPort: attacker.port,
        AllowPlainSMTP: true,
        SMTPPassword: SECRET_MASK,
      }),
    });
    const gr = (await loadExportSettings()).GlobalRelaySettings;
    await testSmtpConnection(gr, { allowPlain: gr.AllowPlainSMTP });
    assert.ok(
      !attacker.auths.some((a) => a.password.includes(SECRET)),
      JSON.stringify(attacker.auths),
    );
  });

  test("a password edited into the database for another endpoint is not opened", async () => {
    await saveExportSettings({ input: grInput({ SMTPPassword: SECRET }) });
    // The Global Relay settings live in the built-in "globalrelay" target since the targets migration.
    const row = await db().target.findUniqueOrThrow({ where: { id: "globalrelay" } });
    const config = JSON.parse(row.config) as Record<string, unknown>;
    assert.equal(config.CustomSMTPServerName, "smtp.archive.example");
    config.CustomSMTPServerName = "evil.example";
    await db().target.update({
      where: { id: "globalrelay" },
      data: { config: JSON.stringify(config) },
    });
    assert.equal((await loadExportSettings()).GlobalRelaySettings.SMTPPassword, "");
  });
});

function notifyInput(patch: Partial<TNotificationSettingsInput> = {}) {
  return ZNotificationSettingsInput.parse({
    Enabled: true,
    SMTPHost: "smtp.notify.example",
    SMTPPort: 587,
    Security: "starttls",
    SMTPUsername: "notifier",
    FromAddress: "custodian@notify.example",
    Recipients: "",
    NotifyOnFailure: true,
    NotifyOnWarning: true,
    NotifyOnMissedSchedule: true,
    NotifyRequesters: true,
    ...patch,
  });
}

describe("notification SMTP", () => {
  test("changing host, port, security or username with the mask clears the stored password", async () => {
    for (const change of [
      { SMTPHost: "127.0.0.1" },
      { SMTPPort: 2525 },
      { Security: "none" as const },
      { SMTPUsername: "other" },
    ]) {
      await saveNotificationSettings(notifyInput({ SMTPPassword: SECRET }));
      const saved = await saveNotificationSettings(
        notifyInput({ ...change, SMTPPassword: SECRET_MASK }),
      );
      assert.equal(saved.passwordCleared, true, JSON.stringify(change));
      assert.equal((await loadNotificationSettings()).SMTPPassword, "", JSON.stringify(change));
    }
    await saveNotificationSettings(notifyInput({ SMTPPassword: SECRET }));
    const recipients = await saveNotificationSettings(
      notifyInput({ SMTPPassword: SECRET_MASK, Recipients: "a@notify.example" }),
    );
    assert.equal(recipients.passwordCleared, false);
    assert.equal((await loadNotificationSettings()).SMTPPassword, SECRET);
  });

  test("Send test email through a swapped-in plain-text server never carries the stored password", async () => {
    await saveNotificationSettings(notifyInput({ SMTPPassword: SECRET }));
    await saveNotificationSettings(
      notifyInput({
        SMTPHost: "127.0.0.1",
        SMTPPort: attacker.port,
        Security: "none",
        SMTPPassword: SECRET_MASK,
      }),
    );
    await sendEmail(await loadNotificationSettings(), {
      to: ["admin@notify.example"],
      subject: "test",
      text: "test",
    }).catch(() => undefined);
    assert.ok(
      !attacker.auths.some((a) => a.password.includes(SECRET)),
      JSON.stringify(attacker.auths),
    );
  });
});
