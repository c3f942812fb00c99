// The 250 MiB rule with real (sparse) files: a post whose attachments alone pass the limit is sent
// without them, with the placeholder line and an error log `global_relay_attachments_removed`; a
// post that would take the email past the limit starts the next part; attachments are streamed,
// never held in memory.

import assert from "node:assert/strict";
import { createReadStream } from "node:fs";
import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { batchOf, mmChannel } from "../testing/fixtures.ts";
import type { ExportFileInfo } from "../../model.ts";
import { renderGlobalRelayEmails } from "./render-global-relay-emails.ts";

const MiB = 1024 * 1024;
let dir = "";

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "custodian-gr-large-"));
  for (const [name, size] of [
    ["big.bin", 260 * MiB],
    ["medium.bin", 64 * MiB],
    ["next.bin", 200 * MiB],
  ] as const) {
    const file = path.join(dir, name);
    await writeFile(file, "");
    await truncate(file, size); // sparse: no disk blocks, no memory
  }
});
after(async () => rm(dir, { recursive: true, force: true }));

test("260 MiB attachment removed with placeholder and error log; 64 MiB streamed; 200 MiB starts part 1", async () => {
  const start = 1_700_000_000_000;
  const post = (id: string, at: number, fileId: string) => ({
    PostId: id,
    PostCreateAt: at,
    PostUpdateAt: at,
    PostMessage: `post ${id}`,
    PostProps: "{}",
    ChannelId: "ch1",
    ChannelType: "O" as const,
    UserId: "u1",
    UserEmail: "u1@example.com",
    Username: "alice",
    PostFileIds: [fileId],
  });
  const file = (id: string, name: string, size: number, at: number) => ({
    Id: id,
    Name: name,
    Path: path.join(dir, name),
    Size: size,
    CreateAt: at,
  });
  const batch = batchOf({
    batchStart: start,
    batchEnd: start + 60_000,
    channels: [
      mmChannel({ Id: "ch1", Name: "big-files", DisplayName: "Big files", Type: "O", TeamId: "t" }),
    ],
    posts: [
      post("p1", start + 1000, "fbig"),
      post("p2", start + 2000, "fmed"),
      post("p3", start + 3000, "fnext"),
    ],
    files: {
      p1: [file("fbig", "big.bin", 260 * MiB, start + 1000)],
      p2: [file("fmed", "medium.bin", 64 * MiB, start + 2000)],
      p3: [file("fnext", "next.bin", 200 * MiB, start + 3000)],
    },
  });

  const opened: string[] = [];
  const openAttachment = async (f: ExportFileInfo) => {
    opened.push(path.basename(f.path));
    return createReadStream(f.path);
  };
  const errors: { fields: Record<string, unknown>; message: string }[] = [];
  const log = {
    error: (fields: object, message: string) =>
      void errors.push({ fields: fields as Record<string, unknown>, message }),
    warn: () => {},
  };

  const emails = [];
  for await (const email of renderGlobalRelayEmails({
    batch,
    scope: "job-large",
    openAttachment,
    log,
  }))
    emails.push(email);

  assert.deepEqual(
    emails.map((e) => [e.fileName, e.attachments, e.removed]),
    [
      ["big-files - (ch1) - 0.eml", 1, [{ postId: "p1", fileIds: ["fbig"] }]],
      ["big-files - (ch1) - 1.eml", 1, []],
    ],
  );
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.fields.id, "global_relay_attachments_removed");
  assert.equal(errors[0]!.fields.post_id, "p1");
  assert.deepEqual(errors[0]!.fields.file_ids, ["fbig"]);

  // Stream part 0 without keeping it: a 64 MiB attachment goes through in constant memory.
  if (global.gc) global.gc();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  let bytes = 0;
  let head = "";
  let sawPlaceholder = false;
  let tail = "";
  for await (const chunk of emails[0]!.stream()) {
    const buf = chunk as Buffer;
    bytes += buf.length;
    if (head.length < 200_000) head += buf.toString("latin1");
    const window = tail + buf.toString("latin1");
    if (window.includes("was removed because it was too large to send.")) sawPlaceholder = true;
    tail = window.slice(-200);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  assert.ok(bytes > (64 * MiB * 4) / 3, `the base64 attachment is in the email (${bytes} bytes)`);
  // Holding the file and its base64 would take over 150 MiB; streaming stays at GC slack (~20-35 MiB).
  assert.ok(
    peak - rssBefore < 100 * MiB,
    `streamed, not buffered: RSS grew ${Math.round((peak - rssBefore) / MiB)} MiB`,
  );
  assert.ok(sawPlaceholder, "placeholder line present");
  const decoded = head.replace(/=\r\n/g, "").replace(/=3D/g, "=");
  assert.ok(
    decoded.includes(
      '<span class="message">Uploaded file &#34;big.bin&#34; (id &#39;fbig&#39;) was removed because it was too large to send.</span>',
    ),
    "HTML placeholder",
  );
  assert.ok(
    decoded.includes(
      `Uploaded file "big.bin" (id 'fbig') was removed because it was too large to send.`,
    ),
    "text placeholder",
  );
  assert.ok(head.includes("filename=medium.bin"), "medium.bin attached");
  assert.ok(!head.includes("filename=big.bin"), "big.bin not attached");
  assert.deepEqual(
    opened,
    ["medium.bin"],
    "the removed file is never opened; part 1's file only when part 1 is read",
  );
  assert.deepEqual(emails[0]!.warnings, []);
});
