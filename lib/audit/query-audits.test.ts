import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { db } from "../db/client.ts";
import { createAdmin } from "../auth/create-admin.ts";
import { componentActor, type AuditActor } from "./actor.ts";
import type { AuditEventName } from "./events.ts";
import { record } from "./record.ts";
import { AUDIT_PAGE_SIZE, queryAudits, streamAudits } from "./query-audits.ts";
import { ZAuditQuery } from "./schema.ts";
import { parse } from "csv-parse/sync";

// Issue 5 "the audit log page": filters by event, actor, status and time range, paged on the
// server newest first, and the JSON-lines download of the filtered records.

let t: TestDatabase;
let alice: { id: string; email: string };
let bob: { id: string; email: string };

type Made = {
  id: number;
  at: Date;
  event: AuditEventName;
  status: "success" | "fail";
  actor: string;
  who: "alice" | "bob" | "scheduler";
  json: string;
};
const made: Made[] = [];

const T0 = Date.parse("2026-03-01T22:10:00.000Z");
const MIN = 60_000;
const EVENTS: AuditEventName[] = [
  "login",
  "login",
  "login",
  "login",
  "login",
  "getAudits",
  "createJob",
  "deleteExport",
  "updateUserRoles",
  "patchConfig",
  "downloadComplianceReport",
  "logout",
];

before(async () => {
  t = await useTestDatabase();
  alice = await createAdmin({
    email: "alice@example.com",
    password: "alice passphrase 123",
    owner: true,
  });
  bob = await createAdmin({
    email: "bob@example.com",
    password: "bob passphrase 45678",
    owner: false,
    rights: ["audit"],
  });
  // 120 records, oldest first, 37 minutes apart (2026-03-01 22:10 … 2026-03-04 23:33 UTC): events
  // cycle with "login" 5 in 12 (exactly 50 in all), one in 7 fails, actors alice / bob / the scheduler.
  for (let i = 0; i < 120; i++) {
    const at = new Date(T0 + i * 37 * MIN + (i % 5) * 1000);
    const event = EVENTS[i % EVENTS.length]!;
    const status = i % 7 === 0 ? "fail" : "success";
    const actor: AuditActor =
      i % 3 === 0
        ? { userId: alice.id, sessionId: "s-alice", client: "Mozilla/5.0", ipAddress: "10.0.0.1" }
        : i % 3 === 1
          ? { userId: bob.id, sessionId: "s-bob", client: "curl/8", ipAddress: "10.0.0.2" }
          : componentActor("scheduler");
    await record({
      eventName: event,
      status,
      actor,
      objectType: "audit",
      apiPath: `/test/${i}`,
      parameters: { i, note: `record ${i}` },
      ...(status === "fail" ? { error: { description: "refused", status_code: 403 } } : {}),
      at,
    });
    made.push({
      id: 0,
      at,
      event,
      status,
      actor: actor.userId,
      who: i % 3 === 0 ? "alice" : i % 3 === 1 ? "bob" : "scheduler",
      json: "",
    });
  }
  const rows = await db().auditRecord.findMany({ orderBy: { id: "asc" } });
  assert.equal(rows.length, 120);
  rows.forEach((r, i) => {
    assert.equal(JSON.parse(r.json).event.parameters.i, i);
    made[i]!.id = r.id;
    made[i]!.json = r.json;
  });
});
after(async () => t.cleanup());

const q = (input: Record<string, unknown>) => ZAuditQuery.parse(input);
const newestFirst = (rows: Made[]) => [...rows].sort((a, b) => b.id - a.id).map((m) => m.id);

/** Every record of a query, page by page; asserts page sizes and that `next` ends the walk. */
async function allPages(input: Record<string, unknown>): Promise<{ ids: number[]; pages: number }> {
  const ids: number[] = [];
  let before: number | undefined;
  let pages = 0;
  for (;;) {
    const page = await queryAudits(q({ ...input, ...(before ? { before: String(before) } : {}) }));
    pages++;
    ids.push(...page.records.map((r) => r.id));
    if (page.next === null) {
      assert.ok(page.records.length <= AUDIT_PAGE_SIZE);
      return { ids, pages };
    }
    assert.equal(page.records.length, AUDIT_PAGE_SIZE, "only the last page is short");
    assert.equal(page.next, page.records.at(-1)!.id);
    before = page.next;
    assert.ok(pages < 20, "paging terminates");
  }
}

async function streamed(input: Record<string, unknown>): Promise<string> {
  let out = "";
  for await (const chunk of streamAudits(q(input))) out += chunk;
  return out;
}

