import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, test } from "node:test";
import { db } from "../db/client.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { generateWorkspace } from "./generate-workspace.ts";
import { seedWorkspace } from "./seed-workspace.ts";
import { validateRecord } from "./validate-record.ts";

let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
});
after(async () => t.cleanup());

function streamHash(options: Parameters<typeof generateWorkspace>[0]): {
  sha256: string;
  records: unknown[];
} {
  const hash = createHash("sha256");
  const records: unknown[] = [];
  for (const record of generateWorkspace(options)) {
    hash.update(JSON.stringify(record) + "\n");
    records.push(record);
  }
  return { sha256: hash.digest("hex"), records };
}

test("the same seed gives a byte-identical record stream; another seed a different one", () => {
  const a = streamHash({ posts: 1000, seed: 42 });
  const b = streamHash({ posts: 1000, seed: 42 });
  const c = streamHash({ posts: 1000, seed: 43 });
  assert.equal(a.sha256, b.sha256);
  assert.notEqual(a.sha256, c.sha256);
});

test("the workspace has every kind of thing an export must handle, and every record is valid", async () => {
  const { records } = streamHash({ posts: 1000, seed: 7 });
  const kinds = new Map<string, number>();
  const bump = (k: string) => kinds.set(k, (kinds.get(k) ?? 0) + 1);
  const times: number[] = [];
  for (const [index, value] of records.entries()) {
    const checked = await validateRecord({ index, value });
    assert.deepEqual(checked.errors, [], JSON.stringify(value));
    assert.deepEqual(checked.warnings, [], JSON.stringify(value));
    const r = checked.valid!.record;
    bump(r.type);
    if (r.type === "channel") bump(`channel:${r.channel.type}`);
    if (r.type === "user" && r.user.is_bot) bump("bot");
    if (r.type === "user" && r.user.delete_at > 0) bump("deactivated user");
    if (r.type === "post") {
      times.push(r.post.create_at);
      if (r.post.root_id) bump("reply");
      if (r.post.props.from_webhook === "true" && r.post.props.override_username) bump("webhook");
      if (r.post.props.from_bot === "true") bump("bot post");
      if (r.post.type.startsWith("system_")) bump("system post");
      if (/[\u0590-\u06FF]/.test(r.post.message)) bump("rtl");
      if (/\p{Extended_Pictographic}/u.test(r.post.message)) bump("emoji");
    }
  }
  for (const kind of [
    "team",
    "user",
    "bot",
    "deactivated user",
    "channel:O",
    "channel:P",
    "channel:D",
    "channel:G",
    "post",
    "reply",
    "webhook",
    "bot post",
    "system post",
    "file_info",
    "post_edited",
    "post_deleted",
    "member_joined",
    "member_left",
    "rtl",
    "emoji",
  ]) {
    assert.ok(
      (kinds.get(kind) ?? 0) > 0,
      `no ${kind} in ${JSON.stringify(Object.fromEntries(kinds))}`,
    );
  }
  assert.equal(
    records.filter(
      (r) =>
        (r as { type: string; post?: { type: string } }).type === "post" &&
        (r as { post: { type: string } }).post.type === "",
    ).length,
    1000,
  );
  assert.deepEqual(
    times.filter((x) => x > 0),
    times,
    "every post has a time",
  );
});

test("the channel count can be set (the acceptance corpus: 3,000 posts over 40 channels)", () => {
  const channels = [...generateWorkspace({ posts: 3000, seed: 1, channels: 40 })].filter(
    (r) => r.type === "channel",
  );
  assert.equal(channels.length, 40);
});

test("seeding applies the generated workspace: edits and deletions in Mattermost's shape, files linked", async () => {
  const result = await seedWorkspace({ posts: 400, seed: 5 });
  assert.deepEqual(result.warnings, []);
  assert.ok(result.counts.post >= 400);
  const d = db();
  const editedOriginals = await d.post.findMany({ where: { originalId: { not: "" } } });
  assert.equal(editedOriginals.length, result.counts.post_edited);
  for (const old of editedOriginals) {
    assert.equal(old.deleteAt, old.updateAt);
    const live = await d.post.findUniqueOrThrow({ where: { id: old.originalId } });
    assert.ok(live.editAt >= old.updateAt);
  }
  const deleted = await d.post.findMany({ where: { deleteAt: { gt: 0n }, originalId: "" } });
  assert.ok(deleted.length >= result.counts.post_deleted);
  assert.ok(deleted.every((p) => typeof JSON.parse(p.props).deleteBy === "string"));
  const files = await d.fileInfo.findMany();
  assert.equal(files.length, result.counts.file_info);
  assert.ok(files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256) && f.storeKey !== ""));
  const open = await d.channelMemberHistory.count({ where: { leaveTime: null } });
  const closed = await d.channelMemberHistory.count({ where: { leaveTime: { not: null } } });
  assert.ok(open > 0 && closed > 0);

  const before = await d.post.count();
  await seedWorkspace({ posts: 400, seed: 5 });
  assert.equal(await d.post.count(), before, "seeding the same workspace again adds nothing");
});

/** Every time field a generated record carries. */
function times(record: unknown): number[] {
  const out: number[] = [];
  const walk = (v: unknown, key = "") => {
    if (typeof v === "number" && /(_at|^time|_time)$/.test(key) && v > 0) out.push(v);
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(record);
  return out;
}

test("spanMs spreads the workspace over the span and dates nothing after its end; same start ⇒ same bytes", () => {
  const DAY = 86_400_000;
  const from = Date.parse("2026-10-01T00:00:00Z");
  const a = streamHash({ posts: 2000, seed: 7, startAt: from, spanMs: 30 * DAY });
  const b = streamHash({ posts: 2000, seed: 7, startAt: from, spanMs: 30 * DAY });
  assert.equal(a.sha256, b.sha256, "deterministic for a fixed start");
  const all = a.records.flatMap(times);
  assert.ok(Math.max(...all) <= from + 30 * DAY, "nothing after the end");
  const postTimes = a.records
    .filter((r) => (r as { type: string }).type === "post")
    .map((r) => (r as { post: { create_at: number } }).post.create_at);
  // The posts reach into the last days of the span (the demo data ends near "now")…
  assert.ok(
    Math.max(...postTimes) > from + 27 * DAY,
    `last post ${new Date(Math.max(...postTimes)).toISOString()}`,
  );
  // …and fill it: at least 25 of the 30 days have posts.
  const days = new Set(postTimes.map((t) => Math.floor((t - from) / DAY)));
  assert.ok(days.size >= 25, `${days.size} days with posts`);
  // Without spanMs the stream is what it always was (a minute or so between posts).
  const plain = streamHash({ posts: 2000, seed: 7, startAt: from });
  assert.notEqual(plain.sha256, a.sha256);
  assert.equal(
    plain.records.length >= a.records.length,
    true,
    "the span only drops events past its end",
  );
});
