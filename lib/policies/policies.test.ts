// The policy services behind the API, the console and the CLI: validation with field errors, names
// reserved even when archived, targets suited to the format, "export from" set on first enabling,
// diffs for the audit record, the preview's counts (the export's own filter), the view's next run
// and "exported up to", run-now one at a time, and the default policy kept in step with the settings.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { saveExportSettings } from "../export-settings/save-export-settings.ts";
import { loadExportSettings, toSettingsView } from "../export-settings/export-settings-store.ts";
import { ZExportSettingsInput } from "../settings/schema.ts";
import { ExportFixture, setExportSettings } from "../testing/export-fixtures.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { runPolicy } from "../jobs/run-policy-now.ts";
import { addPolicy, changePolicy, previewFilter, removePolicy } from "./policy-actions.ts";
import { ZPolicyInput, ZPolicyPatch } from "./policy-schema.ts";
import { ZPolicyFilter } from "./policy-filter.ts";
import { parseScheduleText, ZSchedule } from "./schedule.ts";
import { listPolicyViews } from "./policy-view.ts";

process.env.LOG_LEVEL = "silent";
let t: TestDatabase;
let fx: ExportFixture;
before(async () => {
  t = await useTestDatabase();
  await setExportSettings({ EnableExport: false });
  fx = new ExportFixture("policy-services", Date.now() - 3 * 24 * 3600_000);
  await fx.insertWorkspace();
});
after(async () => t.cleanup());

const fieldErrors = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    assert.ok(error instanceof UserError, String(error));
    return { status: error.status, fields: error.fieldErrors ?? {} };
  }
  assert.fail("expected a refusal");
};

test("the input schema: field errors where the value was entered", () => {
  const bad = ZPolicyInput.safeParse({
    name: "",
    format: "pdf",
    target: "",
    schedule: { kind: "cron", expression: "not cron" },
    timeZone: "Mars/Base",
    batchSize: 0,
    filter: { by: "participant", channelTypes: ["X"] },
  });
  assert.ok(!bad.success);
  const paths = new Set(bad.error.issues.map((i) => i.path.join(".")));
  for (const p of [
    "name",
    "format",
    "target",
    "schedule.expression",
    "timeZone",
    "batchSize",
    "filter.channelTypes.0",
  ])
    assert.ok(paths.has(p), `${p} in ${[...paths].join(", ")}`);
  assert.ok(!ZPolicyFilter.safeParse({ by: "participant" }).success, "by participant needs users");
  assert.ok(
    !ZPolicyInput.safeParse({
      name: "gr",
      format: "globalrelay",
      target: "globalrelay",
      decryptAttachments: false,
    }).success,
    "Global Relay always decrypts",
  );
  assert.ok(
    !ZPolicyPatch.safeParse({ schedule: { kind: "weekly", days: [], at: "02:00" } }).success,
  );
  for (const [text, kind] of [
    ["daily 2:00", "daily"],
    ["weekly mon,thu 02:00", "weekly"],
    ["every 6h", "hours"],
    ["cron 0 2 * * *", "cron"],
  ] as const)
    assert.equal(ZSchedule.parse(parseScheduleText(text)).kind, kind, text);
  assert.ok(!ZSchedule.safeParse(parseScheduleText("hourly")).success);
  assert.ok(!ZSchedule.safeParse(parseScheduleText("every 25h")).success);
});

test("add, change (diffs), remove (archived: jobs kept, name reserved); the default one cannot be removed", async () => {
  const added = await addPolicy(
    ZPolicyInput.parse({
      name: "desk",
      format: "csv",
      target: "Local exports",
      filter: { teams: ["acme"], channelTypes: ["O"] },
    }),
    new Date("2026-02-01T00:00:00Z"),
  );
  assert.equal(added.policy.targetId, "local");
  assert.equal(
    added.policy.exportFrom,
    Date.parse("2026-02-01T00:00:00Z"),
    "enabled on creation: exports from then",
  );
  assert.deepEqual(added.policy.filter.teams, [fx.teams[0]!.id]);
  assert.match(added.policy.filterSummary, /in team acme; public channels/);
  assert.equal(
    (
      await fieldErrors(
        addPolicy(ZPolicyInput.parse({ name: "desk", format: "csv", target: "local" })),
      )
    ).status,
    409,
  );
  assert.ok(
    (
      await fieldErrors(
        addPolicy(ZPolicyInput.parse({ name: "gr", format: "globalrelay", target: "local" })),
      )
    ).fields.target,
  );
  assert.ok(
    (
      await fieldErrors(
        addPolicy(ZPolicyInput.parse({ name: "x", format: "csv", target: "globalrelay" })),
      )
    ).fields.target,
  );
  assert.ok(
    (
      await fieldErrors(
        addPolicy(
          ZPolicyInput.parse({
            name: "x",
            format: "csv",
            target: "local",
            filter: { users: ["nobody-here"] },
          }),
        ),
      )
    ).fields["filter.users"],
  );
  assert.equal(
    (
      await fieldErrors(
        addPolicy(ZPolicyInput.parse({ name: "default", format: "csv", target: "local" })),
      )
    ).status,
    409,
  );

  const changed = await changePolicy(
    "desk",
    ZPolicyPatch.parse({ schedule: { kind: "hours", every: 4 }, enabled: false }),
  );
  assert.ok(changed.changed);
  assert.deepEqual(
    (changed.audit.priorState!.config_diffs as Array<{ path: string }>).map((d) => d.path).sort(),
    [
      "ExportPolicy.enabled",
      "ExportPolicy.schedule.at",
      "ExportPolicy.schedule.every",
      "ExportPolicy.schedule.kind",
    ],
  );
  assert.equal(changed.policy.nextRunAt, null, "disabled: no next run");
  assert.equal((await changePolicy("desk", ZPolicyPatch.parse({ enabled: false }))).changed, false);

  await db().exportJob.create({
    data: {
      id: "00000000-0000-4000-8000-00000000d35c",
      policyId: added.policy.id,
      trigger: "manual",
      status: "success",
      format: "csv",
      finishedAt: new Date(),
    },
  });
  const removed = await removePolicy("desk");
  assert.equal(removed.audit.resultingState!.jobs_kept, 1);
  assert.ok(
    await db().exportJob.findUnique({ where: { id: "00000000-0000-4000-8000-00000000d35c" } }),
    "its jobs stay",
  );
  assert.ok(!(await listPolicyViews()).some((p) => p.name === "desk"), "not listed");
  const reused = await fieldErrors(
    addPolicy(ZPolicyInput.parse({ name: "desk", format: "csv", target: "local" })),
  );
  assert.equal(reused.status, 409);
  assert.match(reused.fields.name!, /removed policy/);
  assert.equal((await fieldErrors(removePolicy("default"))).status, 409);
});

