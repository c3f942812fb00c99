// Issue 15 item 11: `config set` types boolean and number keys from their schema, for every such key.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { loadExportSettings } from "../../../export-settings/export-settings-store.ts";
import { useTestDatabase, type TestDatabase } from "../../../testing/test-db.ts";
import { runCliInProcess } from "../../testing/run-cli.ts";
import { typedValue } from "./set.ts";

process.env.LOG_LEVEL = "silent";
let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
});
after(async () => t.cleanup());

test("every boolean key takes true/false, nested ones included", () => {
  assert.equal(typedValue("GlobalRelaySettings.AllowPlainSMTP", "true"), true);
  assert.equal(typedValue("EnableExport", "false"), false);
  assert.equal(typedValue("ExportAttachments", "true"), true);
  assert.throws(
    () => typedValue("GlobalRelaySettings.AllowPlainSMTP", "yes"),
    /takes true or false/,
  );
  // Whole-number keys keep their own strict text check ("25.0" is refused by the schema, not coerced).
  assert.equal(typedValue("BatchSize", "500"), "500");
  assert.equal(typedValue("DailyRunTime", "02:00"), "02:00");
});

test("config set GlobalRelaySettings.AllowPlainSMTP true is saved (Custom server), numbers too", async () => {
  assert.equal(
    (await runCliInProcess(["config", "set", "GlobalRelaySettings.CustomerType", "CUSTOM"])).code,
    0,
  );
  const run = await runCliInProcess([
    "config",
    "set",
    "GlobalRelaySettings.AllowPlainSMTP",
    "true",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal((await loadExportSettings()).GlobalRelaySettings.AllowPlainSMTP, true);
  const port = await runCliInProcess([
    "config",
    "set",
    "GlobalRelaySettings.CustomSMTPPort",
    "2525",
  ]);
  assert.equal(port.code, 0, port.stderr);
  assert.equal((await loadExportSettings()).GlobalRelaySettings.CustomSMTPPort, 2525);
  const bad = await runCliInProcess([
    "config",
    "set",
    "GlobalRelaySettings.CustomSMTPPort",
    "25.0",
  ]);
  assert.notEqual(bad.code, 0);
});
