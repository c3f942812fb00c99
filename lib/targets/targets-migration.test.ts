// The targets migration's data step on both databases: today's Global Relay settings (password
// still sealed for its endpoint) become the built-in "globalrelay" SMTP target and the export
// directory the built-in "local" one, under the ids existing jobs carry.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { db } from "../db/client.ts";
import { parseDatabaseUrl } from "../config/database-url.ts";
import { migrationsDir } from "../db/migrate.ts";
import { loadExportSettings } from "../export-settings/export-settings-store.ts";
import { defaultExportSettings, globalRelayEndpoint } from "../settings/schema.ts";
import { sealBoundSecret } from "../settings/secret-binding.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { resolveTarget } from "./resolve-target.ts";

process.env.LOG_LEVEL = "silent";
let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
});
after(async () => {
  await t.cleanup();
});

/** The migration's data statements (after its "built-in targets" comment), as committed for this database. */
function dataStatements(): string[] {
  const file = path.join(
    migrationsDir(parseDatabaseUrl(t.url).provider),
    "20261206035409_targets_and_legal_hold",
    "migration.sql",
  );
  const sql = readFileSync(file, "utf8");
  const data = sql.slice(sql.indexOf("-- The built-in targets"));
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

test("the Global Relay settings and their sealed password move into the globalrelay target; the local target is the export directory", async () => {
  // The state before the migration: no targets, the Global Relay settings inside the settings row.
  await db().target.deleteMany();
  const gr = {
    ...defaultExportSettings().GlobalRelaySettings,
    CustomerType: "CUSTOM" as const,
    SMTPUsername: "archiver",
    EmailAddress: "archive@proofpoint.example",
    CustomSMTPServerName: "smtp.proofpoint.example",
    CustomSMTPPort: 587,
  };
  const sealed = sealBoundSecret("canary-moved-pw", globalRelayEndpoint(gr));
  const old = {
    ...defaultExportSettings(),
    ExportFormat: "globalrelay",
    EnableExport: true,
    BatchSize: 77,
    GlobalRelaySettings: { ...gr, SMTPPassword: sealed },
  };
  await db().setting.create({ data: { key: "MessageExportSettings", value: JSON.stringify(old) } });

  for (const statement of dataStatements()) await db().$executeRawUnsafe(statement);

  const rows = await db().target.findMany({ orderBy: { id: "asc" } });
  assert.deepEqual(
    rows.map((r) => [r.id, r.kind, r.name]),
    [
      ["globalrelay", "smtp", "Global Relay"],
      ["local", "local", "Local exports"],
    ],
  );
  const setting = JSON.parse(
    (await db().setting.findUniqueOrThrow({ where: { key: "MessageExportSettings" } })).value,
  );
  assert.equal(setting.GlobalRelaySettings, undefined, "the settings row no longer holds them");
  assert.equal(setting.BatchSize, 77);
  const loaded = await loadExportSettings();
  assert.deepEqual(
    loaded.GlobalRelaySettings,
    { ...gr, SMTPPassword: "canary-moved-pw" },
    "same settings, the password opens for its endpoint",
  );
  const mailbox = await resolveTarget("globalrelay");
  assert.equal(mailbox.family, "mailbox");
  assert.match(mailbox.label, /archive@proofpoint\.example via smtp\.proofpoint\.example:587/);
  const local = await resolveTarget("local");
  assert.equal(local.family, "files");
});
