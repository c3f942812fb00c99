import assert from "node:assert/strict";
import { createDecipheriv, randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { db } from "../db/client.ts";
import { env, resetEnvForTests } from "../config/env.ts";
import { SECRET_MASK } from "../audit/mask.ts";
import { decryptSecret, encryptSecret, resetSecretKeyForTests } from "./secret-box.ts";
import {
  loadExportSettings,
  toSettingsView,
  writeExportSettings,
} from "../export-settings/export-settings-store.ts";
import { configDiffs } from "./config-diff.ts";
import {
  saveExportSettings,
  SettingsRejectedError,
} from "../export-settings/save-export-settings.ts";
import {
  defaultExportSettings,
  ZExportSettingsInput,
  type ExportSettings,
  type TExportSettingsInput,
} from "./schema.ts";

// RELIABILITY.md check 32 (secret canary, mask semantics, config_diffs) and AUDIT-LOG.md.

let t: TestDatabase;

function useKey(value: string | undefined): void {
  if (value === undefined) delete process.env.CUSTODIAN_SECRET_KEY;
  else process.env.CUSTODIAN_SECRET_KEY = value;
  resetEnvForTests();
  resetSecretKeyForTests();
}

before(async () => {
  delete process.env.CUSTODIAN_SECRET_KEY;
  t = await useTestDatabase();
});
after(async () => {
  useKey(undefined);
  await t.cleanup();
});
beforeEach(() => useKey(undefined));

/** Independent AES-256-GCM opener, so the tests do not trust secret-box to check itself. */
function openWith(key: Buffer, sealed: string): string {
  const [version, iv, tag, body] = sealed.split(":");
  assert.equal(version, "v1");
  const d = createDecipheriv("aes-256-gcm", key, Buffer.from(iv!, "base64"));
  d.setAuthTag(Buffer.from(tag!, "base64"));
  return Buffer.concat([d.update(Buffer.from(body!, "base64")), d.final()]).toString("utf8");
}

function keyFile(): string {
  return path.join(env().dataDir, "secret.key");
}

/** The export settings are the default export policy's row (lib/policies). */
async function storedRow(): Promise<string | undefined> {
  const row = await db().exportPolicy.findUnique({ where: { id: "default" } });
  return row ? JSON.stringify({ ...row, exportFrom: Number(row.exportFrom) }) : undefined;
}

/** The Global Relay settings live in the built-in "globalrelay" target row (lib/targets). */
async function storedTarget(): Promise<{ config: string; secret: string }> {
  return db().target.findUniqueOrThrow({
    where: { id: "globalrelay" },
    select: { config: true, secret: true },
  });
}

/** No settings row, and the Global Relay target as the migration leaves a fresh install. */
async function resetSettings(): Promise<void> {
  await db().setting.deleteMany();
  await db().exportPolicy.deleteMany();
  await db().target.update({ where: { id: "globalrelay" }, data: { config: "{}", secret: "" } });
}

function input(
  patch: Partial<Omit<TExportSettingsInput, "GlobalRelaySettings">> & {
    GlobalRelaySettings?: Partial<TExportSettingsInput["GlobalRelaySettings"]>;
  } = {},
) {
  const gr: TExportSettingsInput["GlobalRelaySettings"] = {
    CustomerType: "A9",
    SMTPUsername: "archiver-user",
    EmailAddress: "archive@globalrelay.example",
    CustomSMTPServerName: "",
    CustomSMTPPort: 25,
    SMTPServerTimeout: 1800,
  };
  return ZExportSettingsInput.parse({
    EnableExport: false,
    DailyRunTime: "01:00",
    TimeZone: "UTC",
    ExportFormat: "csv",
    BatchSize: 10000,
    ExportAttachments: true,
    ...patch,
    GlobalRelaySettings: { ...gr, ...(patch.GlobalRelaySettings ?? {}) },
  });
}

// ---- secret box ----------------------------------------------------------------------------------

test("without CUSTODIAN_SECRET_KEY a key is generated once into the data directory, mode 0600", () => {
  rmSync(keyFile(), { force: true });
  const sealed = encryptSecret("canary-keyfile-7f3a");
  assert.ok(existsSync(keyFile()));
  assert.equal(statSync(keyFile()).mode & 0o777, 0o600);
  const hex = readFileSync(keyFile(), "utf8").trim();
  assert.match(hex, /^[0-9a-f]{64}$/);
  assert.equal(openWith(Buffer.from(hex, "hex"), sealed), "canary-keyfile-7f3a");
  assert.ok(!sealed.includes("canary-keyfile-7f3a"));

  // A restart (cache cleared) reuses the file rather than making a new key.
  resetSecretKeyForTests();
  assert.equal(decryptSecret(sealed), "canary-keyfile-7f3a");
  assert.equal(readFileSync(keyFile(), "utf8").trim(), hex);
  // Same plaintext, different IV: ciphertexts differ.
  assert.notEqual(encryptSecret("canary-keyfile-7f3a"), encryptSecret("canary-keyfile-7f3a"));
});

test("a corrupt key file is refused with a clear message, not replaced", () => {
  const dir = path.join(t.dataDir, "corrupt-key-dir");
  const saved = process.env.CUSTODIAN_DATA_DIR;
  try {
    process.env.CUSTODIAN_DATA_DIR = dir;
    useKey(undefined);
    encryptSecret("x"); // creates dir/secret.key
    const file = path.join(dir, "secret.key");
    rmSync(file);
    writeFileSync(file, "not-a-key\n", { mode: 0o600 });
    resetSecretKeyForTests();
    assert.throws(() => encryptSecret("x"), /secret\.key is not a 32-byte hex key/);
    assert.equal(readFileSync(file, "utf8"), "not-a-key\n");
  } finally {
    process.env.CUSTODIAN_DATA_DIR = saved;
    useKey(undefined);
  }
});

test("CUSTODIAN_SECRET_KEY (64 hex or base64) is used instead of the key file", () => {
  const fileSealed = encryptSecret("canary-file-sealed");
  const fileKeyBefore = readFileSync(keyFile(), "utf8");

  const envKey = randomBytes(32);
  useKey(envKey.toString("hex").toUpperCase());
  const sealed = encryptSecret("canary-env-sealed");
  assert.equal(openWith(envKey, sealed), "canary-env-sealed");
  assert.equal(decryptSecret(sealed), "canary-env-sealed");
  // The file key is not the one in use: its secrets cannot be opened, and the message says why.
  assert.throws(() => decryptSecret(fileSealed), /cannot be decrypted: the secret key changed/);

  useKey(envKey.toString("base64"));
  assert.equal(decryptSecret(sealed), "canary-env-sealed", "the base64 spelling is the same key");

  useKey(undefined);
  assert.equal(decryptSecret(fileSealed), "canary-file-sealed");
  assert.throws(() => decryptSecret(sealed), /CUSTODIAN_SECRET_KEY/);
  assert.equal(readFileSync(keyFile(), "utf8"), fileKeyBefore, "the key file is untouched");
});

test("tampered or malformed ciphertext fails with a clear message", () => {
  const sealed = encryptSecret("canary-tamper-91");
  const [v, iv, tag, body] = sealed.split(":") as [string, string, string, string];
  const flip = (b64: string) => {
    const buf = Buffer.from(b64, "base64");
    buf[0] = buf[0]! ^ 0x01;
    return buf.toString("base64");
  };
  for (const bad of [
    [v, iv, tag, flip(body)].join(":"),
    [v, iv, flip(tag), body].join(":"),
    [v, flip(iv), tag, body].join(":"),
    [
      v,
      iv,
      tag,
      Buffer.concat([Buffer.from(body, "base64"), Buffer.from([0])]).toString("base64"),
    ].join(":"),
    [v, iv, tag, Buffer.from(body, "base64").subarray(1).toString("base64")].join(":"),
    [v, iv, tag, ""].join(":"),
  ]) {
    assert.throws(() => decryptSecret(bad), /A stored secret cannot be decrypted/, bad);
  }
  for (const bad of [
    "",
    "canary-tamper-91",
    `v2:${iv}:${tag}:${body}`,
    `v1:${iv}:${tag}`,
    "v1::x:y",
  ]) {
    assert.throws(() => decryptSecret(bad), /Unrecognised encrypted secret/, JSON.stringify(bad));
  }
});

test("a truncated authentication tag is refused (GCM tags must be the full 16 bytes)", () => {
  // A GCM tag cut to 4 bytes still "verifies" unless the decipher pins authTagLength, which makes
  // forging a ciphertext a 2^32 search instead of 2^128. Every cut must be refused, clearly.
  const sealed = encryptSecret("canary-short-tag");
  const [v, iv, tag, body] = sealed.split(":") as [string, string, string, string];
  const full = Buffer.from(tag, "base64");
  assert.equal(full.length, 16, "encryptSecret writes a 16-byte tag");
  for (const n of [15, 12, 8, 4, 3, 1]) {
    const cut = [v, iv, full.subarray(0, n).toString("base64"), body].join(":");
    assert.throws(
      () => decryptSecret(cut),
      /A stored secret cannot be decrypted|Unrecognised encrypted secret/,
      `tag cut to ${n} bytes`,
    );
  }
});

// ---- the store -----------------------------------------------------------------------------------

test("writeExportSettings seals the password in the Global Relay target; no row holds the plaintext", async () => {
  const settings: ExportSettings = {
    ...defaultExportSettings(),
    GlobalRelaySettings: {
      ...defaultExportSettings().GlobalRelaySettings,
      SMTPPassword: "canary-pw-Ωmega-52c1",
    },
  };
  await writeExportSettings(settings);
  const raw = await storedRow();
  assert.ok(raw);
  assert.ok(!raw.includes("canary-pw"), "plaintext in the Setting row");
  assert.equal(
    JSON.parse(raw).GlobalRelaySettings,
    undefined,
    "the Global Relay settings are the target's",
  );
  const target = await storedTarget();
  assert.ok(
    !target.config.includes("canary-pw") && !target.secret.includes("canary-pw"),
    "plaintext in the target row",
  );
  // Sealed together with the endpoint it is bound to (issue 11 item 2: lib/settings/secret-binding.ts).
  assert.match(target.secret, /^bound1:v1:[^:]+:[^:]+:[^:]+$/);
  const opened = JSON.parse(
    openWith(
      Buffer.from(readFileSync(keyFile(), "utf8").trim(), "hex"),
      target.secret.slice("bound1:".length),
    ),
  ) as { s: string; e: string };
  assert.equal(opened.s, "canary-pw-Ωmega-52c1");
  assert.match(opened.e, /"customerType","A9"/);

  const loaded = await loadExportSettings();
  assert.deepEqual(loaded, settings);

  // An empty password is stored as empty, not as the encryption of "".
  await writeExportSettings(defaultExportSettings());
  assert.equal((await storedTarget()).secret, "");
  assert.equal((await loadExportSettings()).GlobalRelaySettings.SMTPPassword, "");
  await resetSettings();
});

test("a tampered target row makes loading fail clearly", async () => {
  await writeExportSettings({
    ...defaultExportSettings(),
    GlobalRelaySettings: {
      ...defaultExportSettings().GlobalRelaySettings,
      SMTPPassword: "canary-row-tamper",
    },
  });
  const parts = (await storedTarget()).secret.split(":");
  const body = Buffer.from(parts[4]!, "base64");
  body[body.length - 1] = body[body.length - 1]! ^ 0x80;
  parts[4] = body.toString("base64");
  await db().target.update({ where: { id: "globalrelay" }, data: { secret: parts.join(":") } });
  await assert.rejects(loadExportSettings(), /A stored secret cannot be decrypted/);
  await resetSettings();
});

test("with no row the defaults are loaded", async () => {
  assert.equal(await storedRow(), undefined);
  assert.deepEqual(await loadExportSettings(), defaultExportSettings());
});

// ---- saveExportSettings --------------------------------------------------------------------------

test("Global Relay enabled without any password is rejected and nothing is written", async () => {
  await resetSettings();
  for (const SMTPPassword of [undefined, SECRET_MASK, ""]) {
    const err = await saveExportSettings({
      input: input({
        EnableExport: true,
        ExportFormat: "globalrelay",
        GlobalRelaySettings: { SMTPPassword },
      }),
    }).then(
      () => assert.fail(`accepted with SMTPPassword ${JSON.stringify(SMTPPassword)}`),
      (e: unknown) => e,
    );
    assert.ok(err instanceof SettingsRejectedError, String(err));
    assert.equal(err.status, 400);
    assert.deepEqual(Object.keys(err.fieldErrors), ["GlobalRelaySettings.SMTPPassword"]);
    assert.equal(await storedRow(), undefined, "nothing written");
  }
  // globalrelay-zip does not mail anything: no password needed.
  const zip = await saveExportSettings({
    input: input({ EnableExport: true, ExportFormat: "globalrelay-zip" }),
    now: new Date("2026-01-01T00:00:00Z"),
  });
  assert.equal(zip.after.GlobalRelaySettings.SMTPPassword, "");
  await resetSettings();
});

test("password: kept when absent or the mask, replaced otherwise; diffs mask it on both sides", async () => {
  await resetSettings();
  const first = await saveExportSettings({
    input: input({ GlobalRelaySettings: { SMTPPassword: "canary-first-Q1" } }),
  });
  assert.equal(first.after.GlobalRelaySettings.SMTPPassword, "canary-first-Q1");
  assert.ok(!JSON.stringify(first.diffs).includes("canary-first"));
  assert.deepEqual(
    first.diffs.find((d) => d.path === "MessageExportSettings.GlobalRelaySettings.SMTPPassword"),
    {
      path: "MessageExportSettings.GlobalRelaySettings.SMTPPassword",
      base_val: "",
      actual_val: SECRET_MASK,
    },
  );
  assert.ok(
    !(await storedRow())!.includes("canary-first") &&
      !JSON.stringify(await storedTarget()).includes("canary-first"),
  );

  for (const SMTPPassword of [undefined, SECRET_MASK]) {
    const rowBefore = await db().exportPolicy.findUnique({ where: { id: "default" } });
    const r = await saveExportSettings({ input: input({ GlobalRelaySettings: { SMTPPassword } }) });
    assert.deepEqual(r.diffs, [], `no change for ${JSON.stringify(SMTPPassword)}`);
    assert.equal(r.after.GlobalRelaySettings.SMTPPassword, "canary-first-Q1");
    assert.equal((await loadExportSettings()).GlobalRelaySettings.SMTPPassword, "canary-first-Q1");
    const rowAfter = await db().exportPolicy.findUnique({ where: { id: "default" } });
    assert.deepEqual(rowAfter, rowBefore, "an unchanged save does not rewrite the row");
  }

  // One asterisk short of the mask is a real (new) password.
  const almost = "*".repeat(31);
  await saveExportSettings({ input: input({ GlobalRelaySettings: { SMTPPassword: almost } }) });
  assert.equal((await loadExportSettings()).GlobalRelaySettings.SMTPPassword, almost);

  const replaced = await saveExportSettings({
    input: input({ GlobalRelaySettings: { SMTPPassword: "canary-second-Q2" } }),
  });
  assert.deepEqual(replaced.diffs, [
    {
      path: "MessageExportSettings.GlobalRelaySettings.SMTPPassword",
      base_val: SECRET_MASK,
      actual_val: SECRET_MASK,
    },
  ]);
  assert.equal((await loadExportSettings()).GlobalRelaySettings.SMTPPassword, "canary-second-Q2");
  assert.ok(
    !(await storedRow())!.includes("canary-second") &&
      !JSON.stringify(await storedTarget()).includes("canary-second"),
  );

  // With a stored password, Global Relay can be enabled by sending the mask back.
  const gr = await saveExportSettings({
    input: input({
      EnableExport: true,
      ExportFormat: "globalrelay",
      GlobalRelaySettings: { SMTPPassword: SECRET_MASK },
    }),
    now: new Date("2026-02-01T00:00:00Z"),
  });
  assert.equal(gr.after.GlobalRelaySettings.SMTPPassword, "canary-second-Q2");
  assert.ok(!JSON.stringify(gr.diffs).includes("canary-second"));

  // A rejected save leaves the row byte-identical.
  const rowBefore = await storedRow();
  await assert.rejects(
    saveExportSettings({
      input: input({
        EnableExport: true,
        ExportFormat: "globalrelay",
        GlobalRelaySettings: { SMTPPassword: "" },
      }),
    }),
    (e: unknown) =>
      e instanceof SettingsRejectedError && "GlobalRelaySettings.SMTPPassword" in e.fieldErrors,
  );
  assert.equal(await storedRow(), rowBefore);
  assert.equal((await loadExportSettings()).GlobalRelaySettings.SMTPPassword, "canary-second-Q2");
  await resetSettings();
});

test("ExportFromTimestamp is set when the export is first enabled, and only then", async () => {
  await resetSettings();
  const t0 = new Date("2026-03-01T09:00:00.000Z");
  const off = await saveExportSettings({ input: input(), now: t0 });
  assert.equal(off.after.ExportFromTimestamp, 0, "saving while disabled does not start the clock");

  const t1 = new Date("2026-03-02T10:11:12.345Z");
  const on = await saveExportSettings({ input: input({ EnableExport: true }), now: t1 });
  assert.equal(on.after.ExportFromTimestamp, t1.getTime());
  assert.deepEqual(
    [...on.diffs].sort((a, b) => a.path.localeCompare(b.path)),
    [
      { path: "MessageExportSettings.EnableExport", base_val: false, actual_val: true },
      { path: "MessageExportSettings.ExportFromTimestamp", base_val: 0, actual_val: t1.getTime() },
    ],
  );
  assert.equal((await loadExportSettings()).ExportFromTimestamp, t1.getTime());

  const t2 = new Date("2026-03-05T00:00:00Z");
  const disabled = await saveExportSettings({ input: input({ EnableExport: false }), now: t2 });
  assert.equal(disabled.after.ExportFromTimestamp, t1.getTime());
  assert.deepEqual(disabled.diffs, [
    { path: "MessageExportSettings.EnableExport", base_val: true, actual_val: false },
  ]);

  const t3 = new Date("2026-03-09T00:00:00Z");
  const again = await saveExportSettings({ input: input({ EnableExport: true }), now: t3 });
  assert.equal(again.after.ExportFromTimestamp, t1.getTime(), "re-enabling keeps the first moment");
  assert.deepEqual(again.diffs, [
    { path: "MessageExportSettings.EnableExport", base_val: false, actual_val: true },
  ]);
  assert.equal((await loadExportSettings()).ExportFromTimestamp, t1.getTime());

  const unchanged = await saveExportSettings({
    input: input({ EnableExport: true }),
    now: new Date("2026-03-10T00:00:00Z"),
  });
  assert.deepEqual(unchanged.diffs, []);
  await resetSettings();
});

test("config diffs list only the changed leaves, with Mattermost paths", async () => {
  await resetSettings();
  await saveExportSettings({
    input: input({ GlobalRelaySettings: { SMTPPassword: "canary-diff-pw" } }),
  });

  const time = await saveExportSettings({ input: input({ DailyRunTime: "7:05" }) });
  assert.deepEqual(time.diffs, [
    { path: "MessageExportSettings.DailyRunTime", base_val: "01:00", actual_val: "07:05" },
  ]);
  assert.equal((await loadExportSettings()).DailyRunTime, "07:05");

  const several = await saveExportSettings({
    input: input({
      DailyRunTime: "7:05",
      BatchSize: "500",
      ExportFormat: "actiance",
      GlobalRelaySettings: { CustomSMTPPort: "587" },
    }),
  });
  assert.deepEqual(
    [...several.diffs].sort((a, b) => a.path.localeCompare(b.path)),
    [
      { path: "MessageExportSettings.BatchSize", base_val: 10000, actual_val: 500 },
      { path: "MessageExportSettings.ExportFormat", base_val: "csv", actual_val: "actiance" },
      {
        path: "MessageExportSettings.GlobalRelaySettings.CustomSMTPPort",
        base_val: 25,
        actual_val: 587,
      },
    ],
  );
  await resetSettings();
});

test("config diffs show where archive mail goes (username, address) in clear; only the password is masked (issue 11 item 3)", async () => {
  await resetSettings();
  await saveExportSettings({
    input: input({
      GlobalRelaySettings: {
        SMTPUsername: "user-old",
        EmailAddress: "old@archive.example",
        SMTPPassword: "canary-pw-3",
      },
    }),
  });
  const r = await saveExportSettings({
    input: input({
      GlobalRelaySettings: {
        SMTPUsername: "user-new",
        EmailAddress: "new@archive.example",
        SMTPPassword: "canary-pw-4",
      },
    }),
  });
  assert.deepEqual(
    [...r.diffs].sort((a, b) => a.path.localeCompare(b.path)),
    [
      {
        path: "MessageExportSettings.GlobalRelaySettings.EmailAddress",
        base_val: "old@archive.example",
        actual_val: "new@archive.example",
      },
      {
        path: "MessageExportSettings.GlobalRelaySettings.SMTPPassword",
        base_val: SECRET_MASK,
        actual_val: SECRET_MASK,
      },
      {
        path: "MessageExportSettings.GlobalRelaySettings.SMTPUsername",
        base_val: "user-old",
        actual_val: "user-new",
      },
    ],
  );
  assert.ok(!JSON.stringify(r.diffs).includes("canary"));
  // Clearing the username also drops the password it was bound to.
  const cleared = await saveExportSettings({
    input: input({
      GlobalRelaySettings: { SMTPUsername: "", EmailAddress: "new@archive.example" },
    }),
  });
  assert.deepEqual(cleared.diffs, [
    {
      path: "MessageExportSettings.GlobalRelaySettings.SMTPUsername",
      base_val: "user-new",
      actual_val: "",
    },
    {
      path: "MessageExportSettings.GlobalRelaySettings.SMTPPassword",
      base_val: SECRET_MASK,
      actual_val: "",
    },
  ]);
  await resetSettings();
});

test("configDiffs walks nested objects and reports added and removed leaves", () => {
  assert.deepEqual(
    configDiffs("P", { a: { b: 1, c: [1, 2] }, d: "x" }, { a: { b: 1, c: [1, 2] }, d: "x" }),
    [],
  );
  assert.deepEqual(configDiffs("P", { a: { b: 1, c: [1, 2] } }, { a: { b: 2, c: [1, 3] } }), [
    { path: "P.a.b", base_val: 1, actual_val: 2 },
    { path: "P.a.c", base_val: [1, 2], actual_val: [1, 3] },
  ]);
  assert.deepEqual(configDiffs("P", { a: 1 }, { b: 2 }), [
    { path: "P.a", base_val: 1, actual_val: undefined },
    { path: "P.b", base_val: undefined, actual_val: 2 },
  ]);
  assert.deepEqual(
    configDiffs(
      "P",
      { G: { SMTPPassword: "s1", EmailAddress: "e@x.io" } },
      { G: { SMTPPassword: "s2", EmailAddress: "" } },
    ),
    [
      { path: "P.G.SMTPPassword", base_val: SECRET_MASK, actual_val: SECRET_MASK },
      { path: "P.G.EmailAddress", base_val: "e@x.io", actual_val: "" },
    ],
  );
});

test("toSettingsView never carries the password, only whether one is set", async () => {
  const settings: ExportSettings = {
    ...defaultExportSettings(),
    GlobalRelaySettings: {
      ...defaultExportSettings().GlobalRelaySettings,
      SMTPPassword: "canary-view-pw",
    },
  };
  const view = toSettingsView(settings);
  assert.equal(JSON.stringify(view).includes("canary-view-pw"), false);
  assert.equal("SMTPPassword" in view.GlobalRelaySettings, false);
  assert.equal(view.GlobalRelaySettings.SMTPPasswordSet, true);
  assert.equal(
    settings.GlobalRelaySettings.SMTPPassword,
    "canary-view-pw",
    "the input is not mutated",
  );
  const { SMTPPassword: _pw, ...grRest } = settings.GlobalRelaySettings;
  assert.deepEqual(view, {
    ...settings,
    GlobalRelaySettings: { ...grRest, SMTPPasswordSet: true },
  });

  assert.equal(toSettingsView(defaultExportSettings()).GlobalRelaySettings.SMTPPasswordSet, false);

  // Through the store too.
  await resetSettings();
  await saveExportSettings({
    input: input({ GlobalRelaySettings: { SMTPPassword: "canary-view-stored" } }),
  });
  const stored = toSettingsView(await loadExportSettings());
  assert.equal(JSON.stringify(stored).includes("canary-view-stored"), false);
  assert.equal(stored.GlobalRelaySettings.SMTPPasswordSet, true);
  await resetSettings();
});
