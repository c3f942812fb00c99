// The job table's reader (GET /api/v1/jobs, cli jobs list, the console): keyset pages in any sort
// order walk every job exactly once, ties broken by id; filters combine; bad queries are refused.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { db } from "../db/client.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { listJobsPage, ZJobsPageQuery } from "./list-jobs-page.ts";

let t: TestDatabase;
const T0 = Date.UTC(2026, 0, 1);
const made: Array<{
  id: string;
  status: string;
  format: string;
  trigger: string;
  messages: number;
  createdAt: number;
}> = [];

before(async () => {
  t = await useTestDatabase();
  const statuses = ["success", "error", "success", "canceled", "warning", "success", "error"];
  for (let i = 0; i < 14; i++) {
    // Pairs share a creation time and a message count, so ties must be broken by id.
    const row = {
      id: randomUUID(),
      status: statuses[i % statuses.length]!,
      format: i % 3 === 0 ? "json" : "csv",
      trigger: i % 2 ? "api" : "scheduled",
      messages: (i >> 1) * 10,
      createdAt: T0 + (i >> 1) * 60_000,
    };
    await db().exportJob.create({
      data: {
        id: row.id,
        status: row.status,
        format: row.format,
        trigger: row.trigger,
        messagesExported: row.messages,
        createdAt: new Date(row.createdAt),
      },
    });
    made.push(row);
  }
});
after(async () => t.cleanup());

async function walk(query: Record<string, unknown>): Promise<string[]> {
  const seen: string[] = [];
  let before: string | undefined;
  for (let pages = 0; pages < 20; pages++) {
    const page = await listJobsPage({
      query: ZJobsPageQuery.parse({ ...query, ...(before ? { before } : {}) }),
    });
    seen.push(...page.jobs.map((j) => j.id));
    if (!page.next) return seen;
    before = page.next;
  }
  throw new Error("paging never ended");
}

const byKey =
  (key: "createdAt" | "messages" | "status", order: "asc" | "desc") =>
  (a: (typeof made)[number], b: (typeof made)[number]) => {
    const cmp = a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    return order === "asc" ? cmp : -cmp;
  };

test("keyset paging visits every job once, in order, for each sort and direction", async () => {
  for (const sort of ["createdAt", "messages", "status"] as const) {
    for (const order of ["asc", "desc"] as const) {
      const expected = [...made].sort(byKey(sort, order)).map((j) => j.id);
      assert.deepEqual(await walk({ limit: "3", sort, order }), expected, `${sort} ${order}`);
    }
  }
});

test("filters combine and the total counts every match, not just the page", async () => {
  const page = await listJobsPage({
    query: ZJobsPageQuery.parse({ status: "success,error", trigger: "api", limit: 2 }),
  });
  const matching = made.filter(
    (j) => ["success", "error"].includes(j.status) && j.trigger === "api",
  );
  assert.equal(page.total, matching.length);
  assert.equal(page.jobs.length, Math.min(2, matching.length));
  assert.ok(page.jobs.every((j) => ["success", "error"].includes(j.status) && j.trigger === "api"));
  const json = await listJobsPage({ query: ZJobsPageQuery.parse({ format: "json" }) });
  assert.deepEqual(
    json.jobs.map((j) => j.id).sort(),
    made
      .filter((j) => j.format === "json")
      .map((j) => j.id)
      .sort(),
  );
  const beforeTime = await listJobsPage({
    query: ZJobsPageQuery.parse({ before: String(T0 + 2 * 60_000) }),
  });
  assert.deepEqual(
    beforeTime.jobs.map((j) => j.id).sort(),
    made
      .filter((j) => j.createdAt < T0 + 2 * 60_000)
      .map((j) => j.id)
      .sort(),
  );
});

test("bad queries are refused: limits, unknown statuses, unknown keys, an unknown job to page from", async () => {
  for (const q of [
    { limit: "0" },
    { limit: "501" },
    { status: "done" },
    { sort: "id" },
    { bogus: "1" },
  ])
    assert.equal(ZJobsPageQuery.safeParse(q).success, false, JSON.stringify(q));
  await assert.rejects(
    listJobsPage({ query: ZJobsPageQuery.parse({ before: randomUUID() }) }),
    /No job .* to page from/,
  );
});
