// Issue 8 §5: source attestations through the ingest API's records, compared per channel-day in the
// attested time zone; the CLI exits 1 on a mismatch; the failure recipients are mailed once per short day.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { resetEnvForTests } from "../../config/env.ts";
import { db } from "../../db/client.ts";
import { ZNotificationSettingsInput } from "../../notifications/schema.ts";
import { saveNotificationSettings } from "../../notifications/notification-settings-store.ts";
import { notifyShortDays, SHORT_DAY_GRACE_MS } from "../../notifications/notify-short-days.ts";
import { runCliInProcess } from "../../cli/testing/run-cli.ts";
import { LoopbackSmtp } from "../../testing/notify/loopback-smtp.ts";
import { useTestDatabase, type TestDatabase } from "../../testing/test-db.ts";
import { applyRecords } from "../apply-records.ts";
import { channel, fileInfo, post, team, user } from "../test-records.ts";
import { readAttestationMismatches } from "./read-attestation-mismatches.ts";
import { dayBounds, readCompleteness } from "./read-completeness.ts";

process.env.LOG_LEVEL = "silent";
let t: TestDatabase;
const smtp = new LoopbackSmtp();
before(async () => {
  process.env.CUSTODIAN_PUBLIC_URL = "https://custodian.example.com";
  t = await useTestDatabase();
  resetEnvForTests();
  await smtp.start();
});
after(async () => {
  await smtp.stop();
  await t.cleanup();
  delete process.env.CUSTODIAN_PUBLIC_URL;
});

// 2025-03-09 is the spring-forward day in New York: 23 hours, from 05:00Z to 04:00Z the next day.
const NY_DAY_START = Date.UTC(2025, 2, 9, 5);
const NY_DAY_END = Date.UTC(2025, 2, 10, 4);
const attestation = (
  channel_id: string,
  day: string,
  time_zone: string,
  posts: number,
  files = 0,
) => ({ type: "attestation", attestation: { channel_id, day, time_zone, posts, files } });

test("the day is the attested time zone's calendar day, DST included", () => {
  assert.deepEqual(dayBounds("2025-03-09", "America/New_York"), {
    start: NY_DAY_START,
    end: NY_DAY_END,
  });
  assert.deepEqual(dayBounds("2025-01-01", "UTC"), {
    start: Date.UTC(2025, 0, 1),
    end: Date.UTC(2025, 0, 2),
  });
});

test("attestations are validated, stored, compared; mismatches come first", async () => {
  const refused = await applyRecords({
    records: [
      attestation("chan1", "2025-02-30", "UTC", 1),
      attestation("chan1", "2025-03-09", "Mars/Olympus", 1),
      attestation("chan1", "2025-03-09", "UTC", -1),
    ],
  });
  assert.ok(!refused.ok);
  assert.deepEqual(
    refused.errors.map((e) => [e.index, e.field]),
    [
      [0, "attestation.day"],
      [1, "attestation.time_zone"],
      [2, "attestation.posts"],
    ],
  );

  const result = await applyRecords({
    records: [
      team,
      channel,
      user,
      // Inside the New York day: its first and last millisecond; outside: just before and at its end.
      post("a1", { create_at: NY_DAY_START, update_at: NY_DAY_START, file_ids: ["af1"] }),
      post("a2", { create_at: NY_DAY_END - 1, update_at: NY_DAY_END - 1 }),
      post("a3", { create_at: NY_DAY_START - 1, update_at: NY_DAY_START - 1 }),
      post("a4", { create_at: NY_DAY_END, update_at: NY_DAY_END }),
      fileInfo("af1", { post_id: "a1", channel_id: "chan1", create_at: NY_DAY_START }),
      // An edit keeps an earlier version row; it is not a post of its own.
      {
        type: "post_edited",
        post_edited: { post_id: "a2", message: "edited", edit_at: NY_DAY_END + 10 },
      },
      attestation("chan1", "2025-03-09", "America/New_York", 2, 1), // matches
      attestation("chan1", "2025-03-10", "America/New_York", 3, 0), // short: only a4 that day
      attestation("chan2", "2025-03-09", "UTC", 0, 0), // an empty day matches
      attestation("chan1", "2025-03-08", "America/New_York", 0, 0), // over: a3 was received
    ],
  });
  assert.ok(result.ok, JSON.stringify(result));
  assert.equal(result.counts.attestation, 4);
  const rows = await readCompleteness();
  assert.deepEqual(
    rows.map((r) => [
      r.status,
      r.channelId,
      r.day,
      r.attested.posts,
      r.received.posts,
      r.attested.files,
      r.received.files,
    ]),
    [
      ["short", "chan1", "2025-03-10", 3, 1, 0, 0],
      ["over", "chan1", "2025-03-08", 0, 1, 0, 0],
      ["ok", "chan1", "2025-03-09", 2, 2, 1, 1],
      ["ok", "chan2", "2025-03-09", 0, 0, 0, 0],
    ],
  );
  assert.equal(rows[0]!.channelName, "acme / Town Square");
  assert.deepEqual(
    (await readCompleteness({ from: "2025-03-09", to: "2025-03-09" })).map((r) => r.channelId),
    ["chan1", "chan2"],
  );
  assert.deepEqual(
    (await readAttestationMismatches()).map((r) => r.day),
    ["2025-03-10", "2025-03-08"],
  );

  // The same attestation again changes nothing; a recount replaces it.
  const before = await db().sourceAttestation.findUniqueOrThrow({
    where: { channelId_day: { channelId: "chan1", day: "2025-03-10" } },
  });
  assert.ok(
    (
      await applyRecords({
        records: [attestation("chan1", "2025-03-10", "America/New_York", 3, 0)],
      })
    ).ok,
  );
  assert.deepEqual(
    await db().sourceAttestation.findUniqueOrThrow({
      where: { channelId_day: { channelId: "chan1", day: "2025-03-10" } },
    }),
    before,
  );
});

