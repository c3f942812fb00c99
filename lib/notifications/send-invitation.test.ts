import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { LoopbackSmtp } from "../testing/notify/loopback-smtp.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { saveNotificationSettings } from "./notification-settings-store.ts";
import { ZNotificationSettingsInput } from "./schema.ts";
import { sendInvitation, sendPasswordReset } from "./send-invitation.ts";

let t: TestDatabase;
const smtp = new LoopbackSmtp();
const invite = {
  email: "new.admin@example.com",
  token: "tok_" + "x".repeat(40),
  expiresAt: new Date("2030-01-01T00:00:00Z"),
  invitedBy: "owner@example.com",
};

before(async () => {
  process.env.LOG_LEVEL = "silent";
  process.env.CUSTODIAN_PUBLIC_URL = "https://custodian.example.com";
  t = await useTestDatabase();
  await smtp.start();
});
after(async () => {
  await smtp.stop();
  await t.cleanup();
  delete process.env.CUSTODIAN_PUBLIC_URL;
});

const settings = (enabled: boolean) =>
  saveNotificationSettings(
    ZNotificationSettingsInput.parse({
      Enabled: enabled,
      SMTPHost: "127.0.0.1",
      SMTPPort: smtp.port,
      Security: "none",
      SMTPUsername: "",
      FromAddress: "custodian@example.com",
      Recipients: "",
      NotifyOnFailure: true,
      NotifyOnWarning: true,
      NotifyOnMissedSchedule: true,
      NotifyRequesters: true,
    }),
    { byOwner: true },
  );

test("without notification email the invitation is not sent (the console shows the link instead)", async () => {
  await settings(false);
  assert.equal((await sendInvitation(invite)).emailed, false);
  assert.equal(smtp.messages.length, 0);
});

test("with notification email the new admin gets one email holding the set-password link", async () => {
  await settings(true);
  assert.equal((await sendInvitation(invite)).emailed, true);
  assert.equal(smtp.messages.length, 1);
  const m = smtp.messages[0]!;
  assert.deepEqual(m.envelopeTo, [invite.email]);
  assert.ok(
    m.mail.text?.includes(`https://custodian.example.com/set-password?token=${invite.token}`),
    m.mail.text,
  );
  assert.match(m.mail.subject ?? "", /added as an admin/);
});

test("a mail server that is down makes it fall back to the link, without throwing", async () => {
  await smtp.stop();
  try {
    assert.equal((await sendInvitation(invite)).emailed, false);
  } finally {
    await smtp.start();
  }
});

test("a reissued link goes to the admin by email when mail is configured (issue 11 item 4)", async () => {
  await settings(true);
  smtp.take();
  const reset = await sendPasswordReset({
    email: "forgetful@example.com",
    token: invite.token,
    expiresAt: invite.expiresAt,
    resetBy: "manager@example.com",
  });
  assert.deepEqual(reset, { emailed: true, reason: "" });
  const [m, ...more] = smtp.take();
  assert.equal(more.length, 0);
  assert.deepEqual(m!.envelopeTo, ["forgetful@example.com"]);
  assert.match(m!.mail.subject ?? "", /Set a new password/);
  assert.ok(m!.mail.text?.includes(`set-password?token=${invite.token}`));
  assert.ok(m!.mail.text?.includes("manager@example.com"));
});
