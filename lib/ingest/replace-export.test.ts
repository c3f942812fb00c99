// Issue 8 §1 (ingest half): re-ingesting a post with a different message never destroys archived text
// — the next run exports the old text as EditedOriginalMsg and the new one as EditedNewMsg, whether
// update_at moved or not — and an identical replay (records, events, file infos, bytes) writes
// nothing, so the next run exports nothing.
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { after, before, test } from "node:test";
import { parse } from "csv-parse/sync";
import { db } from "../db/client.ts";
import { claimNextJob } from "../jobs/claim-job.ts";
import { enqueueExportJob } from "../jobs/enqueue-job.ts";
import {
  jobExportDir,
  listBatchFiles,
  setExportSettings,
  unzipEntry,
} from "../testing/export-fixtures.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { runJob } from "../worker/run-job.ts";
import { applyRecords } from "./apply-records.ts";
import { storeFileBytes } from "./file-store.ts";
import { T0, channel, fileInfo, post, team, user } from "./test-records.ts";
import path from "node:path";

process.env.LOG_LEVEL = "silent";
let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
  await setExportSettings({ BatchSize: 100, ExportFromTimestamp: T0 - 86_400_000 });
});
after(async () => t.cleanup());

type Entry = { postId: string; type: string; message: string; updateAt: string };

async function run(): Promise<Entry[]> {
  const job = await enqueueExportJob({
    trigger: "manual",
    initiatedBy: "",
    initiatedByLabel: "test",
    format: "csv",
  });
  const claimed = await claimNextJob({ workerId: "w-replace", leaseMs: 60_000, jobId: job.id });
  assert.ok(claimed);
  const status = await runJob({ claimed, workerId: "w-replace", leaseMs: 60_000 });
  const row = await db().exportJob.findUniqueOrThrow({ where: { id: job.id } });
  assert.ok(status === "success" || status === "warning", `${status}: ${row.error}`);
  if (row.batchesWritten === 0) return [];
  const dir = await jobExportDir(job.id);
  const entries: Entry[] = [];
  for (const name of await listBatchFiles(dir)) {
    const rows = parse((await unzipEntry(path.join(dir, name), "posts.csv")).toString("utf8"), {
      columns: true,
    }) as Record<string, string>[];
    for (const r of rows)
      if (r["Post Type"] === "message")
        entries.push({
          postId: r["Post Id"]!,
          type: r["Post Update Type"]!,
          message: r["Post Message"]!,
          updateAt: r["Post Update Time"]!,
        });
  }
  return entries;
}

async function apply(records: unknown[]) {
  const result = await applyRecords({ records });
  assert.ok(result.ok, JSON.stringify(result));
  return result;
}

const stream = () => [
  team,
  channel,
  user,
  post("r1", { message: "first text", file_ids: ["rf1"] }),
  fileInfo("rf1", { post_id: "r1", channel_id: "chan1", path: "a/rf1.pdf" }),
  {
    type: "channel_member_history",
    channel_member_history: { channel_id: "chan1", user_id: "user1", join_time: T0 },
  },
  { type: "post_created", post_created: { post: post("r2", { message: "to edit" }).post } },
  { type: "post_edited", post_edited: { post_id: "r2", message: "edited", edit_at: T0 + 5000 } },
  { type: "post_created", post_created: { post: post("r3", { message: "to delete" }).post } },
  {
    type: "post_deleted",
    post_deleted: { post_id: "r3", delete_at: T0 + 6000, deleted_by: "user1" },
  },
  {
    type: "member_joined",
    member_joined: { channel_id: "chan1", user_id: "user2", time: T0 + 7000 },
  },
  { type: "member_left", member_left: { channel_id: "chan1", user_id: "user2", time: T0 + 8000 } },
];

test("an identical replay of every kind of record, and of uploaded bytes, writes nothing: the next run exports nothing", async () => {
  await apply(stream());
  await storeFileBytes({ fileId: "rf1", source: Readable.from([Buffer.from("pdf")]) });
  const first = await run();
  assert.ok(first.some((e) => e.postId === "r1"));
  const counter = async () =>
    (await db().feedSequence.findUniqueOrThrow({ where: { id: 1 } })).value;

  await apply(stream());
  await apply(stream().slice(3)); // and in another cut
  await storeFileBytes({ fileId: "rf1", source: Readable.from([Buffer.from("pdf")]) });
  const maxSeq = async () =>
    Math.max(
      Number((await db().post.aggregate({ _max: { seq: true } }))._max.seq ?? 0),
      Number((await db().fileInfo.aggregate({ _max: { seq: true } }))._max.seq ?? 0),
      Number((await db().channelMemberHistory.aggregate({ _max: { seq: true } }))._max.seq ?? 0),
    );
  assert.ok((await maxSeq()) <= Number(await counter()));
  assert.deepEqual(await run(), [], "a replay is not a new version");
});

test("a replace with a different message and the same update_at: EditedOriginalMsg (old text) + EditedNewMsg (new text)", async () => {
  await apply([post("r4", { message: "original words" })]);
  assert.deepEqual(
    (await run()).map((e) => [e.postId, e.type, e.message]),
    [["r4", "", "original words"]],
  );

  await apply([post("r4", { message: "replaced words" })]);
  const next = await run();
  assert.deepEqual(next.map((e) => [e.type, e.message]).sort(), [
    ["EditedNewMsg", "replaced words"],
    ["EditedOriginalMsg", "original words"],
  ]);
  await apply([post("r4", { message: "replaced words" })]);
  assert.deepEqual(await run(), [], "an identical replay of the replacing record exports nothing");
});

test("a replace with a different message and a later update_at: EditedOriginalMsg + EditedNewMsg, then nothing on replay", async () => {
  await apply([post("r5", { message: "v1" })]);
  await run();
  await apply([post("r5", { message: "v2", update_at: T0 + 9000 })]);
  const next = await run();
  assert.deepEqual(next.map((e) => [e.type, e.message, e.updateAt]).sort(), [
    ["EditedNewMsg", "v2", String(T0 + 9000)],
    ["EditedOriginalMsg", "v1", String(T0 + 9000)],
  ]);
  await apply([post("r5", { message: "v2", update_at: T0 + 9000 })]);
  assert.deepEqual(await run(), []);
});
