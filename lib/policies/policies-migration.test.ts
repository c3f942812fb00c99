// The export policies migration's data step on both databases: today's export settings become the
// policy "default" — same id as the cursor and the jobs carry, same daily slot (time and zone), the
// Global Relay format to the built-in mailbox — and the settings API keeps reading the same values.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { db } from "../db/client.ts";
import { parseDatabaseUrl } from "../config/database-url.ts";
import { migrationsDir } from "../db/migrate.ts";
import { loadExportSettings } from "../export-settings/export-settings-store.ts";
import { defaultExportSettings } from "../settings/schema.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { latestSlot } from "./schedule.ts";
import { loadPolicy } from "./policy-store.ts";

process.env.LOG_LEVEL = "silent";
let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
});
after(async () => {
  await t.cleanup();
});
beforeEach(async () => {
  await db().exportPolicy.deleteMany();
  await db().setting.deleteMany();
});

/** The migration's data statements (after its "The policy "default"" comment), as committed for this database. */
function dataStatements(): string[] {
  const file = path.join(
    migrationsDir(parseDatabaseUrl(t.url).provider),
    "20261206052000_export_policies",
    "migration.sql",
  );
  const sql = readFileSync(file, "utf8");
  const data = sql.slice(sql.indexOf('-- The policy "default"'));
  return data
    .split(/;\s*\n/)
    .map((s) =>
      s
        .split("\n")
        .filter((l) => !l.startsWith("--"))
        .join("\n")
        .trim(),
    )
    .filter(Boolean);
}

async function migrateFrom(old: Record<string, unknown>): Promise<void> {
  const { GlobalRelaySettings: _, ...rest } = old as Record<string, unknown> & {
    GlobalRelaySettings?: unknown;
  };
  await db().setting.create({
    data: { key: "MessageExportSettings", value: JSON.stringify(rest) },
  });
  for (const statement of dataStatements()) await db().$executeRawUnsafe(statement);
}

test("today's settings become the policy default: same values, same cursor id, same daily slot key; the settings row is gone", async () => {
  const old = {
    ...defaultExportSettings(),
    EnableExport: true,
    DailyRunTime: "02:30",
    TimeZone: "Europe/Berlin",
    ExportFormat: "csv",
    BatchSize: 77,
    ExportAttachments: false,
    Destination: "local",
    ExportFromTimestamp: 1_767_225_600_123,
  };
  await migrateFrom(old);
  const policy = await loadPolicy("default");
  assert.ok(policy);
  assert.deepEqual(
    {
      id: policy.id,
      name: policy.name,
      enabled: policy.enabled,
      format: policy.format,
      targetId: policy.targetId,
      schedule: policy.schedule,
      timeZone: policy.timeZone,
      batchSize: policy.batchSize,
      exportAttachments: policy.exportAttachments,
      decryptAttachments: policy.decryptAttachments,
      exportFrom: policy.exportFrom,
    },
    {
      id: "default",
      name: "default",
      enabled: true,
      format: "csv",
      targetId: "local",
      schedule: { kind: "daily", at: "02:30" },
      timeZone: "Europe/Berlin",
      batchSize: 77,
      exportAttachments: false,
      decryptAttachments: true,
      exportFrom: 1_767_225_600_123,
    },
  );
  assert.equal(await db().setting.findUnique({ where: { key: "MessageExportSettings" } }), null);
  const loaded = await loadExportSettings();
  const { GlobalRelaySettings: _gr, ...same } = loaded;
  const { GlobalRelaySettings: _old, ...expected } = old;
  assert.deepEqual(same, expected, "the settings API reads what it read before");
  // The slot key the single daily export used for today: the upgraded scheduler finds the same key.
  assert.equal(
    latestSlot(policy.id, policy.schedule, policy.timeZone, new Date("2026-06-15T00:30:00Z"))!.key,
    "default:2026-06-15",
  );
  assert.equal(
    latestSlot(policy.id, policy.schedule, policy.timeZone, new Date("2026-06-15T00:29:59Z"))!.key,
    "default:2026-06-14",
  );
});

test("the Global Relay format delivers to the globalrelay target; no settings row leaves no policy row (the defaults apply)", async () => {
  await migrateFrom({
    ...defaultExportSettings(),
    ExportFormat: "globalrelay",
    Destination: "local",
    EnableExport: false,
  });
  const policy = await loadPolicy("default");
  assert.equal(policy!.targetId, "globalrelay");
  assert.equal(policy!.enabled, false);
  assert.equal((await loadExportSettings()).ExportFormat, "globalrelay");

  await db().exportPolicy.deleteMany();
  for (const statement of dataStatements()) await db().$executeRawUnsafe(statement);
  assert.equal(await db().exportPolicy.count(), 0);
  assert.deepEqual(await loadExportSettings(), {
    ...defaultExportSettings(),
    GlobalRelaySettings: (await loadExportSettings()).GlobalRelaySettings,
  });
});
