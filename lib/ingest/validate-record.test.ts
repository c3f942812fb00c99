import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_MESSAGE_BYTES, UNSAFE_ID_MESSAGE } from "./schema.ts";
import {
  T0,
  channel,
  everyRecordType,
  fileInfo,
  history,
  post,
  team,
  user,
} from "./test-records.ts";
import { validateRecord } from "./validate-record.ts";

async function check(value: unknown, index = 7) {
  return validateRecord({ index, value });
}

async function errorsOf(value: unknown) {
  const result = await check(value);
  assert.equal(result.valid, undefined, "expected the record to be refused");
  return result.errors.map((e) => `${e.index} ${e.field}: ${e.message}`);
}

function withBody(
  record: { type: string } & Record<string, unknown>,
  patch: Record<string, unknown>,
) {
  const body = { ...(record[record.type] as Record<string, unknown>), ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete body[k];
  return { type: record.type, [record.type]: body };
}

test("one good record of every type passes", async () => {
  for (const record of everyRecordType()) {
    const result = await check(record);
    assert.deepEqual(result.errors, [], JSON.stringify(record));
    assert.equal(result.valid?.record.type, record.type);
  }
});

test("omitted optional fields take Mattermost's defaults; update_at defaults to create_at", async () => {
  const t = await check({ type: "team", team: { id: "t", name: "n" } });
  assert.deepEqual(t.valid?.record, {
    type: "team",
    team: {
      id: "t",
      name: "n",
      display_name: "",
      type: "O",
      create_at: 0,
      update_at: 0,
      delete_at: 0,
    },
  });
  const p = await check({
    type: "post",
    post: { id: "p", channel_id: "c", user_id: "u", create_at: T0, message: "" },
  });
  assert.deepEqual(p.valid?.record, {
    type: "post",
    post: {
      id: "p",
      channel_id: "c",
      user_id: "u",
      create_at: T0,
      update_at: T0,
      edit_at: 0,
      delete_at: 0,
      message: "",
      type: "",
      props: {},
      root_id: "",
      original_id: "",
      file_ids: [],
      hashtags: "",
    },
  });
  const u = await check({
    type: "user",
    user: { id: "u", username: "bob", email: "bob@example.com", create_at: T0 },
  });
  assert.equal(u.valid?.record.type === "user" && u.valid.record.user.is_bot, false);
  assert.equal(u.valid?.record.type === "user" && u.valid.record.user.update_at, T0);
  const h = await check(history);
  assert.equal(
    h.valid?.record.type === "channel_member_history" &&
      h.valid.record.channel_member_history.leave_time,
    null,
  );
});

test("unknown fields (a whole Mattermost object) are ignored", async () => {
  const result = await check(
    withBody(post("p1"), { is_pinned: true, metadata: { embeds: [] }, reply_count: 3 }),
  );
  assert.deepEqual(result.errors, []);
  assert.ok(!("is_pinned" in (result.valid!.record as { post: object }).post));
});

test("bad ids are refused, naming index and field", async () => {
  assert.deepEqual(await errorsOf(withBody(team, { id: "" })), ["7 team.id: must not be empty"]);
  assert.deepEqual(await errorsOf(withBody(channel, { id: "x".repeat(65) })), [
    "7 channel.id: must be at most 64 characters",
  ]);
  assert.deepEqual(await errorsOf(withBody(user, { id: 42 })), ["7 user.id: must be a string id"]);
  assert.deepEqual(await errorsOf(withBody(post("p1"), { root_id: "r".repeat(65) })), [
    "7 post.root_id: must be at most 64 characters",
  ]);
  assert.deepEqual(await errorsOf(withBody(fileInfo("f1"), { post_id: ["a"] })), [
    "7 file_info.post_id: must be a string id",
  ]);
  assert.deepEqual(await errorsOf(withBody(history, { user_id: "" })), [
    "7 channel_member_history.user_id: must not be empty",
  ]);
  assert.ok((await check(withBody(team, { id: "x".repeat(64) }))).valid);
});

test("times must be non-negative integer milliseconds", async () => {
  const message = (got: string) =>
    `must be a non-negative integer number of epoch milliseconds (got ${got})`;
  assert.deepEqual(await errorsOf(withBody(post("p1"), { create_at: 1.5 })), [
    `7 post.create_at: ${message("1.5")}`,
  ]);
  assert.deepEqual(await errorsOf(withBody(channel, { create_at: -1 })), [
    `7 channel.create_at: ${message("-1")}`,
  ]);
  assert.deepEqual(await errorsOf(withBody(user, { delete_at: "soon" })), [
    `7 user.delete_at: ${message('"soon"')}`,
  ]);
  assert.deepEqual(await errorsOf(withBody(history, { join_time: "1e3" })), [
    `7 channel_member_history.join_time: ${message('"1e3"')}`,
  ]);
  assert.deepEqual(await errorsOf(withBody(team, { update_at: 2 ** 53 })), [
    `7 team.update_at: ${message(String(2 ** 53))}`,
  ]);
  assert.deepEqual(await errorsOf(withBody(fileInfo("f"), { create_at: null })), [
    `7 file_info.create_at: ${message("null")}`,
  ]);
  const asString = await check(withBody(post("p1"), { create_at: String(T0) }));
  assert.equal(asString.valid?.record.type === "post" && asString.valid.record.post.create_at, T0);
});

test("missing required fields are named", async () => {
  assert.deepEqual(await errorsOf(withBody(post("p1"), { channel_id: undefined })), [
    "7 post.channel_id: is required",
  ]);
  assert.deepEqual(await errorsOf(withBody(post("p1"), { create_at: undefined })), [
    "7 post.create_at: is required",
  ]);
  assert.deepEqual(await errorsOf(withBody(post("p1"), { message: undefined })), [
    "7 post.message: is required",
  ]);
  assert.deepEqual(await errorsOf(withBody(team, { name: undefined })), [
    "7 team.name: is required",
  ]);
  assert.deepEqual(await errorsOf(withBody(channel, { type: undefined })), [
    "7 channel.type: is required",
  ]);
  assert.deepEqual(await errorsOf(withBody(user, { username: undefined })), [
    "7 user.username: is required",
  ]);
  assert.deepEqual(await errorsOf(withBody(fileInfo("f"), { name: undefined })), [
    "7 file_info.name: is required",
  ]);
  assert.deepEqual(await errorsOf(withBody(history, { join_time: undefined })), [
    "7 channel_member_history.join_time: is required",
  ]);
  assert.deepEqual(await errorsOf({ type: "post" }), [
    '7 post: is required: a "post" record carries its fields under the "post" key',
  ]);
  assert.deepEqual(
    await errorsOf({ type: "post_deleted", post_deleted: { post_id: "p", delete_at: T0 } }),
    ["7 post_deleted.deleted_by: is required"],
  );
  assert.deepEqual(
    await errorsOf({ type: "member_left", member_left: { channel_id: "c", user_id: "u" } }),
    ["7 member_left.time: is required"],
  );
  assert.deepEqual(await errorsOf(withBody(channel, { team_id: undefined })), [
    "7 channel.team_id: is required for public (O) and private (P) channels",
  ]);
  assert.ok(
    (await check(withBody(channel, { team_id: undefined, type: "D", name: "a__b" }))).valid,
  );
});

test("other bad values", async () => {
  assert.deepEqual(await errorsOf(withBody(channel, { type: "X" })), [
    "7 channel.type: must be O (public), P (private), D (direct) or G (group)",
  ]);
  assert.deepEqual(await errorsOf(withBody(user, { is_bot: "yes" })), [
    "7 user.is_bot: must be true or false",
  ]);
  assert.deepEqual(await errorsOf(withBody(post("p1"), { props: [] })), [
    "7 post.props: must be a JSON object",
  ]);
  assert.deepEqual(await errorsOf(withBody(post("p1"), { file_ids: "f1" })), [
    "7 post.file_ids: must be an array of file ids",
  ]);
  assert.deepEqual(await errorsOf(withBody(fileInfo("f"), { size: 1.5 })), [
    "7 file_info.size: must be a whole number of bytes",
  ]);
  assert.deepEqual(await errorsOf(withBody(history, { leave_time: T0 - 1 })), [
    "7 channel_member_history.leave_time: must not be before join_time",
  ]);
});

test("an unknown or missing type is named", async () => {
  assert.match(
    (await errorsOf({ type: "reaction", reaction: {} }))[0]!,
    /^7 type: unknown record type "reaction" \(expected one of team, channel, /,
  );
  assert.deepEqual(await errorsOf({ post: {} }), ["7 type: is required"]);
  assert.match((await errorsOf([post("p1")]))[0]!, /^7 record: must be a JSON object/);
  assert.match((await errorsOf("post"))[0]!, /^7 record: must be a JSON object/);
});

test("NUL anywhere (text, props values, props keys) is refused", async () => {
  const nul = "must not contain the NUL character (\\u0000); PostgreSQL text cannot store it";
  assert.deepEqual(await errorsOf(withBody(post("p1"), { message: "a\u0000b" })), [
    `7 post.message: ${nul}`,
  ]);
  assert.deepEqual(await errorsOf(withBody(post("p1"), { props: { a: ["ok", "x\u0000"] } })), [
    `7 post.props.a.1: ${nul}`,
  ]);
  assert.deepEqual(await errorsOf(withBody(post("p1"), { props: { "k\u0000": 1 } })), [
    `7 post.props."k\\u0000": ${nul}`,
  ]);
  assert.deepEqual(await errorsOf(withBody(user, { username: "\u0000" })), [
    `7 user.username: ${nul}`,
  ]);
  assert.deepEqual(await errorsOf(withBody(team, { id: "t\u0000" })), [`7 team.id: ${nul}`]);
});

test("lone surrogates are refused rather than silently replaced; proper pairs are fine", async () => {
  const message =
    "must be valid Unicode: it has a lone surrogate (a \\uD800–\\uDFFF escape without its pair), which UTF-8 cannot store";
  assert.deepEqual(
    await errorsOf(JSON.parse(JSON.stringify(post("p1")).replace('"message p1"', '"a\\ud800b"'))),
    [`7 post.message: ${message}`],
  );
  assert.deepEqual(await errorsOf(withBody(post("p1"), { props: { x: "\uDC00" } })), [
    `7 post.props.x: ${message}`,
  ]);
  assert.ok((await check(withBody(post("p1"), { message: "\uD83D\uDE00 😀" }))).valid);
});

test("a message of exactly 1 MiB of UTF-8 is accepted; one byte more is refused", async () => {
  const exact = "é".repeat(MAX_MESSAGE_BYTES / 2); // 2 bytes each
  assert.ok((await check(withBody(post("p1"), { message: exact }))).valid);
  assert.ok((await check(withBody(post("p1"), { message: "a".repeat(MAX_MESSAGE_BYTES) }))).valid);
  assert.deepEqual(await errorsOf(withBody(post("p1"), { message: exact + "a" })), [
    "7 post.message: is 1048577 bytes of UTF-8; the limit is 1048576 bytes (1 MiB)",
  ]);
  assert.deepEqual(
    await errorsOf({
      type: "post_edited",
      post_edited: { post_id: "p", edit_at: T0, message: "a".repeat(MAX_MESSAGE_BYTES + 1) },
    }),
    ["7 post_edited.message: is 1048577 bytes of UTF-8; the limit is 1048576 bytes (1 MiB)"],
  );
});

test("hostile but legal text is kept verbatim", async () => {
  const texts = [
    "",
    "   ",
    "\u202Eevil",
    "👩‍👩‍👧",
    "e\u0301",
    "]]>",
    '=HYPERLINK("x")',
    "<script>",
    "\u0001\u001f\u007f",
    "\uFFFE",
  ];
  for (const message of texts) {
    const result = await check(withBody(post("p1"), { message, props: { __proto__x: 1 } }));
    assert.equal(result.valid?.record.type === "post" && result.valid.record.post.message, message);
  }
  const proto = await check(
    JSON.parse(
      JSON.stringify(withBody(post("p1"), {})).replace(
        '"props":{}',
        '"props":{"__proto__":{"a":1}}',
      ),
    ),
  );
  assert.equal(
    JSON.stringify((proto.valid!.record as { post: { props: unknown } }).post.props),
    '{"__proto__":{"a":1}}',
  );
});

test("warnings: malformed email (kept), seconds instead of milliseconds", async () => {
  const bad = await check(withBody(user, { email: "a@b.c\r\nBcc: x@evil" }));
  assert.equal(
    bad.valid?.record.type === "user" && bad.valid.record.user.email,
    "a@b.c\r\nBcc: x@evil",
  );
  assert.equal(bad.warnings.length, 1);
  assert.match(
    bad.warnings[0]!.message,
    /^user alice has a malformed email "a@b.c\\r\\nBcc: x@evil" \(kept as sent\)/,
  );
  assert.equal(bad.warnings[0]!.index, 7);
  const seconds = await check(
    withBody(post("p1"), { create_at: 1_735_689_600, update_at: 1_735_689_600 }),
  );
  assert.deepEqual(
    seconds.warnings.map((w) => w.message),
    ["post.create_at 1735689600 looks like seconds; times are epoch milliseconds"],
  );
  assert.deepEqual((await check(user)).warnings, []);
});

test("issue 8 §3: ids and paths that could never be exported safely are refused, naming the record and field", async () => {
  for (const id of ["../p", "a/b", "a\\b", "/abs", ".", ".."]) {
    assert.deepEqual(await errorsOf(post(id)), [`7 post.id: ${UNSAFE_ID_MESSAGE}`], id);
  }
  assert.deepEqual(await errorsOf(post("p", { root_id: "../r" })), [
    `7 post.root_id: ${UNSAFE_ID_MESSAGE}`,
  ]);
  assert.deepEqual(await errorsOf(post("p", { file_ids: ["ok", "x/../y"] })), [
    `7 post.file_ids.1: ${UNSAFE_ID_MESSAGE}`,
  ]);
  assert.deepEqual(await errorsOf(withBody(channel, { id: "c\\1" })), [
    `7 channel.id: ${UNSAFE_ID_MESSAGE}`,
  ]);
  const paths: Array<[string, RegExp]> = [
    ["/etc/passwd", /not an absolute path/],
    ["C:/Users/x.pdf", /not an absolute path/],
    ["a/../../b.pdf", /"\.\." segments/],
    ["..", /"\.\." segments/],
    ["dir\\file.pdf", /backslash/],
  ];
  for (const [p, message] of paths) {
    const errors = await errorsOf(fileInfo("f1", { path: p }));
    assert.equal(errors.length, 1, p);
    assert.match(errors[0]!, /^7 file_info\.path: /, p);
    assert.match(errors[0]!, message, p);
  }
  // Ordinary Mattermost ids and paths pass.
  assert.deepEqual((await check(post("8xk3q1bn7jgm5ynf3x1hy5w9ze"))).errors, []);
  assert.deepEqual(
    (await check(fileInfo("f1", { path: "20250101/teams/t/channels/c/users/u/f1/report (1).pdf" })))
      .errors,
    [],
  );
});
