// Issue 8 §6: a Mattermost bulk export written the way Mattermost writes it loads whole — null for
// empty lists and maps, channels, DMs and group messages, replies, reactions, attachments present and
// missing, a NUL in a group message — and every post reaches the export, whose warning.txt names the
// missing attachment as Mattermost's does.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { parse } from "csv-parse/sync";
import { db } from "../db/client.ts";
import { MISSING_FILE_ON_OPEN } from "../export/formats/attachments.ts";
import { claimNextJob } from "../jobs/claim-job.ts";
import { enqueueExportJob } from "../jobs/enqueue-job.ts";
import {
  jobExportDir,
  listBatchFiles,
  setExportSettings,
  unzipEntry,
  zipEntries,
} from "../testing/export-fixtures.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { runJob } from "../worker/run-job.ts";
import { importMattermostBulk } from "./import-mattermost-bulk.ts";

process.env.LOG_LEVEL = "silent";
let t: TestDatabase;
let filesDir: string;
const T = 1_735_732_800_000; // 2025-01-01T12:00:00Z

// Field for field as Mattermost's exporter marshals its import types (Go: nil slices and maps → null).
const LINES = [
  {
    type: "version",
    version: 1,
    info: { generator: "mattermost-server", version: "10.5.0", created: "2025-01-02T00:00:00Z" },
  },
  {
    type: "team",
    team: {
      name: "acme",
      display_name: "Acme",
      type: "O",
      description: null,
      allow_open_invite: false,
      scheme: null,
    },
  },
  {
    type: "channel",
    channel: {
      team: "acme",
      name: "town-square",
      display_name: "Town Square",
      type: "O",
      header: "",
      purpose: "",
      scheme: null,
      deleted_at: null,
    },
  },
  {
    type: "channel",
    channel: {
      team: "acme",
      name: "ops",
      display_name: "Ops",
      type: "P",
      header: null,
      purpose: null,
    },
  },
  {
    type: "user",
    user: {
      username: "alice",
      email: "alice@example.com",
      auth_service: null,
      auth_data: null,
      nickname: null,
      first_name: "Alice",
      last_name: "",
      position: null,
      roles: "system_user",
      locale: "en",
      delete_at: null,
      teams: [
        {
          name: "acme",
          roles: "team_user",
          theme: null,
          channels: [
            { name: "town-square", roles: "channel_user", notify_props: null, favorite: false },
            { name: "ops", roles: "channel_user" },
          ],
        },
      ],
      notify_props: null,
      preferences: null,
    },
  },
  {
    type: "user",
    user: {
      username: "bob",
      email: "bob@example.com",
      teams: [{ name: "acme", channels: null }],
      military_time: null,
    },
  },
  {
    type: "user",
    user: { username: "carol", email: "carol@example.com", teams: null, preferences: null },
  },
  {
    type: "post",
    post: {
      team: "acme",
      channel: "town-square",
      user: "alice",
      type: null,
      message: "The plan, and the budget",
      props: null,
      create_at: T,
      edit_at: null,
      flagged_by: null,
      reactions: [{ user: "bob", create_at: T + 5, emoji_name: "+1" }],
      replies: [
        {
          user: "bob",
          message: "Thanks!",
          create_at: T + 1000,
          flagged_by: null,
          reactions: null,
          attachments: null,
          props: null,
          edit_at: null,
        },
        {
          user: "carol",
          message: "Where is the budget?",
          create_at: T + 2000,
          reactions: null,
          attachments: [{ path: "data/20250101/budget.xlsx" }],
        },
      ],
      attachments: [{ path: "data/20250101/plan.pdf" }, { path: "data/20250101/budget.xlsx" }],
      is_pinned: false,
    },
  },
  {
    type: "post",
    post: {
      team: "acme",
      channel: "ops",
      user: "bob",
      message: "deploying",
      props: null,
      create_at: T + 500,
      replies: null,
      reactions: null,
      attachments: null,
      flagged_by: null,
    },
  },
  {
    type: "direct_channel",
    direct_channel: { members: ["alice", "bob"], favorited_by: null, shown_by: null, header: "" },
  },
  {
    type: "direct_channel",
    direct_channel: {
      members: null,
      participants: [{ username: "alice" }, { username: "bob" }, { username: "carol" }],
      favorited_by: null,
    },
  },
  {
    type: "direct_post",
    direct_post: {
      channel_members: ["alice", "bob"],
      user: "bob",
      message: "hi alice",
      create_at: T + 3000,
      replies: null,
      reactions: null,
      attachments: null,
      flagged_by: null,
      props: null,
    },
  },
  {
    type: "direct_post",
    direct_post: {
      channel_members: ["alice", "bob", "carol"],
      user: "carol",
      message: "group\u0000text\u0007bell",
      create_at: T + 4000,
      replies: null,
      reactions: null,
      attachments: null,
      flagged_by: null,
      props: null,
    },
  },
];

