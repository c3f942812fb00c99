import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { db } from "../db/client.ts";
import { env } from "../config/env.ts";
import { record } from "./record.ts";
import { SECRET_MASK } from "./mask.ts";

let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
});
after(async () => t.cleanup());

test("writes Mattermost's record shape, key order included, to the database and the JSON-lines file", async () => {
  await record({
    eventName: "patchConfig",
    status: "success",
    actor: { userId: "u1", sessionId: "s1", client: "Mozilla/5.0", ipAddress: "127.0.0.1" },
    objectType: "config",
    apiPath: "/compliance-export#save",
    parameters: { DailyRunTime: "02:30", SMTPPassword: "canary-secret" },
    priorState: {
      config_diffs: [
        { path: "MessageExportSettings.DailyRunTime", base_val: "01:00", actual_val: "02:30" },
      ],
    },
    at: new Date("2025-04-30T16:18:30.803Z"),
  });
  const line = readFileSync(env().auditLogFile, "utf8").trim();
  assert.ok(!line.includes("canary-secret"));
  const rec = JSON.parse(line);
  assert.deepEqual(Object.keys(rec), [
    "timestamp",
    "event_name",
    "status",
    "actor",
    "event",
    "meta",
    "error",
  ]);
  assert.deepEqual(Object.keys(rec.event), [
    "parameters",
    "prior_state",
    "resulting_state",
    "object_type",
  ]);
  assert.deepEqual(Object.keys(rec.actor), ["user_id", "session_id", "client", "ip_address"]);
  assert.equal(rec.timestamp, "2025-04-30 16:18:30.803 Z");
  assert.equal(rec.event.parameters.SMTPPassword, SECRET_MASK);
  assert.deepEqual(rec.error, {});
  assert.match(rec.meta.cluster_id, /^[0-9a-f]{26}$/);
  const rows = await db().auditRecord.findMany();
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.json, line);
});

test("a failed action carries its error", async () => {
  const rec = await record({
    eventName: "login",
    status: "fail",
    actor: { userId: "", sessionId: "", client: "curl", ipAddress: "10.0.0.1" },
    objectType: "session",
    apiPath: "/login",
    error: { description: "invalid credentials", status_code: 401 },
  });
  assert.deepEqual(rec.error, { description: "invalid credentials", status_code: 401 });
  assert.equal(await db().auditRecord.count({ where: { status: "fail" } }), 1);
});