test("preview: channels and messages of the last 7 days the filter selects, counted in SQL", async () => {
  await fx.addPosts(24, { at: (i) => Date.now() - 3600_000 + i });
  await fx.addPosts(5, { at: (i) => Date.now() - 10 * 24 * 3600_000 + i }); // older than 7 days
  const all = await previewFilter(ZPolicyFilter.parse({}));
  assert.equal(all.messages, 24);
  assert.equal(all.channels, 5);
  const town = fx.channels[0]!;
  const townOnly = await previewFilter(ZPolicyFilter.parse({ channels: [town.name] }));
  assert.deepEqual(
    [townOnly.channels, townOnly.messages],
    [
      1,
      [...fx.posts.values()].filter(
        (p) => p.channelId === town.id && p.createAt > Date.now() - 7 * 24 * 3600_000,
      ).length,
    ],
  );
  const carol = await previewFilter(
    ZPolicyFilter.parse({ by: "participant", users: ["carol@example.com"] }),
  );
  assert.ok(carol.messages > 0 && carol.messages < 24);
});

test("run now: a job of the policy to its target, one at a time; the view shows it as the last run", async () => {
  const { policy } = await addPolicy(
    ZPolicyInput.parse({
      name: "runner",
      format: "json",
      target: "local",
      schedule: { kind: "weekly", days: ["mon"], at: "03:00" },
      timeZone: "Europe/Berlin",
    }),
  );
  const run = await runPolicy({
    policy: "runner",
    trigger: "api",
    initiatedBy: "u1",
    initiatedByLabel: "a@example.com",
  });
  assert.equal(run.job.policyId, policy.id);
  assert.equal(run.job.format, "json");
  assert.equal(run.audit.resultingState!.job_id, run.job.id);
  assert.equal(
    (
      await fieldErrors(
        runPolicy({ policy: "runner", trigger: "api", initiatedBy: "u1", initiatedByLabel: "a" }),
      )
    ).status,
    409,
  );
  const view = (await listPolicyViews()).find((p) => p.id === policy.id)!;
  assert.equal(view.lastRun?.jobId, run.job.id);
  assert.equal(new Date(view.nextRunAt!).getUTCDay(), 1, "next run on a Monday");
  assert.equal(view.scheduleSummary, "weekly mon 03:00");
  await changePolicy("runner", ZPolicyPatch.parse({ enabled: false }));
  await db().exportJob.updateMany({
    where: { policyId: policy.id },
    data: { status: "canceled", activeSlot: null },
  });
  assert.equal(
    (
      await fieldErrors(
        runPolicy({ policy: "runner", trigger: "api", initiatedBy: "u1", initiatedByLabel: "a" }),
      )
    ).status,
    409,
    "disabled",
  );
});

test("the Compliance Export settings are the default policy: a non-daily schedule set on the policy survives a save of the page", async () => {
  await changePolicy("default", ZPolicyPatch.parse({ schedule: { kind: "hours", every: 12 } }));
  const view = toSettingsView(await loadExportSettings());
  const { GlobalRelaySettings, ...rest } = view;
  const { SMTPPasswordSet: _, ...gr } = GlobalRelaySettings;
  await saveExportSettings({
    input: ZExportSettingsInput.parse({ ...rest, BatchSize: 321, GlobalRelaySettings: gr }),
  });
  const def = (await listPolicyViews()).find((p) => p.id === "default")!;
  assert.deepEqual(def.schedule, { kind: "hours", every: 12 });
  assert.equal(def.batchSize, 321);
  await saveExportSettings({
    input: ZExportSettingsInput.parse({ ...rest, DailyRunTime: "04:15", GlobalRelaySettings: gr }),
  });
  assert.deepEqual(
    (await listPolicyViews()).find((p) => p.id === "default")!.schedule,
    { kind: "daily", at: "04:15" },
    "changing the run time makes it daily again",
  );
});