describe("queryAudits", () => {
  test("no filter: pages of 50, newest first, every record exactly once", async () => {
    const first = await queryAudits(q({}));
    assert.equal(first.records.length, AUDIT_PAGE_SIZE);
    assert.equal(first.records[0]!.id, made.at(-1)!.id, "the newest record first");
    assert.equal(first.records[0]!.json, made.at(-1)!.json, "the stored JSON, verbatim");
    const { ids, pages } = await allPages({});
    assert.equal(pages, 3);
    assert.deepEqual(ids, newestFirst(made));
    assert.equal(new Set(ids).size, 120);
  });

  // [name, filter (built when the test runs, once the admins exist), which records match]
  const cases: Array<[string, () => Record<string, unknown>, (m: Made) => boolean]> = [
    ["event", () => ({ event: "createJob" }), (m) => m.event === "createJob"],
    ["event with exactly one page (50)", () => ({ event: "login" }), (m) => m.event === "login"],
    ["status fail", () => ({ status: "fail" }), (m) => m.status === "fail"],
    ["status success", () => ({ status: "success" }), (m) => m.status === "success"],
    ["actor by user id", () => ({ actor: alice.id }), (m) => m.who === "alice"],
    ["actor by email", () => ({ actor: "bob@example.com" }), (m) => m.who === "bob"],
    ["actor by email, any case", () => ({ actor: "Alice@Example.COM" }), (m) => m.who === "alice"],
    ["unknown actor", () => ({ actor: "nobody@example.com" }), () => false],
    [
      "from a date (inclusive)",
      () => ({ from: "2026-03-03" }),
      (m) => m.at.getTime() >= Date.parse("2026-03-03T00:00:00Z"),
    ],
    [
      "to a date (the whole day)",
      () => ({ to: "2026-03-02" }),
      (m) => m.at.getTime() <= Date.parse("2026-03-02T23:59:59.999Z"),
    ],
    [
      "one day",
      () => ({ from: "2026-03-02", to: "2026-03-02" }),
      (m) => m.at.toISOString().startsWith("2026-03-02"),
    ],
    [
      "minutes",
      () => ({ from: "2026-03-02T10:00", to: "2026-03-02T14:30" }),
      (m) =>
        m.at.getTime() >= Date.parse("2026-03-02T10:00:00Z") &&
        m.at.getTime() <= Date.parse("2026-03-02T14:30:59.999Z"),
    ],
    [
      "seconds",
      () => ({ from: "2026-03-02T10:00:30", to: "2026-03-02T14:30:15" }),
      (m) =>
        m.at.getTime() >= Date.parse("2026-03-02T10:00:30Z") &&
        m.at.getTime() <= Date.parse("2026-03-02T14:30:15Z"),
    ],
    ["an empty range", () => ({ from: "2026-03-05", to: "2026-03-04" }), () => false],
    [
      "all filters at once",
      () => ({
        event: "login",
        status: "success",
        actor: "alice@example.com",
        from: "2026-03-02",
        to: "2026-03-03T12:00",
      }),
      (m) =>
        m.event === "login" &&
        m.status === "success" &&
        m.who === "alice" &&
        m.at.getTime() >= Date.parse("2026-03-02T00:00:00Z") &&
        m.at.getTime() <= Date.parse("2026-03-03T12:00:59.999Z"),
    ],
    [
      "empty strings are no filter",
      () => ({ event: "", actor: "", status: "", from: "", to: "" }),
      () => true,
    ],
  ];
  for (const [name, filterOf, match] of cases) {
    test(`filter: ${name}`, async () => {
      const filter = filterOf();
      const expected = newestFirst(made.filter(match));
      const narrows =
        name === "empty strings are no filter"
          ? expected.length === 120
          : name === "unknown actor" || name === "an empty range"
            ? expected.length === 0
            : expected.length > 0 && expected.length < 120;
      assert.ok(narrows, `the case is meaningful: ${expected.length} expected`);
      const { ids } = await allPages(filter);
      assert.deepEqual(ids, expected);
      // The download holds the same records in the same order.
      const lines = (await streamed(filter)).split("\n").filter(Boolean);
      assert.deepEqual(
        lines.map((l) => made.find((m) => m.json === l)?.id),
        expected,
      );
    });
  }

  test("the login filter hits exactly one full page: no empty second page", async () => {
    const page = await queryAudits(q({ event: "login" }));
    assert.equal(page.records.length, 50);
    assert.equal(page.next, null);
  });

  test("the time filters compare instants, to the millisecond at the edges", async () => {
    const m = made[60]!;
    const iso = m.at.toISOString(); // e.g. 2026-03-03T15:10:00.000Z (seconds are whole)
    const minute = iso.slice(0, 16);
    const second = iso.slice(0, 19);
    const hits = async (input: Record<string, unknown>) =>
      (await allPages(input)).ids.includes(m.id);
    assert.equal(await hits({ from: second, to: second }), true);
    assert.equal(await hits({ from: minute, to: minute }), true);
    const nextSecond = new Date(m.at.getTime() + 1000).toISOString().slice(0, 19);
    const prevSecond = new Date(m.at.getTime() - 1000).toISOString().slice(0, 19);
    assert.equal(await hits({ from: nextSecond }), false);
    assert.equal(await hits({ to: prevSecond }), false);
  });

  test("paging back with `after` returns the newer page again, and every page knows the total and its place", async () => {
    const first = await queryAudits(q({}));
    assert.equal(first.total, 120);
    assert.equal(first.newer, 0);
    assert.equal(first.previous, null, "the newest page has no newer page");
    const second = await queryAudits(q({ before: String(first.next) }));
    assert.equal(second.newer, 50);
    assert.equal(second.previous, second.records[0]!.id);
    const back = await queryAudits(q({ after: String(second.previous) }));
    assert.deepEqual(
      back.records.map((r) => r.id),
      first.records.map((r) => r.id),
    );
    assert.equal(back.previous, null);
    const third = await queryAudits(q({ before: String(second.next) }));
    assert.equal(third.records.length, 20);
    assert.equal(third.next, null);
    assert.equal(third.newer, 100);
    // Filtered: the count is of the matches.
    assert.equal(
      (await queryAudits(q({ event: "createJob" }))).total,
      made.filter((m) => m.event === "createJob").length,
    );
  });

  test("views=hide leaves out page views (getAudits and the other reads); an explicit event still wins", async () => {
    const { ids } = await allPages({ views: "hide" });
    assert.deepEqual(ids, newestFirst(made.filter((m) => m.event !== "getAudits")));
    assert.ok(made.some((m) => m.event === "getAudits"));
    const { ids: explicit } = await allPages({ views: "hide", event: "getAudits" });
    assert.deepEqual(explicit, newestFirst(made.filter((m) => m.event === "getAudits")));
  });

  test("the CSV download has a header and one row per record, quoted where needed", async () => {
    let csv = "";
    for await (const chunk of streamAudits(q({ event: "createJob" }), "csv")) csv += chunk;
    const rows = parse(csv, { columns: true }) as Array<Record<string, string>>;
    const expected = made.filter((m) => m.event === "createJob");
    assert.equal(rows.length, expected.length);
    assert.deepEqual(
      rows.map((r) => JSON.parse(r.parameters!).i),
      newestFirst(expected).map((id) => made.findIndex((m) => m.id === id)),
    );
    assert.ok(rows.every((r) => r.event_name === "createJob" && r.api_path!.startsWith("/test/")));
    assert.match(csv, /"\{""i"":/, "JSON cells are quoted with doubled quotes");
  });

  test("bad filters are refused by the schema", () => {
    for (const bad of [
      { event: "dropTables" },
      { status: "maybe" },
      { views: "all" },
      { after: "x" },
      { from: "03/02/2026" },
      { to: "2026-03-02 10:00" },
      { before: "-1" },
      { before: "abc" },
      { actor: "x".repeat(255) },
    ]) {
      assert.equal(ZAuditQuery.safeParse(bad).success, false, JSON.stringify(bad));
    }
  });
});

describe("streamAudits", () => {
  test("every record as one valid JSON line, newest first, with Mattermost's record shape", async () => {
    const text = await streamed({});
    assert.ok(text.endsWith("\n"));
    const lines = text.split("\n");
    assert.equal(lines.pop(), "");
    assert.equal(lines.length, 120);
    const parsed = lines.map(
      (l) =>
        JSON.parse(l) as {
          timestamp: string;
          event_name: string;
          status: string;
          actor: { user_id: string };
          event: { parameters: { i: number } };
        },
    );
    assert.deepEqual(
      parsed.map((p) => p.event.parameters.i),
      made.map((_, i) => i).reverse(),
    );
    for (const p of parsed) {
      const m = made[p.event.parameters.i]!;
      assert.equal(p.event_name, m.event);
      assert.equal(p.status, m.status);
      assert.equal(p.actor.user_id, m.actor);
      assert.equal(p.timestamp, m.at.toISOString().replace("T", " ").replace("Z", " Z"));
    }
  });

  test("with `before`, only older records", async () => {
    const cut = made[30]!.id;
    const lines = (await streamed({ before: cut })).split("\n").filter(Boolean);
    assert.equal(lines.length, 30);
    assert.equal(
      (JSON.parse(lines[0]!) as { event: { parameters: { i: number } } }).event.parameters.i,
      29,
    );
  });

  test("over 1,000 matching records: streamed in chunks, each exactly once, in order", async () => {
    const extra = 2_345;
    const base = T0 + 10 * 86_400_000;
    const rows = Array.from({ length: extra }, (_, i) => ({
      timestamp: new Date(base + i * 1000),
      eventName: "bulkImport",
      status: "success",
      actorUserId: "",
      objectType: "import",
      json: JSON.stringify({ event_name: "bulkImport", n: i }),
    }));
    for (let i = 0; i < rows.length; i += 500)
      await db().auditRecord.createMany({ data: rows.slice(i, i + 500) });
    let chunks = 0;
    const ns: number[] = [];
    for await (const chunk of streamAudits(q({ event: "bulkImport" }))) {
      chunks++;
      for (const line of chunk.split("\n").filter(Boolean))
        ns.push((JSON.parse(line) as { n: number }).n);
    }
    assert.equal(chunks, 3);
    assert.equal(ns.length, extra);
    assert.deepEqual(ns, rows.map((_, i) => i).reverse());
    // The unfiltered download now holds both sets, the filtered page view still pages correctly.
    assert.equal((await streamed({})).split("\n").filter(Boolean).length, 120 + extra);
    assert.deepEqual(
      (await allPages({ event: "createJob" })).ids,
      newestFirst(made.filter((m) => m.event === "createJob")),
    );
  });
});