test("cli completeness: exit 1 on a mismatch, 0 when the range matches; --json", async () => {
  const all = await runCliInProcess(["completeness"]);
  assert.equal(all.code, 1, all.stderr);
  assert.match(
    all.stdout,
    /^short 2025-03-10 America\/New_York acme \/ Town Square \(chan1\): attested 3 posts 0 files, received 1 posts 0 files$/m,
  );
  assert.match(all.stdout, /2 of 4 attested channel-days do not match\./);
  const day = await runCliInProcess([
    "completeness",
    "--from",
    "2025-03-09",
    "--to",
    "2025-03-09",
    "--json",
  ]);
  assert.equal(day.code, 0, day.stderr);
  const json = JSON.parse(day.stdout) as { ok: boolean; rows: unknown[] };
  assert.equal(json.ok, true);
  assert.equal(json.rows.length, 2);
  assert.equal((await runCliInProcess(["completeness", "--from", "March"])).code, 2);
});

test("a short day is mailed to the failure recipients once, after the grace period", async () => {
  await saveNotificationSettings(
    ZNotificationSettingsInput.parse({
      Enabled: true,
      SMTPHost: "127.0.0.1",
      SMTPPort: smtp.port,
      Security: "none",
      SMTPUsername: "",
      FromAddress: "custodian@example.com",
      Recipients: "compliance@example.com",
      NotifyOnFailure: true,
      NotifyOnWarning: false,
      NotifyOnMissedSchedule: false,
      NotifyRequesters: false,
    }),
  );
  const received = Number(
    (await db().sourceAttestation.findFirstOrThrow({ where: { day: "2025-03-10" } })).receivedAt,
  );
  assert.deepEqual(
    await notifyShortDays({ now: new Date(received + 60_000) }),
    { mailed: 0 },
    "within the grace period the source may still be sending",
  );
  const later = new Date(received + SHORT_DAY_GRACE_MS + 60_000);
  assert.deepEqual(await notifyShortDays({ now: later }), { mailed: 1 });
  const [mail, ...rest] = smtp.take();
  assert.equal(rest.length, 0);
  assert.deepEqual(mail!.envelopeTo, ["compliance@example.com"]);
  assert.match(
    mail!.mail.text ?? "",
    /2025-03-10 \(America\/New_York\), channel chan1: attested 3 posts and 0 files, received 1 posts and 0 files/,
  );
  assert.match(mail!.mail.text ?? "", /https:\/\/custodian\.example\.com\/completeness/);
  assert.deepEqual(
    await notifyShortDays({ now: new Date(later.getTime() + 600_000) }),
    { mailed: 0 },
    "once per channel-day",
  );
  assert.equal(smtp.take().length, 0);
});
