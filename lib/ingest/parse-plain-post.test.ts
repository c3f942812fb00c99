// Issue 14: the direct check of plain posts gives exactly what the schema gives (key order included,
// which the warnings read), and leaves everything else to the schema and its messages.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parsePlainPost } from "./parse-plain-post.ts";
import { ZPost } from "./schema.ts";
import { validateRecordSync } from "./validate-record.ts";

const base = {
  id: "p1",
  channel_id: "c1",
  user_id: "u1",
  create_at: 1_735_689_600_000,
  message: "hello",
};

const accepted: Array<Record<string, unknown>> = [
  base,
  { ...base, update_at: base.create_at + 5 },
  { ...base, edit_at: base.create_at + 7, delete_at: 0 },
  { ...base, update_at: 1, edit_at: 2, delete_at: 3 },
  { ...base, props: null, file_ids: null },
  { ...base, props: { from_bot: "true", nested: { a: [1, 2] } }, file_ids: ["f1", "f2"] },
  { ...base, root_id: "", original_id: "", type: "system_join_channel", hashtags: "#a #b" },
  { ...base, message: "", is_pinned: true, metadata: { embeds: [] }, reply_count: 3 },
  { ...base, message: "x".repeat(349_525) },
  JSON.parse(
    `{"id":"p2","channel_id":"c1","user_id":"u1","create_at":5,"message":"m","props":{"__proto__":{"a":1}}}`,
  ),
];

const declined: Array<Record<string, unknown>> = [
  { ...base, create_at: "1735689600000" }, // a string of digits: the schema turns it into a number
  { ...base, update_at: null },
  { ...base, create_at: -1 },
  { ...base, create_at: 1.5 },
  { ...base, id: "" },
  { ...base, id: "a/b" },
  { ...base, id: ".." },
  { ...base, id: "x".repeat(65) },
  { ...base, channel_id: 7 },
  { ...base, message: undefined },
  { ...base, message: "x".repeat(349_526) }, // might pass 1 MiB of UTF-8: the schema counts the bytes
  { ...base, message: "a\u0000b" },
  { ...base, type: "t".repeat(4097) },
  { ...base, props: [] },
  { ...base, props: "{}" },
  { ...base, root_id: "a\\b" },
  { ...base, file_ids: ["ok", ""] },
  { ...base, file_ids: "f1" },
  { ...base, file_ids: Array.from({ length: 1001 }, (_, i) => `f${i}`) },
];

test("a plain post parses to exactly what the schema gives, key order included", () => {
  for (const body of accepted) {
    const fast = parsePlainPost(body);
    assert.ok(fast, `accepted: ${JSON.stringify(body).slice(0, 80)}`);
    assert.equal(JSON.stringify(fast), JSON.stringify(ZPost.parse(body)));
  }
  const props = { keep: "me" };
  assert.equal(
    parsePlainPost({ ...base, props })!.props,
    props,
    "props are kept verbatim, as the schema keeps them",
  );
});

test("anything else is left to the schema, which words the error or reads the value", () => {
  for (const body of declined)
    assert.equal(parsePlainPost(body), undefined, JSON.stringify(body).slice(0, 80));
  assert.equal(parsePlainPost(null), undefined);
  assert.equal(parsePlainPost([base]), undefined);
  // Through validation: the schema's answers are unchanged.
  const digits = validateRecordSync({
    index: 0,
    value: { type: "post", post: { ...base, create_at: "1735689600000" } },
  });
  assert.equal(
    digits.valid?.record.type === "post" && digits.valid.record.post.create_at,
    1_735_689_600_000,
  );
  const bad = validateRecordSync({
    index: 3,
    value: { type: "post", post: { ...base, id: "a/b" } },
  });
  assert.equal(bad.errors[0]?.field, "post.id");
  assert.equal(bad.errors[0]?.index, 3);
});

test("warnings of a plain post are those of the schema's record", () => {
  const body = { ...base, create_at: 1_700_000_000, update_at: 5, edit_at: 1_600_000_000 };
  const checked = validateRecordSync({ index: 2, value: { type: "post", post: body } });
  assert.deepEqual(
    checked.warnings.map((w) => w.message),
    [
      "post.create_at 1700000000 looks like seconds; times are epoch milliseconds",
      "post.update_at is before create_at",
    ],
  );
});
