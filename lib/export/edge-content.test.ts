// RELIABILITY.md check 37 — ingest edge content. Posts ingested through applyRecords (the ingest
// API's code path) with a 1 MiB message, ZWJ emoji, RTL override, combining marks, XML/HTML
// markup, spreadsheet-formula lookalikes and tab/CR/LF are exported as CSV, Actiance XML and JSON,
// and each text read back (csv-parse / saxes strict / JSON.parse) equals the input byte for byte.
// A NUL in a message, and a message one byte over 1 MiB, are refused naming the field; the
// refusal is asserted against fixed values so SQLite and PostgreSQL runs must agree.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import path from "node:path";
import { after, before, test } from "node:test";
import { parse } from "csv-parse/sync";
import { SaxesParser } from "saxes";
import { db } from "../db/client.ts";
import { applyRecords } from "../ingest/apply-records.ts";
import { channel, history, post, T0, team, user } from "../ingest/test-records.ts";
import { claimNextJob } from "../jobs/claim-job.ts";
import { enqueueExportJob } from "../jobs/enqueue-job.ts";
import { runJob as workJob } from "../worker/run-job.ts";
import type { ExportFormat } from "../settings/schema.ts";
import {
  assertZipTests,
  jobExportDir,
  listBatchFiles,
  setExportSettings,
  unzipEntry,
  zipEntries,
} from "../testing/export-fixtures.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";

process.env.LOG_LEVEL = "silent";

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

const ONE_MIB = 1_048_576;
const big = "0123456789abcdef".repeat(ONE_MIB / 16).slice(0, ONE_MIB - 6) + "é👍"; // 1 MiB exactly, multibyte at the end
assert.equal(Buffer.byteLength(big, "utf8"), ONE_MIB);

/** post id → message. Ids are valid ingest ids; times one second apart. */
const MESSAGES: Record<string, string> = {
  bigmsg: big,
  zwjemoji: "family 👩‍👩‍👧 here",
  rtloverride: "abc\u202Etxt.exe\u202C done",
  composed: "caf\u00E9",
  decomposed: "cafe\u0301",
  cdataend: "a ]]> b <![CDATA[ c ]]>",
  script: "<script>alert('x')</script> & &amp; \"q\"",
  hyperlink: '=HYPERLINK("x")',
  plusone: "+1",
  atsum: "@SUM(1)",
  minus: "-1",
  controls: "tab\there\r\ncrlf\rcr\nlf\t",
  leadingtab: "\t=1",
  leadingcr: "\r=1",
  spaces: "  leading and trailing  ",
};
const IDS = Object.keys(MESSAGES);
const WINDOW = { start: T0, end: T0 + 3_600_000 };

let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
  await setExportSettings({ BatchSize: 1000, ExportFromTimestamp: T0 - 60_000 });
});
after(async () => {
  await t.cleanup();
});

test("applyRecords accepts a 1 MiB message and the edge-content posts", async () => {
  const records = [
    team,
    channel,
    user,
    history,
    ...IDS.map((id, i) =>
      post(id, {
        message: MESSAGES[id],
        create_at: T0 + 1000 * (i + 1),
        update_at: T0 + 1000 * (i + 1),
      }),
    ),
  ];
  const result = await applyRecords({ records });
  assert.ok(result.ok, `refused: ${JSON.stringify(!result.ok && result.errors)}`);
  assert.equal(result.counts.post, IDS.length);
  for (const id of IDS) {
    const row = await db().post.findUniqueOrThrow({ where: { id } });
    assert.equal(sha256(row.message), sha256(MESSAGES[id]!), `${id} stored byte-exact`);
  }
});

test("a NUL in a message is refused naming the field (same result on SQLite and PostgreSQL)", async () => {
  const result = await applyRecords({
    records: [
      post("nulmsg", { message: "before\u0000after", create_at: T0 + 500, update_at: T0 + 500 }),
    ],
  });
  assert.equal(result.ok, false);
  assert.ok(!result.ok);
  // Fixed expectation: both databases must give exactly this.
  assert.deepEqual(result.errors, NUL_ERRORS, JSON.stringify(result.errors));
  assert.equal(result.errorCount, 1);
  assert.equal(await db().post.count({ where: { id: "nulmsg" } }), 0, "nothing written");
});

test("a message one byte over 1 MiB is refused naming the field", async () => {
  const result = await applyRecords({
    records: [post("toobig", { message: big + "x", create_at: T0 + 600, update_at: T0 + 600 })],
  });
  assert.ok(!result.ok);
  assert.equal(result.errors.length, 1);
  assert.equal(result.errors[0]!.index, 0);
  assert.match(result.errors[0]!.field, /message/);
  assert.match(result.errors[0]!.message, /1048577 bytes.*1 MiB/);
  assert.equal(await db().post.count({ where: { id: "toobig" } }), 0);
});