before(async () => {
  t = await useTestDatabase();
  filesDir = path.join(t.dataDir, "export");
  mkdirSync(path.join(filesDir, "data", "20250101"), { recursive: true });
  writeFileSync(path.join(filesDir, "data", "20250101", "plan.pdf"), "the plan");
  writeFileSync(
    path.join(t.dataDir, "export.jsonl"),
    LINES.map((l) => JSON.stringify(l)).join("\n") + "\n",
  );
  await setExportSettings({
    BatchSize: 100,
    ExportFromTimestamp: T - 86_400_000,
    ExportAttachments: true,
  });
});
after(async () => t.cleanup());

test("the whole file loads: nulls accepted, the NUL replaced with a warning, missing attachments are warnings naming line and path", async () => {
  const result = await importMattermostBulk({
    file: path.join(t.dataDir, "export.jsonl"),
    filesDir,
  });
  assert.ok(result.ok, JSON.stringify(result));
  assert.equal(result.counts.post, 6);
  assert.equal(result.counts.file_info, 3);
  const warnings = result.warnings.map((w) => `${w.index}: ${w.message}`);
  assert.ok(
    warnings.includes(
      `13: NUL character(s) in direct_post.message stored as U+FFFD (the replacement character): PostgreSQL text cannot hold NUL`,
    ),
    warnings.join("\n"),
  );
  const missing = warnings.filter((w) => w.includes("budget.xlsx"));
  assert.equal(missing.length, 2, warnings.join("\n"));
  for (const w of missing)
    assert.match(
      w,
      /^8: attachment file "data\/20250101\/budget\.xlsx" is missing from the files directory; the post and its file info are kept/,
    );

  const group = await db().post.findFirstOrThrow({ where: { message: { startsWith: "group" } } });
  assert.equal(
    group.message,
    "group\uFFFDtext\u0007bell",
    "the same on SQLite and PostgreSQL; other control characters as sent",
  );
  const budget = await db().fileInfo.findMany({ where: { name: "budget.xlsx" } });
  assert.equal(budget.length, 2);
  for (const f of budget) assert.equal(f.storeKey, "", "kept without bytes");
  assert.equal(
    (await db().chatChannel.findMany({ where: { type: { in: ["D", "G"] } } })).length,
    2,
  );

  const again = await importMattermostBulk({
    file: path.join(t.dataDir, "export.jsonl"),
    filesDir,
  });
  assert.ok(again.ok);
  assert.equal(await db().post.count(), 6, "importing again changes nothing");
});

test("every post reaches the export; warning.txt names the missing attachment as Mattermost does", async () => {
  const job = await enqueueExportJob({
    trigger: "manual",
    initiatedBy: "",
    initiatedByLabel: "test",
    format: "csv",
  });
  const claimed = await claimNextJob({ workerId: "w-mm", leaseMs: 60_000, jobId: job.id });
  assert.ok(claimed);
  const status = await runJob({ claimed, workerId: "w-mm", leaseMs: 60_000 });
  assert.equal(status, "warning", "missing attachments make the job a warning");
  const dir = await jobExportDir(job.id);
  const messages: string[] = [];
  let warningText = "";
  for (const name of await listBatchFiles(dir)) {
    const zip = path.join(dir, name);
    const rows = parse((await unzipEntry(zip, "posts.csv")).toString("utf8"), {
      columns: true,
    }) as Record<string, string>[];
    for (const r of rows) if (r["Post Type"] === "message") messages.push(r["Post Message"]!);
    if ((await zipEntries(zip)).includes("warning.txt"))
      warningText += (await unzipEntry(zip, "warning.txt")).toString("utf8");
  }
  assert.deepEqual(
    messages.sort(),
    [
      "Thanks!",
      "The plan, and the budget",
      "Where is the budget?",
      "deploying",
      "group\uFFFDtext\u0007bell",
      "hi alice",
    ].sort(),
  );
  const lines = warningText.trim().split("\n");
  assert.equal(lines.length, 2, warningText);
  for (const line of lines)
    assert.ok(
      line.startsWith(`Warning:${MISSING_FILE_ON_OPEN} - Post: `) &&
        line.endsWith(" - data/20250101/budget.xlsx"),
      line,
    );
});
