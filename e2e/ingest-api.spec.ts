// The ingest API's HTTP contract (issue 2): bearer token, JSON array of records, all-or-nothing,
// idempotent by id, clear 4xx JSON errors, and file bytes streamed to the file store.
import { createHash } from "node:crypto";
import { expect, test } from "@playwright/test";
import { queryDb } from "./fixtures/db.ts";
import { createIngestTokenInConsole } from "./fixtures/flows.ts";
import { OWNER_STATE } from "./fixtures/owner.ts";

let token = "";
const auth = () => ({ Authorization: `Bearer ${token}` });
const team = {
  type: "team",
  team: { id: "ing-team", name: "ingest-team", display_name: "Ingest Team" },
};
const channel = {
  type: "channel",
  channel: {
    id: "ing-chan",
    team_id: "ing-team",
    type: "O",
    name: "ingest",
    display_name: "Ingest",
    create_at: 1_700_000_000_000,
    delete_at: 0,
  },
};
const user = {
  type: "user",
  user: {
    id: "ing-user",
    username: "ingester",
    email: "ingester@example.com",
    is_bot: false,
    delete_at: 0,
  },
};
const post = (id: string, message: string) => ({
  type: "post",
  post: {
    id,
    channel_id: "ing-chan",
    user_id: "ing-user",
    create_at: 1_700_000_000_100,
    update_at: 1_700_000_000_100,
    message,
  },
});
const count = async (table: string, where: string) =>
  Number(
    (
      await queryDb<{ n: number | string }>(`SELECT COUNT(*) AS n FROM "${table}" WHERE ${where}`)
    )[0]!.n,
  );

test.beforeAll(async ({ browser }, testInfo) => {
  const page = await browser.newPage({
    storageState: OWNER_STATE,
    baseURL: testInfo.project.use.baseURL,
  });
  token = await createIngestTokenInConsole(page, "ingest contract");
  await page.close();
});

test("no or a wrong token: 401 JSON, nothing written", async ({ request }) => {
  const attempts: Array<Record<string, string>> = [
    {},
    { Authorization: "Bearer cus_" + "A".repeat(43) },
    { Authorization: "Basic abc" },
  ];
  for (const headers of attempts) {
    const res = await request.post("/api/v1/ingest", {
      headers: { ...headers, "Content-Type": "application/json" },
      data: Buffer.from(JSON.stringify([team])),
    });
    expect(res.status()).toBe(401);
    expect((await res.json()).error).toMatch(/ingest token/);
  }
  expect(await count("ChatTeam", `"id" = 'ing-team'`)).toBe(0);
});

test("bad bodies get a clear 4xx JSON error", async ({ request }) => {
  // A Buffer goes out as it is (Playwright would JSON-encode a string body sent as JSON).
  const send = (data: string, contentType = "application/json") =>
    request.post("/api/v1/ingest", {
      headers: { ...auth(), "Content-Type": contentType },
      data: Buffer.from(data),
    });
  let res = await send("[1,2", "application/json");
  expect(res.status()).toBe(400);
  expect((await res.json()).error).toMatch(/not valid JSON/);
  res = await send(JSON.stringify({ type: "team" }));
  expect(res.status()).toBe(400);
  expect((await res.json()).error).toMatch(/JSON array/);
  res = await send(JSON.stringify([team]), "text/plain");
  expect(res.status()).toBe(415);
  res = await send(
    JSON.stringify([
      {
        type: "post",
        post: {
          id: "x".repeat(40),
          channel_id: "c",
          user_id: "u",
          create_at: 1,
          message: "a\u0000b",
        },
      },
    ]).padEnd(10 * 1024 * 1024 + 1, " "),
  );
  expect(res.status()).toBe(413);
});

test("one bad record refuses the whole body: 422 naming index and field, nothing half-written", async ({
  request,
}) => {
  const res = await request.post("/api/v1/ingest", {
    headers: { ...auth(), "Content-Type": "application/json" },
    data: Buffer.from(
      JSON.stringify([team, channel, user, post("ing-p1", "fine"), post("ing-p2", "bad\u0000nul")]),
    ),
  });
  expect(res.status()).toBe(422);
  const body = await res.json();
  expect(body.errors[0]).toMatchObject({ index: 4 });
  expect(JSON.stringify(body.errors[0])).toMatch(/message/);
  expect(await count("ChatTeam", `"id" = 'ing-team'`)).toBe(0);
  expect(await count("Post", `"id" = 'ing-p1'`)).toBe(0);
});

test("good records are written; sending them again changes nothing (idempotent by id)", async ({
  request,
}) => {
  const records = [team, channel, user, post("ing-p1", "hello"), post("ing-p2", "world 👩‍👩‍👧")];
  for (let i = 0; i < 2; i++) {
    const res = await request.post("/api/v1/ingest", {
      headers: { ...auth(), "Content-Type": "application/json" },
      data: Buffer.from(JSON.stringify(records)),
    });
    expect(res.status(), await res.text()).toBe(200);
    expect((await res.json()).counts).toMatchObject({ post: 2, team: 1, channel: 1, user: 1 });
  }
  expect(await count("Post", `"channelId" = 'ing-chan'`)).toBe(2);
  const [row] = await queryDb<{ message: string }>(
    `SELECT "message" FROM "Post" WHERE "id" = 'ing-p2'`,
  );
  expect(row!.message).toBe("world 👩‍👩‍👧");
});

test("file bytes stream into the store and link to their file_info", async ({ request }) => {
  const bytes = Buffer.from("quarterly numbers\n".repeat(1000));
  const info = {
    type: "file_info",
    file_info: {
      id: "ing-file",
      post_id: "ing-p1",
      name: "numbers.txt",
      path: "20240101/numbers.txt",
      size: bytes.length,
      mime_type: "text/plain",
      create_at: 1_700_000_000_100,
      delete_at: 0,
    },
  };
  expect(
    (
      await request.post("/api/v1/ingest", {
        headers: { ...auth(), "Content-Type": "application/json" },
        data: Buffer.from(JSON.stringify([info])),
      })
    ).status(),
  ).toBe(200);
  const res = await request.post("/api/v1/ingest/files/ing-file", {
    headers: { ...auth(), "Content-Type": "application/octet-stream" },
    data: bytes,
  });
  expect(res.status(), await res.text()).toBe(201);
  const body = await res.json();
  expect(body).toMatchObject({
    fileId: "ing-file",
    size: bytes.length,
    linked: true,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  });
  const [row] = await queryDb<{ sha256: string }>(
    `SELECT "sha256" FROM "FileInfo" WHERE "id" = 'ing-file'`,
  );
  expect(row!.sha256).toBe(body.sha256);
  const bad = await request.post("/api/v1/ingest/files/..%2Fetc", {
    headers: { ...auth(), "Content-Type": "application/octet-stream" },
    data: bytes,
  });
  expect([400, 404]).toContain(bad.status());
});