async function exportWindow(format: ExportFormat): Promise<string> {
  const job = await enqueueExportJob({
    trigger: "manual",
    initiatedBy: "u1",
    initiatedByLabel: "test",
    format,
    window: WINDOW,
  });
  const claimed = await claimNextJob({ workerId: "w-test", leaseMs: 60_000, jobId: job.id });
  assert.ok(claimed);
  const status = await workJob({ claimed, workerId: "w-test", leaseMs: 60_000 });
  const row = await db().exportJob.findUniqueOrThrow({ where: { id: job.id } });
  assert.equal(status, "success", `${format} job: ${row.error}`);
  const dir = await jobExportDir(job.id);
  const files = await listBatchFiles(dir);
  assert.equal(files.length, 1, `${format}: one batch`);
  const zip = path.join(dir, files[0]!);
  await assertZipTests(zip);
  return zip;
}

function assertTexts(
  format: string,
  got: Map<string, string>,
  expected: (id: string) => string = (id) => MESSAGES[id]!,
) {
  for (const id of IDS) {
    assert.ok(got.has(id), `${format}: ${id} exported`);
    const want = expected(id);
    const have = got.get(id)!;
    if (id === "bigmsg") {
      assert.equal(Buffer.byteLength(have, "utf8"), ONE_MIB, `${format}: 1 MiB message length`);
      assert.equal(sha256(have), sha256(want), `${format}: 1 MiB message sha256`);
    } else {
      assert.equal(
        Buffer.from(have, "utf8").toString("hex"),
        Buffer.from(want, "utf8").toString("hex"),
        `${format}: ${id} byte-exact (${JSON.stringify(have)} vs ${JSON.stringify(want)})`,
      );
    }
  }
}

test("CSV: posts.csv round-trips every text byte-exact (csv-parse)", async () => {
  const zip = await exportWindow("csv");
  const rows = parse((await unzipEntry(zip, "posts.csv")).toString("utf8"), {
    columns: true,
    relax_quotes: false,
    bom: false,
  }) as Array<Record<string, string>>;
  const got = new Map<string, string>();
  for (const r of rows)
    if (r["Post Type"] === "message") got.set(r["Post Id"]!, r["Post Message"]!);
  assertTexts("csv", got);
});

test("Actiance: actiance_export.xml parses strictly and every <Content> equals the input", async () => {
  const zip = await exportWindow("actiance");
  const xml = (await unzipEntry(zip, "actiance_export.xml")).toString("utf8");
  const parser = new SaxesParser({ xmlns: false });
  const got = new Map<string, string>();
  let message: Record<string, string> | null = null;
  let field: string | null = null;
  parser.on("opentag", (tag) => {
    if (tag.name === "Message") message = {};
    else if (message) field = tag.name;
  });
  parser.on("text", (text) => {
    if (message && field) message[field] = (message[field] ?? "") + text;
  });
  parser.on("cdata", (text) => {
    if (message && field) message[field] = (message[field] ?? "") + text;
  });
  parser.on("closetag", (tag) => {
    if (tag.name === "Message" && message) {
      const m = message as Record<string, string>;
      got.set(m.MessageId!, m.Content ?? "");
      message = null;
    }
    field = null;
  });
  parser.write(xml).close();
  // None of these texts holds a character invalid in XML, so nothing becomes U+FFFD.
  assertTexts("actiance", got, (id) =>
    MESSAGES[id]!.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD"),
  );
});

test("JSON: every day file parses and each message's text equals the input", async () => {
  const zip = await exportWindow("json");
  const dayFiles = (await zipEntries(zip)).filter((n) =>
    /^(People_Chats|Team_Chats)\/.*\.json$/.test(n),
  );
  assert.ok(dayFiles.length > 0, "day files");
  const got = new Map<string, string>();
  for (const name of dayFiles) {
    const day = JSON.parse((await unzipEntry(zip, name)).toString("utf8")) as {
      messages: Array<{ id: string; text: string | null }>;
    };
    for (const m of day.messages) if (m.text !== null) got.set(m.id, m.text);
  }
  assertTexts("json", got);
});

const NUL_ERRORS = [
  {
    index: 0,
    field: "post.message",
    message: "must not contain the NUL character (\\u0000); PostgreSQL text cannot store it",
  },
];
